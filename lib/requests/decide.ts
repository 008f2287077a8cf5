/**
 * Deciding credit requests. Every transition is a conditional update on status = PENDING
 * inside a transaction with its audit event (and, for an approval, the override): twenty
 * concurrent approvals of one request produce exactly one decision and one override.
 */
import "server-only";
import { auditActor, type Actor } from "../auth/actor";
import { can } from "../auth/permissions";
import { SYSTEM_ACTOR, writeAudit, type AuditActor } from "../audit";
import type { Db, Tx } from "../db";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../errors";
import { loadMemberLimit } from "../limits/load-effective-limits";
import { isPolicyActive } from "../limits/resolve-effective-limit";
import { policySnapshot } from "../limits/write-policy";
import { formatAmount, type Unit } from "../money";
import { endOfDayIn, todayIn } from "../period";
import { notify } from "../notifications/notify";
import { parseRequestAmount } from "./file-request";
import type { ApproveInput, DenyInput } from "./request-input";

/** Who decides: a signed-in person, or an API token with requests:decide (admin scripts). */
export type Decider = { kind: "member"; actor: Actor } | { kind: "token"; workspaceId: string; label: string };

function workspaceOf(d: Decider) {
  return d.kind === "member" ? d.actor.workspaceId : d.workspaceId;
}
function auditOf(d: Decider): AuditActor {
  return d.kind === "member" ? auditActor(d.actor) : { memberId: null, label: d.label };
}
function labelOf(d: Decider) {
  return d.kind === "member" ? d.actor.email : d.label;
}

/** Admins decide every request; managers those of their groups' members; nobody their own. */
export async function assertMayDecide(db: Db | Tx, d: Decider, requesterId: string): Promise<void> {
  if (d.kind === "token") return;
  const a = d.actor;
  if (requesterId === a.memberId) throw new ForbiddenError("You cannot decide your own request");
  if (can(a, "requests:decide:all")) return;
  if (can(a, "requests:decide:groups")) {
    const inGroup = await db.groupMember.count({ where: { memberId: requesterId, groupId: { in: a.managedGroupIds } } });
    if (inGroup > 0) return;
    throw new NotFoundError("request"); // not theirs to see: no existence leak
  }
  throw new ForbiddenError("You cannot decide credit requests");
}

async function loadForDecision(db: Db, d: Decider, id: number) {
  const req = await db.creditRequest.findFirst({ where: { id, workspaceId: workspaceOf(d) }, include: { workspace: { select: { timezone: true, budgetUnit: true } } } });
  if (!req) throw new NotFoundError("request");
  await assertMayDecide(db, d, req.requesterId);
  return req;
}

async function alreadyDecided(tx: Tx, id: number): Promise<ConflictError> {
  const cur = await tx.creditRequest.findUnique({ where: { id }, select: { status: true, decider: { select: { email: true } } } });
  return new ConflictError(`Request #${id} is already ${cur?.status.toLowerCase() ?? "decided"}${cur?.decider ? ` (by ${cur.decider.email})` : ""}`);
}

export interface Decision {
  id: number;
  status: "APPROVED" | "DENIED";
  grantedMicros: bigint | null;
  overrideId: string | null;
}

export async function approveRequest(db: Db, d: Decider, id: number, input: ApproveInput, now: Date): Promise<Decision> {
  const req = await loadForDecision(db, d, id);
  if (req.status !== "PENDING") throw new ConflictError(`Request #${id} is already ${req.status.toLowerCase()}`);
  // a request imported from Claude carries no amount (0): the approver must say how much
  if (!input.amount && req.amountMicros <= 0n) throw new InvalidInputError("This request gives no amount — enter the amount to grant", "amount");
  const granted = input.amount ? parseRequestAmount(input.amount) : req.amountMicros;
  const unit = req.workspace.budgetUnit as Unit;
  const expiresAt = endOfDayIn(req.neededUntil, req.workspace.timezone);
  // the limit the member has now for this product; a new override raises it by the grant
  const base = (await loadMemberLimit(db, req.workspaceId, req.requesterId, req.product, now)).effective;
  const target = `MEMBER:${req.requesterId}`;
  const who = labelOf(d);
  const deciderId = d.kind === "member" ? d.actor.memberId : null;

  return db.$transaction(async (tx) => {
    const won = await tx.creditRequest.updateMany({
      where: { id, workspaceId: req.workspaceId, status: "PENDING" },
      data: { status: "APPROVED", deciderId, decidedAt: now, decisionNote: input.note ?? null, grantedMicros: granted },
    });
    if (won.count !== 1) throw await alreadyDecided(tx, id);

    const existing = await tx.limitPolicy.findUnique({ where: { workspaceId_target_product_slot: { workspaceId: req.workspaceId, target, product: req.product, slot: "" } } });
    const extending = existing !== null && existing.amountMicros !== null && isPolicyActive(existing, now);
    const note = `request #${id} approved by ${who}`;
    let overrideId: string | null = null;
    if (extending || base.limitMicros !== null) {
      const amountMicros = extending ? existing!.amountMicros! + granted : base.limitMicros! + granted;
      const until = extending && existing!.expiresAt !== null && existing!.expiresAt > expiresAt ? existing!.expiresAt : expiresAt;
      const policy = existing
        ? await tx.limitPolicy.update({
            where: { id: existing.id },
            data: { amountMicros, expiresAt: extending && existing.expiresAt === null ? null : until, startsAt: extending ? existing.startsAt : null, note, sourceRequestId: id, version: { increment: 1 }, updatedById: deciderId },
          })
        : await tx.limitPolicy.create({
            data: { workspaceId: req.workspaceId, scope: "MEMBER", target, memberId: req.requesterId, product: req.product, amountMicros, expiresAt: until, note, sourceRequestId: id, createdById: deciderId, updatedById: deciderId },
          });
      overrideId = policy.id;
      await tx.creditRequest.update({ where: { id }, data: { overrideId } });
      await writeAudit(tx, {
        workspaceId: req.workspaceId,
        actor: auditOf(d),
        action: existing ? "limit.update" : "limit.create",
        targetType: "LimitPolicy",
        targetId: policy.id,
        before: existing ? policySnapshot(existing) : undefined,
        after: policySnapshot(policy),
      });
    }
    await writeAudit(tx, {
      workspaceId: req.workspaceId,
      actor: auditOf(d),
      action: "request.approve",
      targetType: "CreditRequest",
      targetId: String(id),
      before: { status: "PENDING" },
      after: { status: "APPROVED", grantedMicros: granted, note: input.note ?? null, overrideId },
    });
    await notify(tx, {
      workspaceId: req.workspaceId,
      memberId: req.requesterId,
      kind: "request.approved",
      title: `Request #${id} approved`,
      body: `${who} granted ${formatAmount(granted, unit)}${granted !== req.amountMicros ? ` of the ${formatAmount(req.amountMicros, unit)} you asked for` : ""} until ${req.neededUntil}.${input.note ? ` Note: ${input.note}` : ""}`,
      link: "/requests",
    });
    return { id, status: "APPROVED" as const, grantedMicros: granted, overrideId };
  });
}

export async function denyRequest(db: Db, d: Decider, id: number, input: DenyInput, now: Date): Promise<Decision> {
  const req = await loadForDecision(db, d, id);
  if (req.status !== "PENDING") throw new ConflictError(`Request #${id} is already ${req.status.toLowerCase()}`);
  const deciderId = d.kind === "member" ? d.actor.memberId : null;
  return db.$transaction(async (tx) => {
    const won = await tx.creditRequest.updateMany({ where: { id, workspaceId: req.workspaceId, status: "PENDING" }, data: { status: "DENIED", deciderId, decidedAt: now, decisionNote: input.note } });
    if (won.count !== 1) throw await alreadyDecided(tx, id);
    await writeAudit(tx, { workspaceId: req.workspaceId, actor: auditOf(d), action: "request.deny", targetType: "CreditRequest", targetId: String(id), before: { status: "PENDING" }, after: { status: "DENIED", note: input.note } });
    await notify(tx, { workspaceId: req.workspaceId, memberId: req.requesterId, kind: "request.denied", title: `Request #${id} denied`, body: `${labelOf(d)}: ${input.note}`, link: "/requests" });
    return { id, status: "DENIED" as const, grantedMicros: null, overrideId: null };
  });
}

/** The requester withdraws a pending request. */
export async function cancelRequest(db: Db, actor: Actor, id: number): Promise<void> {
  await db.$transaction(async (tx) => {
    const res = await tx.creditRequest.updateMany({ where: { id, workspaceId: actor.workspaceId, requesterId: actor.memberId, status: "PENDING" }, data: { status: "CANCELLED" } });
    if (res.count !== 1) {
      const own = await tx.creditRequest.findFirst({ where: { id, workspaceId: actor.workspaceId, requesterId: actor.memberId }, select: { status: true } });
      if (!own) throw new NotFoundError("request");
      throw new ConflictError(`Request #${id} is already ${own.status.toLowerCase()}`);
    }
    await writeAudit(tx, { workspaceId: actor.workspaceId, actor: auditActor(actor), action: "request.cancel", targetType: "CreditRequest", targetId: String(id), before: { status: "PENDING" }, after: { status: "CANCELLED" } });
  });
}

/** Pending requests whose needed-until day has passed (workspace time) become EXPIRED. */
export async function expireDueRequests(db: Db, workspaceId: string, now: Date): Promise<number> {
  const ws = await db.workspace.findUnique({ where: { id: workspaceId }, select: { timezone: true } });
  if (!ws) return 0;
  const today = todayIn(ws.timezone, now);
  const due = await db.creditRequest.findMany({ where: { workspaceId, status: "PENDING", neededUntil: { lt: today } }, select: { id: true, requesterId: true, neededUntil: true } });
  let n = 0;
  for (const r of due) {
    await db.$transaction(async (tx) => {
      const res = await tx.creditRequest.updateMany({ where: { id: r.id, status: "PENDING" }, data: { status: "EXPIRED" } });
      if (res.count !== 1) return;
      n++;
      await writeAudit(tx, { workspaceId, actor: SYSTEM_ACTOR, action: "request.expire", targetType: "CreditRequest", targetId: String(r.id), before: { status: "PENDING" }, after: { status: "EXPIRED" } });
      await notify(tx, { workspaceId, memberId: r.requesterId, kind: "request.expired", title: `Request #${r.id} expired`, body: `Nobody decided it before ${r.neededUntil}.`, link: "/requests" });
    });
  }
  return n;
}
