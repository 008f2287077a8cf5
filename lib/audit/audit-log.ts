/**
 * Reading the audit trail (finance and owners): newest first, one workspace only. "Newest" is
 * the event's time, not its id: a back-dated event (the demo's weeks of governance, written
 * after the day's sync) or one written under a moved clock sorts where it happened; events of
 * the same instant keep the id order. Pages are a keyset on (time, id): `before` is the id of
 * the previous page's last event, whose time is read to continue after it.
 */
import "server-only";

import type { Db } from "../server/db";

/** Newest first: by time, then by id. */
export const AUDIT_ORDER = [{ createdAt: "desc" as const }, { id: "desc" as const }];

/** The Prisma filter for "older than event `before`" in AUDIT_ORDER. */
export type AuditCursorWhere = {
  OR: ({ createdAt: { lt: Date } } | { createdAt: Date; id: { lt: number } })[];
};

/**
 * What comes after event `before` in AUDIT_ORDER: {} without a cursor, null when the cursor
 * names no event of the workspace (nothing follows a position that does not exist).
 */
export async function auditCursorWhere(
  db: Db,
  workspaceId: string,
  before: number | undefined,
): Promise<AuditCursorWhere | Record<string, never> | null> {
  if (!before) return {};
  const at = await db.auditEvent.findFirst({
    where: { id: before, workspaceId },
    select: { createdAt: true },
  });
  if (!at) return null;
  return {
    OR: [{ createdAt: { lt: at.createdAt } }, { createdAt: at.createdAt, id: { lt: before } }],
  };
}

export interface AuditQuery {
  workspaceId: string;
  limit: number;
  /** id of the last event of the previous page */
  before?: number;
}

export async function listAuditEvents(db: Db, q: AuditQuery) {
  const cursor = await auditCursorWhere(db, q.workspaceId, q.before);
  if (!cursor) return [];
  const events = await db.auditEvent.findMany({
    where: { workspaceId: q.workspaceId, ...cursor },
    orderBy: AUDIT_ORDER,
    take: q.limit,
  });
  return events.map((e) => ({
    id: e.id,
    at: e.createdAt.toISOString(),
    actor: e.actorLabel,
    action: e.action,
    target: `${e.targetType}:${e.targetId}`,
    before: e.beforeJson,
    after: e.afterJson,
  }));
}
