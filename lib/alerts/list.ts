/** The in-app alert list: newest first, with the subject's name and delivery outcomes. */
import "server-only";

import { MEMBER_LABEL_SELECT, memberLabel } from "../people/member-label";
import type { Db } from "../server/db";

export interface AlertDto {
  id: string;
  kind: string;
  subjectType: string;
  subjectId: string;
  subjectLabel: string;
  periodKey: string;
  thresholdPct: number | null;
  status: "OPEN" | "RESOLVED";
  message: string;
  evidence: Record<string, unknown>;
  deliveryState: string;
  deliveries: { channel: string; status: string; attempts: number; error: string | null }[];
  createdAt: string;
  resolvedAt: string | null;
  /** closed because this higher alert for the same subject superseded it (its condition still held) */
  supersededBy: { id: string; kind: string; thresholdPct: number | null } | null;
}

export async function listAlerts(
  db: Db,
  workspaceId: string,
  opts: { status?: "OPEN" | "RESOLVED"; limit?: number } = {},
): Promise<AlertDto[]> {
  const rows = await db.alert.findMany({
    where: { workspaceId, ...(opts.status ? { status: opts.status } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: opts.limit ?? 100,
    include: { deliveries: { include: { channel: { select: { name: true } } } } },
  });
  const memberIds = rows.filter((r) => r.subjectType === "MEMBER").map((r) => r.subjectId);
  const groupIds = rows.filter((r) => r.subjectType === "GROUP").map((r) => r.subjectId);
  const supersederIds = [
    ...new Set(rows.flatMap((r) => (r.supersededById ? [r.supersededById] : []))),
  ];
  const [members, groups, superseders] = await Promise.all([
    db.member.findMany({
      where: { workspaceId, id: { in: memberIds } },
      select: { id: true, ...MEMBER_LABEL_SELECT },
    }),
    db.group.findMany({
      where: { workspaceId, id: { in: groupIds } },
      select: { id: true, name: true },
    }),
    supersederIds.length
      ? db.alert.findMany({
          where: { workspaceId, id: { in: supersederIds } },
          select: { id: true, kind: true, thresholdPct: true },
        })
      : [],
  ]);
  const supersederOf = new Map(superseders.map((a) => [a.id, a]));
  const label = new Map<string, string>([
    ...members.map((m) => [m.id, memberLabel(m)] as const),
    ...groups.map((g) => [g.id, g.name] as const),
  ]);
  return rows.map((r) => {
    let evidence: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(r.evidenceJson);
      if (parsed && typeof parsed === "object") evidence = parsed as Record<string, unknown>;
    } catch {
      // keep {} for a damaged row rather than failing the whole list
    }
    return {
      id: r.id,
      kind: r.kind,
      subjectType: r.subjectType,
      subjectId: r.subjectId,
      subjectLabel:
        r.subjectType === "WORKSPACE" ? "Workspace" : (label.get(r.subjectId) ?? "(removed)"),
      periodKey: r.periodKey,
      thresholdPct: r.thresholdPct,
      status: r.status,
      message: r.message,
      evidence,
      deliveryState: r.deliveryState,
      deliveries: r.deliveries.map((d) => ({
        channel: d.channel.name,
        status: d.status,
        attempts: d.attempts,
        error: d.lastError,
      })),
      createdAt: r.createdAt.toISOString(),
      resolvedAt: r.resolvedAt?.toISOString() ?? null,
      supersededBy: (r.supersededById && supersederOf.get(r.supersededById)) || null,
    };
  });
}
