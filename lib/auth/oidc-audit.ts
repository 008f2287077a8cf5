/**
 * Where single sign-on attempts are recorded.
 *
 * - Every attempt writes one structured log line: `[auth] {"event":"signin",…}` (JSON, never a
 *   token, an authorization code or a state value).
 * - An attempt that names a member (linked by issuer + subject, or by the verified or claimed
 *   email) is an audit event of that member's workspace: `auth.signin` (accepted) or
 *   `auth.signin_refused` with the reason — written by lib/auth/oidc-signin.ts.
 * - An attempt that names nobody (an address that is no member's, a provider error before the
 *   provider said who it is) has no workspace: it is a SignInAttempt row, which owners of every
 *   workspace see on the Audit page ("sign-ins that matched no workspace"). Rows older than 90
 *   days are dropped as new ones arrive.
 */
import type { Db } from "../server/db";
import { allowAttempt } from "./throttle";

export const AUDIT_SIGNIN = "auth.signin";
export const AUDIT_SIGNIN_REFUSED = "auth.signin_refused";
export const AUDIT_IDENTITY_LINKED = "auth.identity_linked";
export const AUDIT_ROLE_FROM_SSO = "member.role_from_sso";
export const AUDIT_GROUPS_FROM_SSO = "member.groups_from_sso";

const KEEP_DAYS = 90;
/** Rows one client address may add per window: anyone can call the callback URL with ?error=… */
const RECORD_MAX_PER_ADDRESS = 60;
const RECORD_WINDOW_MS = 15 * 60_000;

export interface SignInLogFields {
  outcome: "accepted" | "refused";
  reason?: string;
  issuer?: string;
  sub?: string;
  email?: string | null;
  memberId?: string;
  workspaceId?: string | null;
  clientAddress?: string;
  detail?: string;
}

/** One JSON line per attempt on stderr (the server log). */
export function logSignIn(fields: SignInLogFields, at: Date = new Date()): void {
  const line = { at: at.toISOString(), event: "signin", method: "oidc", ...fields };
  console.error(`[auth] ${JSON.stringify(line)}`);
}

/** Log line for a failure that is not a sign-in attempt (discovery at boot, logout). */
export function logAuthProblem(
  event: string,
  fields: Record<string, string | number | boolean | null | undefined>,
  at: Date = new Date(),
): void {
  console.error(`[auth] ${JSON.stringify({ at: at.toISOString(), event, ...fields })}`);
}

export interface UnmatchedAttempt {
  reason: string;
  issuer: string;
  subject?: string | null;
  email?: string | null;
  detail?: string | null;
  clientAddress?: string | null;
}

const clip = (s: string | null | undefined, n: number) => (s == null ? null : s.slice(0, n));

/**
 * Records an attempt that belongs to no workspace (and drops rows past their keep). Past 60
 * rows per client address in 15 minutes only the log line remains (false), so nobody can fill
 * the table by calling the callback URL in a loop.
 */
export async function recordUnmatchedAttempt(
  db: Db,
  a: UnmatchedAttempt,
  at: Date = new Date(),
): Promise<boolean> {
  if (
    !(await allowAttempt(
      db,
      `signin-record:ip:${a.clientAddress ?? "unknown"}`,
      RECORD_MAX_PER_ADDRESS,
      RECORD_WINDOW_MS,
      at,
    ))
  )
    return false;
  await db.signInAttempt.deleteMany({
    where: { createdAt: { lt: new Date(at.getTime() - KEEP_DAYS * 86_400_000) } },
  });
  await db.signInAttempt.create({
    data: {
      createdAt: at,
      outcome: "refused",
      reason: a.reason.slice(0, 64),
      issuer: a.issuer.slice(0, 500),
      subject: clip(a.subject, 255),
      email: clip(a.email, 320),
      detail: clip(a.detail, 200),
      clientAddress: clip(a.clientAddress, 64),
    },
  });
  return true;
}

export interface UnmatchedAttemptRow {
  id: number;
  at: string;
  reason: string;
  issuer: string;
  subject: string | null;
  email: string | null;
  detail: string | null;
  clientAddress: string | null;
}

/** Newest first. */
export async function listUnmatchedAttempts(
  db: Db,
  opts: { limit: number; reason?: string },
): Promise<UnmatchedAttemptRow[]> {
  const rows = await db.signInAttempt.findMany({
    where: opts.reason ? { reason: opts.reason } : {},
    orderBy: { id: "desc" },
    take: opts.limit,
  });
  return rows.map((r) => ({
    id: r.id,
    at: r.createdAt.toISOString(),
    reason: r.reason,
    issuer: r.issuer,
    subject: r.subject,
    email: r.email,
    detail: r.detail,
    clientAddress: r.clientAddress,
  }));
}
