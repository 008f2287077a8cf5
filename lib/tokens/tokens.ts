/**
 * API tokens for machines (gateways, finance tooling, admin scripts): shown once, stored as
 * a SHA-256 hash, scoped, revocable, with a last-used time. Every change is audited.
 */
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { can } from "../auth/permissions";
import { auditActor, type Actor } from "../auth/actor";
import { writeAudit } from "../audit";
import { now as clockNow } from "../clock";
import type { Db } from "../db";
import { ForbiddenError, NotFoundError } from "../errors";
import { TOKEN_SCOPES, type TokenScope } from "./scopes";

export { TOKEN_SCOPES, type TokenScope };

const PREFIX = "alm_";

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

function assertManager(actor: Actor) {
  if (!can(actor, "tokens:manage")) throw new ForbiddenError("Only the workspace owner manages API tokens");
}

export interface TokenView {
  id: string;
  name: string;
  prefix: string;
  scopes: TokenScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

function parseScopes(text: string): TokenScope[] {
  return text.split(",").filter((s): s is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(s));
}

export async function listTokens(db: Db, actor: Actor): Promise<TokenView[]> {
  assertManager(actor);
  const rows = await db.apiToken.findMany({ where: { workspaceId: actor.workspaceId }, orderBy: { createdAt: "desc" } });
  return rows.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, scopes: parseScopes(r.scopes), createdAt: r.createdAt, lastUsedAt: r.lastUsedAt, revokedAt: r.revokedAt }));
}

/** Creates a token; the plain text is returned here once and never stored. */
export async function createToken(db: Db, actor: Actor, input: { name: string; scopes: TokenScope[] }): Promise<{ token: string; view: TokenView }> {
  assertManager(actor);
  const token = PREFIX + randomBytes(32).toString("base64url");
  const scopes = [...new Set(input.scopes)].sort();
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: { workspaceId: actor.workspaceId, name: input.name, tokenHash: hashToken(token), prefix: token.slice(0, PREFIX.length + 6), scopes: scopes.join(","), createdById: actor.memberId },
    });
    await writeAudit(tx, { workspaceId: actor.workspaceId, actor: auditActor(actor), action: "token.create", targetType: "ApiToken", targetId: created.id, after: { name: created.name, prefix: created.prefix, scopes } });
    return created;
  });
  return { token, view: { id: row.id, name: row.name, prefix: row.prefix, scopes, createdAt: row.createdAt, lastUsedAt: null, revokedAt: null } };
}

export async function revokeToken(db: Db, actor: Actor, id: string): Promise<void> {
  assertManager(actor);
  await db.$transaction(async (tx) => {
    const res = await tx.apiToken.updateMany({ where: { id, workspaceId: actor.workspaceId, revokedAt: null }, data: { revokedAt: clockNow() } });
    if (res.count !== 1) throw new NotFoundError("token");
    await writeAudit(tx, { workspaceId: actor.workspaceId, actor: auditActor(actor), action: "token.revoke", targetType: "ApiToken", targetId: id });
  });
}

export interface TokenPrincipal {
  tokenId: string;
  workspaceId: string;
  name: string;
  scopes: ReadonlySet<TokenScope>;
}

const TOUCH_EVERY_MS = 60_000;

/** Bearer token → its workspace and scopes; null when unknown or revoked. */
export async function authenticateToken(db: Db, token: string): Promise<TokenPrincipal | null> {
  if (!token.startsWith(PREFIX) || token.length > 200) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) }, select: { id: true, workspaceId: true, name: true, scopes: true, revokedAt: true, lastUsedAt: true } });
  if (!row || row.revokedAt) return null;
  const t = clockNow();
  if (!row.lastUsedAt || t.getTime() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    // "last used" is coarse (a minute) so a busy gateway does not write on every check;
    // not awaited: the answer must not wait for it
    void db.apiToken
      .updateMany({ where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(t.getTime() - TOUCH_EVERY_MS) } }] }, data: { lastUsedAt: t } })
      .catch(() => undefined);
  }
  return { tokenId: row.id, workspaceId: row.workspaceId, name: row.name, scopes: new Set(parseScopes(row.scopes)) };
}
