/**
 * Auto-approval policies: the owner's rules (scope, amount up to A, at most K per person per
 * period, a forecast ceiling, expiry within D days) under which a filed request is approved
 * at once — in the filing's transaction, by the same commitApproval as a person's approval,
 * audited as approved by policy P. A decider may revoke such a grant: its override ends now.
 * Every write here is audited in its transaction.
 */
import "server-only";

import { writeAudit, type AuditActor } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import { can } from "../auth/permissions";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../core/errors";
import { MAX_AMOUNT_MICROS, parseAmountText, type Unit } from "../core/money";
import {
  endOfDayIn,
  periodContaining,
  previousPeriod,
  startOfDayIn,
  todayIn,
  type BudgetPeriod,
  type DayKey,
} from "../core/period";
import type { MemberLimit } from "../limits/load-effective-limits";
import { policySnapshot } from "../limits/write-policy";
import { notify } from "../notifications/notify";
import { engineOf, type Db, type Tx } from "../server/db";
import {
  parseList,
  verdict,
  type AutoPolicy,
  type AutoPolicyInput,
  type AutoPolicyUpdateInput,
} from "./auto-approve-rules";
import {
  assertMayDecide,
  commitApproval,
  type ApprovalCommit,
  type Decider,
  type Decision,
} from "./decide-credit-request";

type Row = Awaited<ReturnType<Db["autoApprovalPolicy"]["findFirstOrThrow"]>>;

function toPolicy(r: Row): AutoPolicy {
  return {
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    groupIds: parseList(r.groupIdsJson),
    products: parseList(r.productsJson),
    maxAmountMicros: r.maxAmountMicros,
    maxPerPeriod: r.maxPerPeriod,
    forecastCeilingMicros: r.forecastCeilingMicros,
    maxDays: r.maxDays,
  };
}

function snapshot(r: Row) {
  const p = toPolicy(r);
  return { ...p, version: r.version };
}

export const policyActor = (name: string): AuditActor => ({
  memberId: null,
  label: `policy "${name}"`,
});

function assertOwner(actor: Actor) {
  if (!can(actor, "requests:auto-approve"))
    throw new ForbiddenError("Only the workspace owner manages auto-approval policies");
}

function amount(text: string, field: string, label: string): bigint {
  const r = parseAmountText(text, { label, maxMicros: MAX_AMOUNT_MICROS });
  if (!r.ok) throw new InvalidInputError(r.error, field);
  return r.micros;
}

async function dataOf(db: Db, actor: Actor, input: AutoPolicyInput) {
  const groups = input.groupIds.length
    ? await db.group.findMany({
        where: { id: { in: input.groupIds }, workspaceId: actor.workspaceId },
        select: { id: true },
      })
    : [];
  if (groups.length !== new Set(input.groupIds).size)
    throw new InvalidInputError("A chosen group is not in this workspace", "groupIds");
  return {
    name: input.name,
    enabled: input.enabled,
    groupIdsJson: JSON.stringify([...new Set(input.groupIds)].sort()),
    productsJson: JSON.stringify([...new Set(input.products)].sort()),
    maxAmountMicros: amount(input.maxAmount, "maxAmount", "Amount up to"),
    maxPerPeriod: input.maxPerPeriod,
    forecastCeilingMicros:
      input.forecastCeiling === undefined
        ? null
        : amount(input.forecastCeiling, "forecastCeiling", "Forecast ceiling"),
    maxDays: input.maxDays,
  };
}

export interface AutoPolicyView extends AutoPolicy {
  version: number;
  updatedAt: Date;
  approvals: number;
}

export async function listAutoPolicies(db: Db, actor: Actor): Promise<AutoPolicyView[]> {
  assertOwner(actor);
  const rows = await db.autoApprovalPolicy.findMany({
    where: { workspaceId: actor.workspaceId },
    orderBy: { createdAt: "asc" },
  });
  const counts = await db.creditRequest.groupBy({
    by: ["autoPolicyId"],
    where: { workspaceId: actor.workspaceId, autoPolicyId: { in: rows.map((r) => r.id) } },
    _count: { _all: true },
  });
  const n = new Map(counts.map((c) => [c.autoPolicyId, c._count._all]));
  return rows.map((r) => ({
    ...toPolicy(r),
    version: r.version,
    updatedAt: r.updatedAt,
    approvals: n.get(r.id) ?? 0,
  }));
}

export async function createAutoPolicy(db: Db, actor: Actor, input: AutoPolicyInput, now: Date) {
  assertOwner(actor);
  const data = await dataOf(db, actor, input);
  return db.$transaction(async (tx) => {
    const row = await tx.autoApprovalPolicy.create({
      data: {
        ...data,
        workspaceId: actor.workspaceId,
        createdById: actor.memberId,
        updatedById: actor.memberId,
        createdAt: now,
      },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "autoapproval.create",
      targetType: "AutoApprovalPolicy",
      targetId: row.id,
      after: snapshot(row),
    });
    return { id: row.id, version: row.version };
  });
}

/** Edit or disable (enabled: false); `version` is the one the form loaded (a stale one is refused). */
export async function updateAutoPolicy(
  db: Db,
  actor: Actor,
  id: string,
  input: AutoPolicyUpdateInput,
) {
  assertOwner(actor);
  const before = await db.autoApprovalPolicy.findFirst({
    where: { id, workspaceId: actor.workspaceId },
  });
  if (!before) throw new NotFoundError("auto-approval policy");
  const data = await dataOf(db, actor, input);
  return db.$transaction(async (tx) => {
    const res = await tx.autoApprovalPolicy.updateMany({
      where: { id, workspaceId: actor.workspaceId, version: input.version },
      data: { ...data, version: { increment: 1 }, updatedById: actor.memberId },
    });
    if (res.count !== 1)
      throw new ConflictError("This policy was changed by someone else — reload to see it");
    const after = await tx.autoApprovalPolicy.findUniqueOrThrow({ where: { id } });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: before.enabled && !after.enabled ? "autoapproval.disable" : "autoapproval.update",
      targetType: "AutoApprovalPolicy",
      targetId: id,
      before: snapshot(before),
      after: snapshot(after),
    });
    return { id, version: after.version };
  });
}

/** The instants a budget period covers (workspace timezone), for "per person per period". */
function periodInstants(day: DayKey, budgetPeriod: BudgetPeriod, timezone: string) {
  const p = periodContaining(day, budgetPeriod);
  return { gte: startOfDayIn(p.start, timezone), lt: endOfDayIn(p.end, timezone) };
}

/**
 * "At most K per person per period" must hold when one person files several requests at once.
 * Counting the period's approvals and then approving is only safe while no other filing of
 * the same person can commit in between, so the requester's row is locked first, until this
 * transaction ends: on PostgreSQL `FOR NO KEY UPDATE` (a concurrent filing waits here, then
 * counts what the first committed; NO KEY, so it does not deadlock with the KEY SHARE lock the
 * request's own foreign key takes). SQLite has one writer at a time, and the filing already
 * wrote its request, so it holds the database's write lock. Explicit rather than relying on
 * some earlier statement of the filing happening to lock a shared row.
 */
async function lockRequester(tx: Tx, memberId: string): Promise<void> {
  if (engineOf(tx) !== "postgres") return;
  await tx.$queryRawUnsafe('SELECT 1 FROM "Member" WHERE "id" = $1 FOR NO KEY UPDATE', memberId);
}

/**
 * At filing, in the filing's transaction: the first enabled policy (oldest first) whose rules
 * the request meets approves it by commitApproval. Returns the decision, or null (pending).
 */
export async function autoApproveOnFiling(
  tx: Tx,
  ctx: {
    request: ApprovalCommit["request"];
    current: MemberLimit;
    now: Date;
  },
): Promise<(Decision & { policy: string }) | null> {
  const { request: req, current, now } = ctx;
  const rows = await tx.autoApprovalPolicy.findMany({
    where: { workspaceId: req.workspaceId, enabled: true },
    orderBy: { createdAt: "asc" },
  });
  if (rows.length === 0) return null;
  const base = current.effective.limitMicros;
  if (base === null || base + req.amountMicros > MAX_AMOUNT_MICROS) return null;
  const { budget } = current;
  const groups = await tx.groupMember.findMany({
    where: { memberId: req.requesterId, group: { workspaceId: req.workspaceId } },
    select: { groupId: true },
  });
  const within = periodInstants(budget.today, budget.budgetPeriod, budget.timezone);
  await lockRequester(tx, req.requesterId);
  for (const row of rows) {
    const p = toPolicy(row);
    const approvedThisPeriod = await tx.creditRequest.count({
      where: { autoPolicyId: p.id, requesterId: req.requesterId, decidedAt: within },
    });
    const v = verdict(p, {
      amountMicros: req.amountMicros,
      product: req.product,
      neededUntil: req.neededUntil,
      filedOn: budget.today,
      requesterGroupIds: groups.map((g) => g.groupId),
      projectedMicros: current.projectedMicros,
      approvedThisPeriod,
    });
    if (!v.approve) continue;
    const who = `policy "${p.name}"`;
    const decision = await commitApproval(tx, {
      request: req,
      unit: budget.unit,
      granted: req.amountMicros,
      baseLimitMicros: base,
      expiresAt: endOfDayIn(req.neededUntil, budget.timezone),
      actor: policyActor(p.name),
      who,
      deciderId: null,
      note: `approved by ${who}`,
      autoPolicyId: p.id,
      now,
    });
    return { ...decision, policy: p.name };
  }
  return null;
}

/**
 * A decider (anyone who may decide this request) revokes a grant an auto-approval policy
 * made: the request is marked revoked and its override ends now; both audited together.
 */
export async function revokeGrant(db: Db, d: Decider, id: number, now: Date): Promise<void> {
  const req = await db.creditRequest.findFirst({
    where: { id, workspaceId: d.actor.workspaceId },
    select: {
      id: true,
      workspaceId: true,
      requesterId: true,
      status: true,
      autoPolicyId: true,
      revokedAt: true,
      overrideId: true,
      workspace: { select: { budgetUnit: true } },
    },
  });
  if (!req) throw new NotFoundError("request");
  await assertMayDecide(db, d, req.requesterId);
  if (req.status !== "APPROVED" || req.autoPolicyId === null)
    throw new ConflictError(
      `Request #${id} was not approved by a policy: only such grants are revoked here`,
    );
  if (req.revokedAt) throw new ConflictError(`Request #${id} was already revoked`);
  const actor: AuditActor =
    d.kind === "member"
      ? auditActor(d.actor)
      : { memberId: d.actor.memberId, label: d.actor.email };
  await db.$transaction(async (tx) => {
    const won = await tx.creditRequest.updateMany({
      where: { id, revokedAt: null, status: "APPROVED" },
      data: { revokedAt: now, revokedById: d.actor.memberId },
    });
    if (won.count !== 1) throw new ConflictError(`Request #${id} was already revoked`);
    const before = req.overrideId
      ? await tx.limitPolicy.findUnique({ where: { id: req.overrideId } })
      : null;
    if (before && (before.expiresAt === null || before.expiresAt > now)) {
      const after = await tx.limitPolicy.update({
        where: { id: before.id },
        data: { expiresAt: now, version: { increment: 1 }, updatedById: d.actor.memberId },
      });
      await writeAudit(tx, {
        workspaceId: req.workspaceId,
        actor,
        action: "limit.update",
        targetType: "LimitPolicy",
        targetId: before.id,
        before: policySnapshot(before),
        after: policySnapshot(after),
      });
    }
    await writeAudit(tx, {
      workspaceId: req.workspaceId,
      actor,
      action: "request.revoke",
      targetType: "CreditRequest",
      targetId: String(id),
      before: { status: "APPROVED", autoPolicyId: req.autoPolicyId, revokedAt: null },
      after: { status: "APPROVED", autoPolicyId: req.autoPolicyId, revokedAt: now.toISOString() },
    });
    await notify(tx, {
      workspaceId: req.workspaceId,
      memberId: req.requesterId,
      kind: "request.denied",
      title: `Request #${id}: grant revoked`,
      body: `${d.actor.email} revoked the grant an auto-approval policy made: your limit is back to what it was.`,
      link: "/requests",
    });
  });
}

export interface PolicyPreviewRow {
  id: number;
  requester: string;
  filedOn: DayKey;
  amountMicros: bigint;
  product: string;
  status: string;
  approve: boolean;
  why: string | null;
}

/**
 * Which requests filed over the last `periods` budget periods and this one a policy (as
 * typed) would have approved at once, in filing order, counting its own approvals per person
 * and period as it goes — the same verdict the filing path asks, on each request's snapshot.
 */
export async function previewAutoPolicy(
  db: Db,
  actor: Actor,
  input: AutoPolicyInput,
  periods: number,
  now: Date,
): Promise<{
  unit: Unit;
  from: DayKey;
  rows: PolicyPreviewRow[];
  approved: number;
  approvedMicros: bigint;
}> {
  assertOwner(actor);
  const data = await dataOf(db, actor, input);
  const ws = await db.workspace.findUniqueOrThrow({
    where: { id: actor.workspaceId },
    select: { timezone: true, budgetPeriod: true, budgetUnit: true },
  });
  const bp = ws.budgetPeriod as BudgetPeriod;
  const today = todayIn(ws.timezone, now);
  let first = periodContaining(today, bp);
  for (let i = 0; i < periods; i++) first = previousPeriod(first, bp);
  const policy: AutoPolicy = {
    id: "preview",
    name: data.name,
    enabled: true,
    groupIds: parseList(data.groupIdsJson),
    products: parseList(data.productsJson),
    maxAmountMicros: data.maxAmountMicros,
    maxPerPeriod: data.maxPerPeriod,
    forecastCeilingMicros: data.forecastCeilingMicros,
    maxDays: data.maxDays,
  };
  const requests = await db.creditRequest.findMany({
    where: {
      workspaceId: actor.workspaceId,
      createdAt: { gte: startOfDayIn(first.start, ws.timezone) },
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: 2000,
    select: {
      id: true,
      requesterId: true,
      amountMicros: true,
      product: true,
      neededUntil: true,
      status: true,
      snapshotJson: true,
      createdAt: true,
      requester: { select: { name: true } },
    },
  });
  const memberships = await db.groupMember.findMany({
    where: { group: { workspaceId: actor.workspaceId } },
    select: { groupId: true, memberId: true },
  });
  const groupsOf = new Map<string, string[]>();
  for (const m of memberships)
    (groupsOf.get(m.memberId) ?? groupsOf.set(m.memberId, []).get(m.memberId)!).push(m.groupId);
  const approvedIn = new Map<string, number>();
  const rows: PolicyPreviewRow[] = [];
  let approvedMicros = 0n;
  for (const r of requests) {
    const filedOn = todayIn(ws.timezone, r.createdAt);
    const key = `${r.requesterId}|${periodContaining(filedOn, bp).start}`;
    let projected = 0n;
    try {
      projected = BigInt(
        (JSON.parse(r.snapshotJson) as { projectedMicros?: string }).projectedMicros ?? "0",
      );
    } catch {
      projected = 0n;
    }
    const v = verdict(policy, {
      amountMicros: r.amountMicros,
      product: r.product,
      neededUntil: r.neededUntil,
      filedOn,
      requesterGroupIds: groupsOf.get(r.requesterId) ?? [],
      projectedMicros: projected,
      approvedThisPeriod: approvedIn.get(key) ?? 0,
    });
    if (v.approve) {
      approvedIn.set(key, (approvedIn.get(key) ?? 0) + 1);
      approvedMicros += r.amountMicros;
    }
    rows.push({
      id: r.id,
      requester: r.requester.name,
      filedOn,
      amountMicros: r.amountMicros,
      product: r.product,
      status: r.status,
      approve: v.approve,
      why: v.approve ? null : v.why,
    });
  }
  return {
    unit: ws.budgetUnit,
    from: first.start,
    rows: rows.reverse(),
    approved: rows.filter((r) => r.approve).length,
    approvedMicros,
  };
}
