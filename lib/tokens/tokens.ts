/**
 * API tokens for machines (gateways, finance tooling, admin scripts): shown once, stored as
 * a SHA-256 hash, scoped, revocable, with a last-used time. Every change is audited.
 */
import "server-only";

import { createHash, randomBytes } from "node:crypto";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import { can } from "../auth/permissions";
import { ForbiddenError, NotFoundError } from "../core/errors";
import { now as clockNow } from "../server/clock";
import type { Db } from "../server/db";
import {
  readWorkspaceVersion,
  sameVersion,
  type WorkspaceVersion,
} from "../server/workspace-version";
import { TOKEN_SCOPES, type TokenScope } from "./scopes";

export { TOKEN_SCOPES, type TokenScope };

const PREFIX = "alm_";

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

function assertManager(actor: Actor) {
  if (!can(actor, "tokens:manage"))
    throw new ForbiddenError("Only the workspace owner manages API tokens");
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
  return text
    .split(",")
    .filter((s): s is TokenScope => (TOKEN_SCOPES as readonly string[]).includes(s));
}

export async function listTokens(db: Db, actor: Actor): Promise<TokenView[]> {
  assertManager(actor);
  const rows = await db.apiToken.findMany({
    where: { workspaceId: actor.workspaceId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: parseScopes(r.scopes),
    createdAt: r.createdAt,
    lastUsedAt: r.lastUsedAt,
    revokedAt: r.revokedAt,
  }));
}

/** Creates a token; the plain text is returned here once and never stored. */
export async function createToken(
  db: Db,
  actor: Actor,
  input: { name: string; scopes: TokenScope[] },
): Promise<{ token: string; view: TokenView }> {
  assertManager(actor);
  const token = PREFIX + randomBytes(32).toString("base64url");
  const scopes = [...new Set(input.scopes)].sort();
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        workspaceId: actor.workspaceId,
        name: input.name,
        tokenHash: hashToken(token),
        prefix: token.slice(0, PREFIX.length + 6),
        scopes: scopes.join(","),
        createdById: actor.memberId,
        createdAt: clockNow(),
      },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "token.create",
      targetType: "ApiToken",
      targetId: created.id,
      after: { name: created.name, prefix: created.prefix, scopes },
    });
    return created;
  });
  return {
    token,
    view: {
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      scopes,
      createdAt: row.createdAt,
      lastUsedAt: null,
      revokedAt: null,
    },
  };
}

export async function revokeToken(db: Db, actor: Actor, id: string): Promise<void> {
  assertManager(actor);
  await db.$transaction(async (tx) => {
    const res = await tx.apiToken.updateMany({
      where: { id, workspaceId: actor.workspaceId, revokedAt: null },
      data: { revokedAt: clockNow() },
    });
    if (res.count !== 1) throw new NotFoundError("token");
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "token.revoke",
      targetType: "ApiToken",
      targetId: id,
    });
  });
}

/**
 * How a token's actions read in the audit trail and in notifications: a token acts for the
 * person who created it ("token gateway-1 of owner@acme.example").
 */
export function tokenActorLabel(name: string, creatorEmail: string | null): string {
  return `token ${name} of ${creatorEmail ?? "a removed member"}`;
}

export interface TokenPrincipal {
  tokenId: string;
  workspaceId: string;
  name: string;
  scopes: ReadonlySet<TokenScope>;
  /** the person the token acts for (its creator); null for a token whose creator was not recorded */
  createdById: string | null;
  /** the creator's email when the token was authenticated (for audit labels), null when gone */
  createdByEmail: string | null;
  /** the workspace's state version read while authenticating (callers reuse it instead of reading again) */
  version: WorkspaceVersion;
}

const TOUCH_EVERY_MS = 60_000;

// Authenticated tokens stay in memory while their workspace's version holds: revoking a
// token is an audited write, so it moves the version and the next call looks the token up
// again. A hit costs one version read instead of a token lookup.
interface CachedToken {
  principal: Omit<TokenPrincipal, "version">;
  version: WorkspaceVersion;
  lastUsedAt: Date | null;
}
const tokenCache = new WeakMap<Db, Map<string, CachedToken>>();
const MAX_CACHED_TOKENS = 10_000;

async function lookUp(db: Db, tokenHash: string) {
  return db.apiToken.findUnique({
    where: { tokenHash },
    select: {
      id: true,
      workspaceId: true,
      name: true,
      scopes: true,
      revokedAt: true,
      lastUsedAt: true,
      createdById: true,
    },
  });
}

async function creatorEmail(
  db: Db,
  workspaceId: string,
  memberId: string | null,
): Promise<string | null> {
  if (!memberId) return null;
  return (
    (await db.member.findFirst({ where: { id: memberId, workspaceId }, select: { email: true } }))
      ?.email ?? null
  );
}

/** "last used" is coarse (a minute) so a busy gateway does not write on every check; not awaited. */
function touch(db: Db, entry: CachedToken, t: Date): void {
  if (entry.lastUsedAt && t.getTime() - entry.lastUsedAt.getTime() <= TOUCH_EVERY_MS) return;
  entry.lastUsedAt = t;
  void db.apiToken
    .updateMany({
      where: {
        id: entry.principal.tokenId,
        OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(t.getTime() - TOUCH_EVERY_MS) } }],
      },
      data: { lastUsedAt: t },
    })
    .catch(() => undefined);
}

/** Bearer token → its workspace and scopes; null when unknown or revoked. */
export async function authenticateToken(db: Db, token: string): Promise<TokenPrincipal | null> {
  if (!token.startsWith(PREFIX) || token.length > 200) return null;
  const tokenHash = hashToken(token);
  let cache = tokenCache.get(db);
  if (!cache) tokenCache.set(db, (cache = new Map()));
  const hit = cache.get(tokenHash);
  if (hit) {
    const version = await readWorkspaceVersion(db, hit.principal.workspaceId);
    if (sameVersion(version, hit.version)) {
      touch(db, hit, clockNow());
      return { ...hit.principal, version };
    }
    cache.delete(tokenHash);
  }
  const first = await lookUp(db, tokenHash);
  if (!first || first.revokedAt) return null;
  // the version is read before the row that gets cached, so a revocation committed in
  // between shows up as a newer version on the next call
  const version = await readWorkspaceVersion(db, first.workspaceId);
  const row = await lookUp(db, tokenHash);
  if (!row || row.revokedAt) return null;
  const entry: CachedToken = {
    principal: {
      tokenId: row.id,
      workspaceId: row.workspaceId,
      name: row.name,
      scopes: new Set(parseScopes(row.scopes)),
      createdById: row.createdById,
      createdByEmail: await creatorEmail(db, row.workspaceId, row.createdById),
    },
    version,
    lastUsedAt: row.lastUsedAt,
  };
  if (cache.size >= MAX_CACHED_TOKENS) cache.clear();
  cache.set(tokenHash, entry);
  touch(db, entry, clockNow());
  return { ...entry.principal, version };
}
