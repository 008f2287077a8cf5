/**
 * The Audit page's reads: one workspace's events, newest first, filtered by action (or every
 * action under a prefix, "auth.*"), actor and object, keyset-paginated on (time, id) — a
 * back-dated event sorts where it happened (lib/audit/audit-log.ts); one sentence in plain
 * words per event (lib/people/audit-words.ts, with the names looked up per page), the
 * older one-line summary for events it has no words for.
 */
import { z } from "zod";

import "server-only";

import { REASON_LABELS } from "../auth/oidc-errors";
import type { Unit } from "../core/money";
import { auditSentence } from "../people/audit-words";
import type { Db } from "../server/db";
import { AUDIT_ORDER, auditCursorWhere, type AuditCursorWhere } from "./audit-log";

export interface AuditRow {
  id: number;
  at: string;
  /** the actor's label as recorded: an email, "token:<name> (for <email>)", "system" */
  actor: string;
  /** their name when the actor is a member of the workspace */
  actorName: string | null;
  action: string;
  targetType: string;
  targetId: string;
  /** what the target is called now (or was called, for a deleted group) */
  targetLabel: string | null;
  /** the target's own page, when it has one */
  targetHref: string | null;
  /** one sentence in plain words */
  summary: string;
}

export interface AuditPageQuery {
  workspaceId: string;
  /** exact action, or "prefix.*" */
  action?: string;
  /** exact actor label (an email, "system", a token's label) */
  actor?: string;
  /** object type ("Member", "Group", "LimitPolicy", "CreditRequest", …) */
  type?: string;
  /** object id: with type Member or Group, every event that names it (its overrides, requests, groups) */
  target?: string;
  before?: number;
  limit: number;
}

/** What the filter accepts: action names are dotted words. */
export function parseActionFilter(value: unknown): string | undefined {
  return typeof value === "string" &&
    /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?$/.test(value) &&
    value.length <= 64
    ? value
    : undefined;
}

/** The Audit page's and the export's filters from a query string; anything malformed is dropped, never an error page. */
export function parseAuditFilters(params: Record<string, string | string[] | undefined>): {
  action?: string;
  actor?: string;
  type?: string;
  target?: string;
  before?: number;
} {
  const one = (k: string) => (typeof params[k] === "string" ? (params[k] as string) : undefined);
  const actor = one("actor");
  const type = one("type");
  const target = one("target");
  const beforeText = one("before");
  const before =
    beforeText &&
    /^\d{1,10}$/.test(beforeText) &&
    Number(beforeText) <= 2_147_483_647 &&
    Number(beforeText) > 0
      ? Number(beforeText)
      : undefined;
  return {
    action: parseActionFilter(one("action")),
    actor: actor && actor.length <= 200 ? actor : undefined,
    type: type && /^[A-Za-z_]{1,40}$/.test(type) ? type : undefined,
    target: target && /^[A-Za-z0-9_:.@-]{1,80}$/.test(target) ? target : undefined,
    before,
  };
}

/**
 * The export's query, strictly: a file is a record someone keeps, so a malformed or unknown
 * filter is a 400 naming it rather than a file of something else (the page, by contrast,
 * drops what it cannot read and shows everything).
 */
export const auditExportQuerySchema = z
  .object({
    action: z
      .string()
      .refine((v) => parseActionFilter(v) === v, "must be an action like limit.update or limit.*")
      .optional(),
    actor: z.string().min(1).max(200).optional(),
    type: z
      .string()
      .regex(/^[A-Za-z_]{1,40}$/, "must be an object type like Member or Group")
      .optional(),
    target: z
      .string()
      .regex(/^[A-Za-z0-9_:.@-]{1,80}$/, "must be an object id")
      .optional(),
  })
  .strict();

function actionWhere(action: string | undefined) {
  if (!action) return {};
  return action.endsWith(".*") ? { action: { startsWith: action.slice(0, -1) } } : { action };
}

/** Members and groups are cuids: an event "mentions" one when its id is in the event's data. */
const MENTIONABLE = new Set(["Member", "Group"]);

function auditWhere(
  q: Omit<AuditPageQuery, "limit" | "before">,
  cursor: AuditCursorWhere | Record<string, never>,
) {
  const object = q.target
    ? q.type && MENTIONABLE.has(q.type)
      ? {
          OR: [
            { targetType: q.type, targetId: q.target },
            { afterJson: { contains: `"${q.target}"` } },
            { beforeJson: { contains: `"${q.target}"` } },
            { afterJson: { contains: `:${q.target}"` } },
          ],
        }
      : { targetId: q.target, ...(q.type ? { targetType: q.type } : {}) }
    : q.type
      ? { targetType: q.type }
      : {};
  return {
    workspaceId: q.workspaceId,
    ...actionWhere(q.action),
    ...(q.actor ? { actorLabel: q.actor } : {}),
    ...object,
    AND: [cursor],
  };
}

type EventRecord = {
  id: number;
  createdAt: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string;
  beforeJson: string | null;
  afterJson: string | null;
};

/** Names for a page of events: members, groups and requesters by id, read in three queries. */
async function wordsFor(db: Db, workspaceId: string, events: EventRecord[]) {
  const memberIds = new Set<string>();
  const groupIds = new Set<string>();
  const requestIds = new Set<number>();
  const scan = (text: string | null) => {
    if (!text) return;
    for (const m of text.matchAll(/"(MEMBER|GROUP):([A-Za-z0-9_-]{1,64})"/g))
      (m[1] === "MEMBER" ? memberIds : groupIds).add(m[2]!);
  };
  for (const e of events) {
    if (e.actorId) memberIds.add(e.actorId);
    if (e.targetType === "Member") memberIds.add(e.targetId);
    if (e.targetType === "Group") groupIds.add(e.targetId);
    if (e.targetType === "CreditRequest" && /^\d{1,10}$/.test(e.targetId))
      requestIds.add(Number(e.targetId));
    scan(e.beforeJson);
    scan(e.afterJson);
  }
  const [ws, requests] = await Promise.all([
    db.workspace.findUnique({
      where: { id: workspaceId },
      select: { budgetUnit: true, timezone: true },
    }),
    requestIds.size
      ? db.creditRequest.findMany({
          where: { workspaceId, id: { in: [...requestIds].filter((n) => n <= 2_147_483_647) } },
          select: { id: true, requesterId: true },
        })
      : [],
  ]);
  for (const r of requests) memberIds.add(r.requesterId);
  const [members, groups] = await Promise.all([
    memberIds.size
      ? db.member.findMany({
          where: { workspaceId, id: { in: [...memberIds] } },
          select: { id: true, name: true },
        })
      : [],
    groupIds.size
      ? db.group.findMany({
          where: { workspaceId, id: { in: [...groupIds] } },
          select: { id: true, name: true },
        })
      : [],
  ]);
  const memberName = new Map(members.map((m) => [m.id, m.name]));
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  const requester = new Map(requests.map((r) => [String(r.id), r.requesterId]));
  return {
    unit: (ws?.budgetUnit ?? "CREDITS") as Unit,
    timezone: ws?.timezone ?? "UTC",
    memberName,
    groupName,
    requester,
  };
}

function toRows(events: EventRecord[], w: Awaited<ReturnType<typeof wordsFor>>): AuditRow[] {
  return events.map((e) => {
    const before = parseJson(e.beforeJson);
    const after = parseJson(e.afterJson);
    const actorName = e.actorId ? (w.memberName.get(e.actorId) ?? null) : null;
    const sentence = auditSentence(e.action, e.targetId, before, after, {
      unit: w.unit,
      timezone: w.timezone,
      actor: actorName ?? e.actorLabel,
      memberName: (id) => w.memberName.get(id),
      groupName: (id) => w.groupName.get(id),
      requesterOf: (id) => w.requester.get(id),
    });
    const a = obj(after);
    const b = obj(before);
    const targetLabel =
      e.targetType === "Member"
        ? (w.memberName.get(e.targetId) ?? str(a.name) ?? str(b.name))
        : e.targetType === "Group"
          ? (w.groupName.get(e.targetId) ?? str(a.name) ?? str(b.name))
          : e.targetType === "CreditRequest"
            ? `Request #${e.targetId}`
            : null;
    const targetHref =
      e.targetType === "Member" && w.memberName.has(e.targetId)
        ? `/members/${e.targetId}`
        : e.targetType === "Group" && w.groupName.has(e.targetId)
          ? `/groups/${e.targetId}`
          : null;
    return {
      id: e.id,
      at: e.createdAt.toISOString(),
      actor: e.actorLabel,
      actorName,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId,
      targetLabel,
      targetHref,
      summary: sentence ?? describeAuditEvent(e.action, before, after),
    };
  });
}

export async function listAuditPage(
  db: Db,
  q: AuditPageQuery,
): Promise<{ rows: AuditRow[]; olderBefore: number | null }> {
  const cursor = await auditCursorWhere(db, q.workspaceId, q.before);
  if (!cursor) return { rows: [], olderBefore: null };
  const events = await db.auditEvent.findMany({
    where: auditWhere(q, cursor),
    orderBy: AUDIT_ORDER,
    take: q.limit + 1,
  });
  const page = events.slice(0, q.limit);
  return {
    rows: toRows(page, await wordsFor(db, q.workspaceId, page)),
    olderBefore: events.length > q.limit ? page[page.length - 1]!.id : null,
  };
}

/** Every event matching the filters, newest first, in pages (for the CSV export). */
export async function* auditRowsFor(
  db: Db,
  q: Omit<AuditPageQuery, "limit" | "before">,
  pageSize = 1000,
): AsyncGenerator<AuditRow[]> {
  let before: number | undefined;
  for (;;) {
    const page = await listAuditPage(db, { ...q, before, limit: pageSize });
    if (page.rows.length) yield page.rows;
    if (page.olderBefore === null) return;
    before = page.olderBefore;
  }
}

/** The actions a workspace's log holds (for the filter). */
export async function auditActionsOf(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db.auditEvent.groupBy({ by: ["action"], where: { workspaceId } });
  return rows.map((r) => r.action).sort();
}

/** Who appears in a workspace's log (for the filter). */
export async function auditActorsOf(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db.auditEvent.groupBy({ by: ["actorLabel"], where: { workspaceId } });
  return rows.map((r) => r.actorLabel).sort();
}

/** What a history page is about: "Bob Builder" for a member, "group Platform", or the type and id. */
export async function auditObjectLabel(
  db: Db,
  workspaceId: string,
  type: string | undefined,
  target: string | undefined,
): Promise<string | null> {
  if (!target) return null;
  if (type === "Member")
    return (
      (await db.member.findFirst({ where: { workspaceId, id: target }, select: { name: true } }))
        ?.name ?? "a former member"
    );
  if (type === "Group") {
    const g = await db.group.findFirst({
      where: { workspaceId, id: target },
      select: { name: true },
    });
    return g ? `group ${g.name}` : "a deleted group";
  }
  return `${type ?? "object"} ${target}`;
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function str(v: unknown): string | null {
  return typeof v === "string" && v ? v : null;
}

function hostOf(issuer: unknown): string {
  try {
    return new URL(String(issuer)).host;
  } catch {
    return String(issuer ?? "");
  }
}

/** Compact "key: value" text of an object, for events without a dedicated summary. */
function compact(v: unknown, max = 160): string {
  if (v === undefined || v === null) return "";
  const o = obj(v);
  const text = Object.keys(o).length
    ? Object.entries(o)
        .filter(([, x]) => x !== null && x !== undefined && typeof x !== "object")
        .map(([k, x]) => `${k}: ${String(x)}`)
        .join(", ")
    : typeof v === "object"
      ? JSON.stringify(v)
      : String(v);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One line a person can read, for the Audit page. */
export function describeAuditEvent(action: string, before: unknown, after: unknown): string {
  const a = obj(after);
  const b = obj(before);
  switch (action) {
    case "auth.signin": {
      const parts = [
        `Signed in with single sign-on (${hostOf(a.issuer)})`,
        `role ${String(a.role ?? "?")}`,
      ];
      if (a.linkedNow) parts.push("account linked on this sign-in");
      if (a.providerEmailDiffers) parts.push(`provider email now ${String(a.email)}`);
      return parts.join(" · ");
    }
    case "auth.signin_refused": {
      const reason = String(a.reason ?? "refused");
      return [
        `Refused: ${REASON_LABELS[reason] ?? reason}`,
        str(a.email) ?? `subject ${String(a.sub ?? "?")}`,
        a.emailVerified === false ? "email_verified false" : null,
        `via ${hostOf(a.issuer)}`,
      ]
        .filter(Boolean)
        .join(" · ");
    }
    case "auth.identity_linked":
      return `Linked ${String(a.member ?? "member")} to subject ${String(a.sub ?? "?")} at ${hostOf(a.issuer)} (by ${String(a.by ?? "sign-in")})`;
    case "member.role_from_sso":
      return a.kept
        ? `Role kept ${String(b.role)} (${String(a.kept)}); provider groups ask for ${String(a.wanted)}`
        : `Role ${String(b.role)} → ${String(a.role)} from provider groups`;
    case "member.groups_from_sso": {
      const joined =
        Array.isArray(a.joined) && a.joined.length ? `joined ${a.joined.join(", ")}` : null;
      const left = Array.isArray(a.left) && a.left.length ? `left ${a.left.join(", ")}` : null;
      return `Groups from provider: ${[joined, left].filter(Boolean).join("; ") || "no change"}`;
    }
    default: {
      const from = compact(before);
      const to = compact(after);
      if (from && to) return `${from} → ${to}`;
      return to || from;
    }
  }
}
