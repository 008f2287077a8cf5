/**
 * Deciding credit requests. Every transition is a conditional update on status = PENDING
 * inside a transaction with its audit event (and, for an approval, the override): twenty
 * concurrent approvals of one request produce exactly one decision and one override.
 */
import "server-only";

import { SYSTEM_ACTOR, writeAudit, type AuditActor } from "../audit/audit";
import { auditActor, loadActor, type Actor } from "../auth/actor";
import { can } from "../auth/permissions";
import { managesMember } from "../auth/scope";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../core/errors";
import { formatAmount, MAX_AMOUNT_MICROS, type Unit } from "../core/money";
import { endOfDayIn, todayIn } from "../core/period";
import { loadMemberLimit } from "../limits/load-effective-limits";
import { policySnapshot } from "../limits/write-policy";
import { notify } from "../notifications/notify";
import type { Db, Tx } from "../server/db";
import { followDecision, followDecisions } from "../slack/follow-decision";
import { tokenActorLabel, type TokenPrincipal } from "../tokens/tokens";
import { parseRequestAmount, type ApproveInput, type DenyInput } from "./request-input";

/**
 * Who decides: a signed-in person, or an API token with requests:decide acting for the
 * person who created it — every rule about people (never one's own request, a manager's
 * groups only, the grant ceiling) applies to that person, and the audit trail names both.
 */
export type Decider =
  | { kind: "member"; actor: Actor }
  | { kind: "token"; actor: Actor; token: { id: string; name: string } }
  // a click on a Slack message by the member that Slack user maps to (lib/slack/interaction.ts)
  | { kind: "slack"; actor: Actor; slackUserId: string };

function auditOf(d: Decider): AuditActor {
  return d.kind === "member"
    ? auditActor(d.actor)
    : { memberId: d.actor.memberId, label: labelOf(d) };
}
function labelOf(d: Decider) {
  if (d.kind === "slack") return `${d.actor.email} via Slack`;
  return d.kind === "member" ? d.actor.email : tokenActorLabel(d.token.name, d.actor.email);
}

function mayDecideAny(a: Actor): boolean {
  return can(a, "requests:decide:all") || can(a, "requests:decide:groups");
}

/**
 * The decider a token stands for: its creator, loaded as they are now. Refused (403) when
 * the creator is gone, inactive, in another workspace, or may not decide requests.
 */
export async function tokenDecider(
  db: Db,
  token: Pick<TokenPrincipal, "tokenId" | "workspaceId" | "name" | "createdById">,
): Promise<Decider> {
  const creator = token.createdById ? await loadActor(db, token.createdById) : null;
  if (!creator || creator.workspaceId !== token.workspaceId) {
    throw new ForbiddenError(
      `Token "${token.name}" acts for the person who created it, who is no longer an active member of this workspace: create a new token`,
    );
  }
  if (!mayDecideAny(creator))
    throw new ForbiddenError(
      `Token "${token.name}" acts for ${creator.email}, who may not decide credit requests`,
    );
  return { kind: "token", actor: creator, token: { id: token.tokenId, name: token.name } };
}

/** Admins decide every request; managers those of their groups' members; nobody their own. */
export async function assertMayDecide(db: Db | Tx, d: Decider, requesterId: string): Promise<void> {
  const a = d.actor;
  const who = d.kind === "token" ? `This token acts for ${a.email}, who` : "You";
  if (requesterId === a.memberId)
    throw new ForbiddenError(
      d.kind === "token"
        ? `${who} filed this request: nobody decides their own request`
        : "You cannot decide your own request",
    );
  if (can(a, "requests:decide:all")) return;
  if (can(a, "requests:decide:groups")) {
    if (await managesMember(db, a, requesterId)) return;
    throw new NotFoundError("request"); // not theirs to see: no existence leak
  }
  throw new ForbiddenError(
    d.kind === "token"
      ? `${who} may not decide credit requests`
      : "You cannot decide credit requests",
  );
}

async function loadForDecision(db: Db, d: Decider, id: number) {
  const req = await db.creditRequest.findFirst({
    where: { id, workspaceId: d.actor.workspaceId },
    include: {
      workspace: { select: { timezone: true, budgetUnit: true, managerGrantCeilingMicros: true } },
      requester: { select: { email: true } },
    },
  });
  if (!req) throw new NotFoundError("request");
  await assertMayDecide(db, d, req.requesterId);
  return req;
}

async function alreadyDecided(tx: Tx, id: number): Promise<ConflictError> {
  const cur = await tx.creditRequest.findUnique({
    where: { id },
    select: { status: true, decider: { select: { email: true } } },
  });
  return new ConflictError(
    `Request #${id} is already ${cur?.status.toLowerCase() ?? "decided"}${cur?.decider ? ` (by ${cur.decider.email})` : ""}`,
  );
}

export interface Decision {
  id: number;
  status: "APPROVED" | "DENIED";
  grantedMicros: bigint | null;
  overrideId: string | null;
}

/** What the grant may be for this decider (null = no ceiling beyond the editors' maximum). */
export interface GrantCeiling {
  /** the most this decider may grant on this request; null = up to the editors' maximum */
  maxMicros: bigint | null;
  /** why, for messages and the decision screen */
  why: string | null;
}

/**
 * The grant ceiling (DESIGN.md "Credit requests"): whoever may edit limits grants any amount
 * (within the editors' maximum); anyone else — a group manager, or a token acting for one —
 * at most what was asked, and at most the workspace's per-request ceiling for managers when
 * the owner set one. A request that names no amount (a vendor's) needs that ceiling.
 */
export function grantCeiling(
  decider: Actor,
  askedMicros: bigint,
  managerCeilingMicros: bigint | null,
  unit: Unit,
): GrantCeiling {
  if (can(decider, "limits:write")) return { maxMicros: null, why: null };
  const asked = askedMicros > 0n ? askedMicros : null;
  if (asked === null && managerCeilingMicros === null) {
    return {
      maxMicros: 0n,
      why: "This request names no amount: only someone who may edit limits can decide how much to grant (the owner can set a per-request ceiling for managers in Settings)",
    };
  }
  if (asked !== null && (managerCeilingMicros === null || asked <= managerCeilingMicros)) {
    return {
      maxMicros: asked,
      why: `You may grant at most the ${formatAmount(asked, unit)} asked for; more needs someone who may edit limits`,
    };
  }
  return {
    maxMicros: managerCeilingMicros,
    why: `Managers may grant at most ${formatAmount(managerCeilingMicros!, unit)} per request in this workspace (set by the owner in Settings)`,
  };
}

/**
 * After a decision commits, the request's Slack message (if it was posted) is replaced with
 * the outcome (lib/slack/follow-decision.ts) — unless the click came from Slack, which
 * answers through its own response_url, or the caller follows several decisions at once
 * (`followSlack: false`, then followDecisions).
 */
export interface DecideOptions {
  followSlack?: boolean;
}

async function followInSlack(
  db: Db,
  d: Decider,
  opts: DecideOptions,
  r: { id: number; workspaceId: string },
  now: Date,
): Promise<void> {
  if (d.kind !== "slack" && opts.followSlack !== false)
    await followDecision(db, r.workspaceId, r.id, now);
}

export async function approveRequest(
  db: Db,
  d: Decider,
  id: number,
  input: ApproveInput,
  now: Date,
  opts: DecideOptions = {},
): Promise<Decision> {
  const req = await loadForDecision(db, d, id);
  if (req.status !== "PENDING")
    throw new ConflictError(`Request #${id} is already ${req.status.toLowerCase()}`);
  // a request imported from Claude carries no amount (0): the approver must say how much
  if (!input.amount && req.amountMicros <= 0n)
    throw new InvalidInputError(
      "This request gives no amount — enter the amount to grant",
      "amount",
    );
  const granted = input.amount
    ? parseRequestAmount(input.amount, "amount", { label: "Amount to grant" })
    : req.amountMicros;
  const unit = req.workspace.budgetUnit as Unit;
  const ceiling = grantCeiling(
    d.actor,
    req.amountMicros,
    req.workspace.managerGrantCeilingMicros,
    unit,
  );
  if (ceiling.maxMicros !== null && granted > ceiling.maxMicros)
    throw new ForbiddenError(
      d.kind === "token" ? `${ceiling.why} (this token acts for ${d.actor.email})` : ceiling.why!,
    );
  const expiresAt = endOfDayIn(req.neededUntil, req.workspace.timezone);
  if (expiresAt.getTime() <= now.getTime())
    throw new ConflictError(
      `Request #${id} was needed until ${req.neededUntil}, which has passed: it cannot be approved any more`,
    );
  // the member's own limit now for this product; the grant adds a new override beside
  // whatever exists (an editor's override, scheduled or active, or another grant) and never
  // touches it: the rule takes the most generous active one
  const base = (await loadMemberLimit(db, req.workspaceId, req.requesterId, req.product, now))
    .effective;
  const forProduct = req.product ? ` for ${req.product}` : "";
  if (base.limitMicros === null) {
    throw new InvalidInputError(
      `${req.requester.email} has no limit${forProduct} now (${base.reason}): a grant would change nothing — deny the request with a note, or set a limit first`,
      "amount",
    );
  }
  const amountMicros = base.limitMicros + granted;
  if (amountMicros > MAX_AMOUNT_MICROS) {
    const room = MAX_AMOUNT_MICROS - base.limitMicros;
    throw new InvalidInputError(
      `This grant would lift ${req.requester.email}'s limit to ${formatAmount(amountMicros, unit)}, above the ${formatAmount(MAX_AMOUNT_MICROS, unit)} maximum${room > 0n ? `: grant at most ${formatAmount(room, unit)}` : ""}`,
      "amount",
    );
  }
  const decision = await db.$transaction((tx) =>
    commitApproval(tx, {
      request: req,
      unit,
      granted,
      baseLimitMicros: base.limitMicros!,
      expiresAt,
      actor: auditOf(d),
      who: labelOf(d),
      deciderId: d.actor.memberId,
      note: input.note ?? null,
      autoPolicyId: null,
      now,
    }),
  );
  await followInSlack(db, d, opts, req, now);
  return decision;
}

/** What an approval writes; `autoPolicyId` set = an auto-approval policy decided (lib/requests/auto-approve.ts). */
export interface ApprovalCommit {
  request: {
    id: number;
    workspaceId: string;
    requesterId: string;
    product: string;
    neededUntil: string;
    amountMicros: bigint;
  };
  unit: Unit;
  granted: bigint;
  /** the requester's own limit for the product now; the grant's override is this + granted */
  baseLimitMicros: bigint;
  expiresAt: Date;
  actor: AuditActor;
  /** who approved, as the override's note and the requester's notification say it */
  who: string;
  deciderId: string | null;
  note: string | null;
  autoPolicyId: string | null;
  now: Date;
}

/**
 * The one way a request becomes approved, inside the caller's transaction: the conditional
 * update on PENDING (a lost race throws ConflictError), the override beside the requester's
 * others, both audit events and the requester's notification. A person's approval and a
 * policy's (at filing, in the filing's transaction) both come here.
 */
export async function commitApproval(tx: Tx, a: ApprovalCommit): Promise<Decision> {
  const { request: req, granted, unit, who, deciderId, now } = a;
  const id = req.id;
  const amountMicros = a.baseLimitMicros + granted;
  const forProduct = req.product ? ` for ${req.product}` : "";
  const won = await tx.creditRequest.updateMany({
    where: { id, workspaceId: req.workspaceId, status: "PENDING" },
    data: {
      status: "APPROVED",
      deciderId,
      decidedAt: now,
      decisionNote: a.note,
      grantedMicros: granted,
      autoPolicyId: a.autoPolicyId,
    },
  });
  if (won.count !== 1) throw await alreadyDecided(tx, id);

  const policy = await tx.limitPolicy.create({
    data: {
      workspaceId: req.workspaceId,
      scope: "MEMBER",
      target: `MEMBER:${req.requesterId}`,
      slot: `request:${id}`,
      memberId: req.requesterId,
      product: req.product,
      amountMicros,
      startsAt: now,
      expiresAt: a.expiresAt,
      note: `request #${id} approved by ${who}`,
      sourceRequestId: id,
      createdById: deciderId,
      updatedById: deciderId,
      // on the app's clock like the decision (a seeded grant decided days ago, a pinned demo)
      createdAt: now,
      updatedAt: now,
    },
  });
  await tx.creditRequest.update({ where: { id }, data: { overrideId: policy.id } });
  await writeAudit(tx, {
    workspaceId: req.workspaceId,
    actor: a.actor,
    action: "limit.create",
    targetType: "LimitPolicy",
    targetId: policy.id,
    after: policySnapshot(policy),
    at: now,
  });
  await writeAudit(tx, {
    workspaceId: req.workspaceId,
    actor: a.actor,
    action: "request.approve",
    targetType: "CreditRequest",
    targetId: String(id),
    before: { status: "PENDING" },
    after: {
      status: "APPROVED",
      grantedMicros: granted,
      note: a.note,
      overrideId: policy.id,
      limitBeforeMicros: a.baseLimitMicros,
      limitAfterMicros: amountMicros,
      ...(a.autoPolicyId ? { autoPolicyId: a.autoPolicyId } : {}),
    },
    at: now,
  });
  await notify(tx, {
    workspaceId: req.workspaceId,
    memberId: req.requesterId,
    kind: "request.approved",
    title: `Request #${id} approved`,
    body: `${who} granted ${formatAmount(granted, unit)}${granted !== req.amountMicros && req.amountMicros > 0n ? ` of the ${formatAmount(req.amountMicros, unit)} you asked for` : ""} until ${req.neededUntil}: your limit${forProduct} is ${formatAmount(amountMicros, unit)} until then.${a.note ? ` Note: ${a.note}` : ""}`,
    link: "/requests",
    at: now,
  });
  return { id, status: "APPROVED" as const, grantedMicros: granted, overrideId: policy.id };
}

export async function denyRequest(
  db: Db,
  d: Decider,
  id: number,
  input: DenyInput,
  now: Date,
  opts: DecideOptions = {},
): Promise<Decision> {
  const req = await loadForDecision(db, d, id);
  if (req.status !== "PENDING")
    throw new ConflictError(`Request #${id} is already ${req.status.toLowerCase()}`);
  const deciderId = d.actor.memberId;
  const decision = await db.$transaction(async (tx) => {
    const won = await tx.creditRequest.updateMany({
      where: { id, workspaceId: req.workspaceId, status: "PENDING" },
      data: { status: "DENIED", deciderId, decidedAt: now, decisionNote: input.note },
    });
    if (won.count !== 1) throw await alreadyDecided(tx, id);
    await writeAudit(tx, {
      workspaceId: req.workspaceId,
      actor: auditOf(d),
      action: "request.deny",
      targetType: "CreditRequest",
      targetId: String(id),
      before: { status: "PENDING" },
      after: { status: "DENIED", note: input.note },
      at: now,
    });
    await notify(tx, {
      workspaceId: req.workspaceId,
      memberId: req.requesterId,
      kind: "request.denied",
      title: `Request #${id} denied`,
      body: `${labelOf(d)}: ${input.note}`,
      link: "/requests",
      at: now,
    });
    return { id, status: "DENIED" as const, grantedMicros: null, overrideId: null };
  });
  await followInSlack(db, d, opts, req, now);
  return decision;
}

/** The requester withdraws a pending request (its Slack message, if posted, says so). */
export async function cancelRequest(db: Db, actor: Actor, id: number, now: Date): Promise<void> {
  await db.$transaction(async (tx) => {
    const res = await tx.creditRequest.updateMany({
      where: { id, workspaceId: actor.workspaceId, requesterId: actor.memberId, status: "PENDING" },
      data: { status: "CANCELLED" },
    });
    if (res.count !== 1) {
      const own = await tx.creditRequest.findFirst({
        where: { id, workspaceId: actor.workspaceId, requesterId: actor.memberId },
        select: { status: true },
      });
      if (!own) throw new NotFoundError("request");
      throw new ConflictError(`Request #${id} is already ${own.status.toLowerCase()}`);
    }
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "request.cancel",
      targetType: "CreditRequest",
      targetId: String(id),
      before: { status: "PENDING" },
      after: { status: "CANCELLED" },
    });
  });
  await followDecision(db, actor.workspaceId, id, now);
}

/** Pending requests whose needed-until day has passed (workspace time) become EXPIRED. */
export async function expireDueRequests(db: Db, workspaceId: string, now: Date): Promise<number> {
  const ws = await db.workspace.findUnique({
    where: { id: workspaceId },
    select: { timezone: true },
  });
  if (!ws) return 0;
  const today = todayIn(ws.timezone, now);
  const due = await db.creditRequest.findMany({
    where: { workspaceId, status: "PENDING", neededUntil: { lt: today } },
    select: { id: true, requesterId: true, neededUntil: true },
  });
  let n = 0;
  const expired: number[] = [];
  for (const r of due) {
    await db.$transaction(async (tx) => {
      const res = await tx.creditRequest.updateMany({
        where: { id: r.id, status: "PENDING" },
        data: { status: "EXPIRED" },
      });
      if (res.count !== 1) return;
      n++;
      expired.push(r.id);
      await writeAudit(tx, {
        workspaceId,
        actor: SYSTEM_ACTOR,
        action: "request.expire",
        targetType: "CreditRequest",
        targetId: String(r.id),
        before: { status: "PENDING" },
        after: { status: "EXPIRED" },
      });
      await notify(tx, {
        workspaceId,
        memberId: r.requesterId,
        kind: "request.expired",
        title: `Request #${r.id} expired`,
        body: `Nobody decided it before ${r.neededUntil}.`,
        link: "/requests",
      });
    });
  }
  // after the commits: their Slack messages say they expired (the scheduler takes over if Slack is away)
  if (expired.length) await followDecisions(db, workspaceId, expired, now);
  return n;
}
