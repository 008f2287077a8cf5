/**
 * Reading credit requests: the requester's own list, the deciders' queue (admins: all;
 * managers: their groups' members, never their own), the nav badge count, and the API list.
 */
import "server-only";

import type { Actor } from "../auth/actor";
import { can } from "../auth/permissions";
import { membersOfManagedGroups } from "../auth/scope";
import type { Unit } from "../core/money";
import { addDays, eachDay, todayIn } from "../core/period";
import { limitInputsFor } from "../limits/load-effective-limits";
import { engineOf, type Db } from "../server/db";
import { inList, placeholder, toBigInt } from "../server/sql";
import { readRows } from "../server/sqlite-reader";
import { previewApproval } from "./approval-preview";
import { expireDueRequests, grantCeiling } from "./decide-credit-request";
import { parseSnapshot, type RequestSnapshot } from "./snapshot";

export type RequestStatus = "PENDING" | "APPROVED" | "DENIED" | "CANCELLED" | "EXPIRED";

export interface RequestItem {
  id: number;
  status: RequestStatus;
  amountMicros: bigint;
  grantedMicros: bigint | null;
  reason: string;
  link: string | null;
  neededUntil: string;
  product: string;
  createdAt: string;
  decidedAt: string | null;
  decider: string | null;
  decisionNote: string | null;
  snapshot: RequestSnapshot | null;
  /** "allotment", or the vendor it was imported from ("claude", "chatgpt") */
  source: string;
  requester: { id: string; name: string; email: string; costCenter: string | null };
  /** approved at filing by an auto-approval policy (lib/requests/auto-approve.ts) */
  autoApproved: boolean;
  /** when a decider revoked that policy's grant */
  revokedAt: string | null;
}

export interface LimitFigures {
  limitMicros: bigint | null;
  usedMicros: bigint;
  remainingMicros: bigint | null;
  reason: string;
  state: string;
}

export interface QueueItem extends RequestItem {
  /** minutes since filing, on the app's clock (lib/server/clock.ts), for "filed 3 h ago" */
  ageMinutes: number;
  groups: { id: string; name: string; costCenter: string }[];
  /** the requester's limit now for the request's product (pending items) */
  current: LimitFigures | null;
  /**
   * the limit if the amount asked is approved, by the effective-limit rule (pending items
   * with an amount); null when approving would change nothing (no personal limit)
   */
  afterApproval: LimitFigures | null;
  /** what this decider may grant on it (pending items): null max = up to the editors' maximum */
  grant: { maxMicros: bigint | null; why: string | null } | null;
  /** the requester's daily usage, last 14 days, oldest first */
  sparkline: bigint[];
  previous: {
    id: number;
    status: RequestStatus;
    amountMicros: bigint;
    grantedMicros: bigint | null;
    createdAt: string;
  }[];
}

const INCLUDE = {
  requester: { select: { id: true, name: true, email: true, costCenter: true } },
  decider: { select: { email: true } },
} as const;

type Row = Awaited<ReturnType<typeof rowsOf>>[number];
async function rowsOf(
  db: Db,
  where: Parameters<Db["creditRequest"]["findMany"]>[0] extends infer A
    ? A extends { where?: infer W }
      ? W
      : never
    : never,
  take = 200,
  asc = false,
) {
  return db.creditRequest.findMany({
    where,
    include: INCLUDE,
    orderBy: { createdAt: asc ? "asc" : "desc" },
    take,
  });
}

function itemOf(r: Row): RequestItem {
  return {
    id: r.id,
    status: r.status,
    amountMicros: r.amountMicros,
    grantedMicros: r.grantedMicros,
    reason: r.reason,
    link: r.link,
    neededUntil: r.neededUntil,
    product: r.product,
    createdAt: r.createdAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString() ?? null,
    decider: r.decider?.email ?? null,
    decisionNote: r.decisionNote,
    snapshot: parseSnapshot(r.snapshotJson),
    source: r.source,
    requester: r.requester,
    autoApproved: r.autoPolicyId !== null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}

export async function listMyRequests(db: Db, actor: Actor, now: Date): Promise<RequestItem[]> {
  await expireDueRequests(db, actor.workspaceId, now);
  return (
    await rowsOf(db, { workspaceId: actor.workspaceId, requesterId: actor.memberId }, 100)
  ).map(itemOf);
}

/**
 * One member's requests for their member page: the member themselves and the people who
 * decide their requests (admins; managers of one of their groups) see them; anyone else
 * gets null (the page shows no requests section).
 */
export async function listMemberRequests(
  db: Db,
  actor: Actor,
  memberId: string,
  now: Date,
): Promise<RequestItem[] | null> {
  if (memberId !== actor.memberId) {
    const ids = await decidableRequesters(db, actor);
    if (ids !== null && !ids.includes(memberId)) return null;
  }
  await expireDueRequests(db, actor.workspaceId, now);
  return (await rowsOf(db, { workspaceId: actor.workspaceId, requesterId: memberId }, 50)).map(
    itemOf,
  );
}

export function canDecideRequests(actor: Actor): boolean {
  return can(actor, "requests:decide:all") || can(actor, "requests:decide:groups");
}

/** The requester ids a decider may see; null = everyone in the workspace. */
async function decidableRequesters(db: Db, actor: Actor): Promise<string[] | null> {
  if (can(actor, "requests:decide:all")) return null;
  if (!can(actor, "requests:decide:groups")) return [];
  return (await membersOfManagedGroups(db, actor)).filter((id) => id !== actor.memberId);
}

export interface QueueFilters {
  status?: RequestStatus | "ALL";
  groupId?: string;
  product?: string;
}

export async function pendingCountFor(db: Db, actor: Actor): Promise<number> {
  if (!canDecideRequests(actor)) return 0;
  const ids = await decidableRequesters(db, actor);
  return db.creditRequest.count({
    where: {
      workspaceId: actor.workspaceId,
      status: "PENDING",
      requesterId: ids === null ? { not: actor.memberId } : { in: ids },
    },
  });
}

async function sparklines(
  db: Db,
  workspaceId: string,
  unit: Unit,
  memberIds: string[],
  today: string,
): Promise<Map<string, bigint[]>> {
  const out = new Map<string, bigint[]>();
  if (memberIds.length === 0) return out;
  const days = eachDay(addDays(today, -13), today);
  const engine = engineOf(db);
  const col = unit === "USD" ? `"costMicros"` : `"creditsMicros"`;
  const rows = await readRows<{ m: string; d: string; v: unknown }>(
    db,
    `SELECT "memberKey" AS m, "day" AS d, SUM(${col}) AS v FROM "UsageDailyRollup" WHERE "workspaceId" = ${placeholder(engine, 1)} AND "day" >= ${placeholder(engine, 2)} AND "memberKey" IN ${inList(engine, memberIds.length, 3)} GROUP BY "memberKey", "day"`,
    [workspaceId, days[0], ...memberIds],
  );
  const idx = new Map(days.map((d, i) => [d, i]));
  for (const id of memberIds)
    out.set(
      id,
      days.map(() => 0n),
    );
  for (const r of rows) {
    const i = idx.get(r.d);
    if (i !== undefined) out.get(r.m)![i] = toBigInt(r.v);
  }
  return out;
}

function figuresOf(e: LimitFigures): LimitFigures {
  return {
    limitMicros: e.limitMicros,
    usedMicros: e.usedMicros,
    remainingMicros: e.remainingMicros,
    reason: e.reason,
    state: e.state,
  };
}

/**
 * The deciders' queue with the context an approver needs: pending requests first, oldest
 * first; decided ones (a status filter of ALL or a decided status) after them, newest first.
 */
export async function listQueue(
  db: Db,
  actor: Actor,
  filters: QueueFilters,
  now: Date,
): Promise<{ unit: Unit; items: QueueItem[] }> {
  await expireDueRequests(db, actor.workspaceId, now);
  const ws = await db.workspace.findUniqueOrThrow({
    where: { id: actor.workspaceId },
    select: { budgetUnit: true, timezone: true, managerGrantCeilingMicros: true },
  });
  const unit = ws.budgetUnit as Unit;
  if (!canDecideRequests(actor)) return { unit, items: [] };
  const ids = await decidableRequesters(db, actor);
  let requesterFilter: { in: string[] } | { not: string } =
    ids === null ? { not: actor.memberId } : { in: ids };
  if (filters.groupId) {
    const inGroup = (
      await db.groupMember.findMany({
        where: { groupId: filters.groupId, group: { workspaceId: actor.workspaceId } },
        select: { memberId: true },
      })
    ).map((r) => r.memberId);
    const allowed =
      ids === null
        ? inGroup.filter((m) => m !== actor.memberId)
        : inGroup.filter((m) => ids.includes(m));
    requesterFilter = { in: allowed };
  }
  const status = filters.status ?? "PENDING";
  const rows = await rowsOf(
    db,
    {
      workspaceId: actor.workspaceId,
      requesterId: requesterFilter,
      ...(status === "ALL" ? {} : { status }),
      ...(filters.product !== undefined && filters.product !== ""
        ? { product: filters.product }
        : {}),
    },
    200,
    true,
  );
  const requesterIds = [...new Set(rows.map((r) => r.requesterId))];
  const today = todayIn(ws.timezone, now);
  const [memberships, previous, spark] = await Promise.all([
    db.groupMember.findMany({
      where: { memberId: { in: requesterIds } },
      select: { memberId: true, group: { select: { id: true, name: true, costCenter: true } } },
    }),
    db.creditRequest.findMany({
      where: { workspaceId: actor.workspaceId, requesterId: { in: requesterIds } },
      orderBy: { createdAt: "desc" },
      select: {
        id: true,
        requesterId: true,
        status: true,
        amountMicros: true,
        grantedMicros: true,
        createdAt: true,
      },
    }),
    sparklines(db, actor.workspaceId, unit, requesterIds, today),
  ]);
  // figures for pending items, before and after approving the amount asked, by the rule
  // itself (cached inputs: a few indexed reads per requester; the queue is short)
  const inputs = await limitInputsFor(db, actor.workspaceId);
  const figures = new Map<number, { current: LimitFigures; after: LimitFigures | null }>();
  for (const r of rows) {
    if (r.status !== "PENDING") continue;
    const p = await previewApproval(db, r, r.amountMicros > 0n ? r.amountMicros : 0n, now, inputs);
    figures.set(r.id, {
      current: figuresOf(p.before),
      after: p.after && r.amountMicros > 0n ? figuresOf(p.after) : null,
    });
  }
  // pending first (oldest first, as they wait), then the decided, newest first
  const ordered = [
    ...rows.filter((r) => r.status === "PENDING"),
    ...rows.filter((r) => r.status !== "PENDING").reverse(),
  ];
  const items = ordered.map((r) => ({
    ...itemOf(r),
    ageMinutes: Math.max(0, Math.floor((now.getTime() - r.createdAt.getTime()) / 60_000)),
    groups: memberships.filter((m) => m.memberId === r.requesterId).map((m) => m.group),
    current: figures.get(r.id)?.current ?? null,
    afterApproval: figures.get(r.id)?.after ?? null,
    grant:
      r.status === "PENDING"
        ? grantCeiling(actor, r.amountMicros, ws.managerGrantCeilingMicros, unit)
        : null,
    sparkline: spark.get(r.requesterId) ?? [],
    previous: previous
      .filter((p) => p.requesterId === r.requesterId && p.id !== r.id)
      .slice(0, 5)
      .map((p) => ({
        id: p.id,
        status: p.status,
        amountMicros: p.amountMicros,
        grantedMicros: p.grantedMicros,
        createdAt: p.createdAt.toISOString(),
      })),
  }));
  return { unit, items };
}

/**
 * For the API: the requests a decider may see (a token lists as the person it acts for:
 * admins every request but their own, managers their groups' members'), oldest first.
 */
export async function listForApi(
  db: Db,
  actor: Actor,
  status: RequestStatus | "ALL",
  now: Date,
): Promise<RequestItem[]> {
  await expireDueRequests(db, actor.workspaceId, now);
  if (!canDecideRequests(actor)) return [];
  const ids = await decidableRequesters(db, actor);
  const requesterId = ids === null ? { not: actor.memberId } : { in: ids };
  return (
    await rowsOf(
      db,
      { workspaceId: actor.workspaceId, requesterId, ...(status === "ALL" ? {} : { status }) },
      500,
      true,
    )
  ).map(itemOf);
}
