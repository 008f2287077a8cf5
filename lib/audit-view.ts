/**
 * The Audit page's reads: one workspace's events, newest first, optionally one action (or every
 * action under a prefix, "auth.*"), keyset-paginated by id; and a one-line summary per event.
 */
import "server-only";
import type { Db } from "./db";
import { REASON_LABELS } from "./auth/oidc-errors";

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  summary: string;
}

export interface AuditPageQuery {
  workspaceId: string;
  /** exact action, or "prefix.*" */
  action?: string;
  before?: number;
  limit: number;
}

/** What the filter accepts: action names are dotted words. */
export function parseActionFilter(value: unknown): string | undefined {
  return typeof value === "string" && /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?$/.test(value) && value.length <= 64 ? value : undefined;
}

function actionWhere(action: string | undefined) {
  if (!action) return {};
  return action.endsWith(".*") ? { action: { startsWith: action.slice(0, -1) } } : { action };
}

export async function listAuditPage(db: Db, q: AuditPageQuery): Promise<{ rows: AuditRow[]; olderBefore: number | null }> {
  const events = await db.auditEvent.findMany({
    where: { workspaceId: q.workspaceId, ...actionWhere(q.action), ...(q.before ? { id: { lt: q.before } } : {}) },
    orderBy: { id: "desc" },
    take: q.limit + 1,
  });
  const page = events.slice(0, q.limit);
  return {
    rows: page.map((e) => ({
      id: e.id,
      at: e.createdAt.toISOString(),
      actor: e.actorLabel,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId,
      summary: describeAuditEvent(e.action, parseJson(e.beforeJson), parseJson(e.afterJson)),
    })),
    olderBefore: events.length > q.limit ? page[page.length - 1]!.id : null,
  };
}

/** The actions a workspace's log holds (for the filter). */
export async function auditActionsOf(db: Db, workspaceId: string): Promise<string[]> {
  const rows = await db.auditEvent.groupBy({ by: ["action"], where: { workspaceId } });
  return rows.map((r) => r.action).sort();
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
      const parts = [`Signed in with single sign-on (${hostOf(a.issuer)})`, `role ${String(a.role ?? "?")}`];
      if (a.linkedNow) parts.push("account linked on this sign-in");
      if (a.providerEmailDiffers) parts.push(`provider email now ${String(a.email)}`);
      return parts.join(" · ");
    }
    case "auth.signin_refused": {
      const reason = String(a.reason ?? "refused");
      return [`Refused: ${REASON_LABELS[reason] ?? reason}`, str(a.email) ?? `subject ${String(a.sub ?? "?")}`, a.emailVerified === false ? "email_verified false" : null, `via ${hostOf(a.issuer)}`]
        .filter(Boolean)
        .join(" · ");
    }
    case "auth.identity_linked":
      return `Linked ${String(a.member ?? "member")} to subject ${String(a.sub ?? "?")} at ${hostOf(a.issuer)} (by ${String(a.by ?? "sign-in")})`;
    case "member.role_from_sso":
      return a.kept ? `Role kept ${String(b.role)} (${String(a.kept)}); provider groups ask for ${String(a.wanted)}` : `Role ${String(b.role)} → ${String(a.role)} from provider groups`;
    case "member.groups_from_sso": {
      const joined = Array.isArray(a.joined) && a.joined.length ? `joined ${a.joined.join(", ")}` : null;
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
