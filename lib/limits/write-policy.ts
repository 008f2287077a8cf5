/**
 * Limit writes: validate, check the permission for the level, write with optimistic
 * concurrency (`version`), and audit before/after in the same transaction.
 */
import "server-only";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import { can } from "../auth/permissions";
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../core/errors";
import { MAX_AMOUNT_MICROS, parseAmountText } from "../core/money";
import { endOfDayIn, startOfDayIn, todayIn } from "../core/period";
import { now as clockNow } from "../server/clock";
import type { Db, Tx } from "../server/db";
import type { CreatePolicyInput, UpdatePolicyInput } from "./policy-input";

/** 100 million credits (or dollars) per member or pool: beyond that it is a typo (lib/core/money.ts). */
export { MAX_AMOUNT_MICROS };

type Scope = "WORKSPACE" | "GROUP" | "MEMBER";

function permissionFor(scope: Scope) {
  return scope === "WORKSPACE" ? ("limits:write:workspace" as const) : ("limits:write" as const);
}

function assertMayWrite(actor: Actor, scope: Scope) {
  if (!can(actor, permissionFor(scope))) {
    throw new ForbiddenError(
      scope === "WORKSPACE"
        ? "Only the workspace owner can change the workspace default"
        : "You cannot change limits",
    );
  }
}

function parseAmount(text: string | undefined, field: "amount" | "poolCap"): bigint | null {
  if (text === undefined) return null;
  const r = parseAmountText(text, {
    label: field === "amount" ? "Limit" : "Pooled cap",
    maxMicros: MAX_AMOUNT_MICROS,
  });
  if (!r.ok) throw new InvalidInputError(r.error, field);
  return r.micros;
}

interface Fields {
  amountMicros: bigint | null;
  poolCapMicros: bigint | null;
  softThresholdPct: number;
  action: "BLOCK" | "ALERT_ONLY" | "DEGRADE" | "QUEUE";
  startsAt: Date | null;
  expiresAt: Date | null;
  note: string | null;
}

/** The editor's fields checked and parsed (also what the limit simulator replays). */
export function validatePolicyFields(
  scope: Scope,
  input: UpdatePolicyInput | CreatePolicyInput,
  timezone: string,
  now: Date,
  creating: boolean,
): Fields {
  const amountMicros = parseAmount(input.amount, "amount");
  const poolCapMicros = parseAmount(input.poolCap, "poolCap");
  if (scope === "MEMBER" && amountMicros === null)
    throw new InvalidInputError("An individual override needs a limit", "amount");
  if (scope === "MEMBER" && poolCapMicros !== null)
    throw new InvalidInputError("A pooled cap belongs to a group or the workspace", "poolCap");
  if (amountMicros === null && poolCapMicros === null)
    throw new InvalidInputError("Set a per-member limit, a pooled cap, or both", "amount");
  if (input.softThresholdPct < 1 || input.softThresholdPct > 100)
    throw new InvalidInputError("Soft threshold must be between 1 and 100 %", "softThresholdPct");
  if (scope === "WORKSPACE" && (input.startsOn || input.expiresOn))
    throw new InvalidInputError("The workspace default has no start or expiry", "expiresOn");
  if (input.startsOn && input.expiresOn && input.expiresOn < input.startsOn)
    throw new InvalidInputError("Expiry must be on or after the start date", "expiresOn");
  if (creating && input.expiresOn && input.expiresOn < todayIn(timezone, now))
    throw new InvalidInputError("Expiry is in the past", "expiresOn");
  return {
    amountMicros,
    poolCapMicros,
    softThresholdPct: input.softThresholdPct,
    action: input.action,
    startsAt: input.startsOn ? startOfDayIn(input.startsOn, timezone) : null,
    // "until 2026-12-31" = through the end of that day where the workspace is
    expiresAt: input.expiresOn ? endOfDayIn(input.expiresOn, timezone) : null,
    note: input.note ?? null,
  };
}

type PolicyRecord = Awaited<ReturnType<Db["limitPolicy"]["findFirstOrThrow"]>>;

/** What the audit log keeps of a policy (bigint → exact strings). */
export function policySnapshot(p: PolicyRecord) {
  return {
    scope: p.scope,
    target: p.target,
    product: p.product,
    amountMicros: p.amountMicros,
    poolCapMicros: p.poolCapMicros,
    softThresholdPct: p.softThresholdPct,
    action: p.action,
    startsAt: p.startsAt?.toISOString() ?? null,
    expiresAt: p.expiresAt?.toISOString() ?? null,
    note: p.note,
    slot: p.slot,
    sourceRequestId: p.sourceRequestId,
    version: p.version,
  };
}

async function conflictFor(
  tx: Tx,
  workspaceId: string,
  where: { id: string } | { target: string; product: string },
): Promise<ConflictError | NotFoundError> {
  const current = await tx.limitPolicy.findFirst({ where: { workspaceId, ...where } });
  if (!current) return new NotFoundError("This limit was removed — reload");
  const who = current.updatedById
    ? ((await tx.member.findUnique({ where: { id: current.updatedById }, select: { email: true } }))
        ?.email ?? "someone")
    : "someone";
  const at = current.updatedAt.toISOString().slice(0, 16).replace("T", " ");
  return new ConflictError(
    `This limit was changed by ${who} at ${at} UTC — reload to see the current values`,
  );
}

async function workspaceTimezone(db: Db, workspaceId: string) {
  return (
    await db.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { timezone: true } })
  ).timezone;
}

export async function createPolicy(
  db: Db,
  actor: Actor,
  input: CreatePolicyInput,
  /** when it was set: the app's clock (the demo seed dates its limits over past weeks) */
  now: Date = clockNow(),
): Promise<PolicyRecord> {
  assertMayWrite(actor, input.scope);
  const fields = validatePolicyFields(
    input.scope,
    input,
    await workspaceTimezone(db, actor.workspaceId),
    now,
    true,
  );
  let target = "WORKSPACE";
  let groupId: string | null = null;
  let memberId: string | null = null;
  if (input.scope === "GROUP") {
    const g = input.groupId
      ? await db.group.findFirst({
          where: { id: input.groupId, workspaceId: actor.workspaceId },
          select: { id: true },
        })
      : null;
    if (!g) throw new NotFoundError("group");
    groupId = g.id;
    target = `GROUP:${g.id}`;
  } else if (input.scope === "MEMBER") {
    const m = input.memberId
      ? await db.member.findFirst({
          where: { id: input.memberId, workspaceId: actor.workspaceId },
          select: { id: true },
        })
      : null;
    if (!m) throw new NotFoundError("member");
    memberId = m.id;
    target = `MEMBER:${m.id}`;
  }
  return db.$transaction(async (tx) => {
    // one policy per target and product: a second "create" means someone got there first
    const existing = await tx.limitPolicy.findFirst({
      where: { workspaceId: actor.workspaceId, target, product: input.product, slot: "" },
      select: { id: true },
    });
    if (existing) throw await conflictFor(tx, actor.workspaceId, { id: existing.id });
    let created: PolicyRecord;
    try {
      created = await tx.limitPolicy.create({
        data: {
          workspaceId: actor.workspaceId,
          scope: input.scope,
          target,
          groupId,
          memberId,
          product: input.product,
          ...fields,
          createdById: actor.memberId,
          updatedById: actor.memberId,
          createdAt: now,
          updatedAt: now,
        },
      });
    } catch (error) {
      if ((error as { code?: string }).code === "P2002")
        throw new ConflictError(
          "A limit for this target and product was just created by someone else — reload",
        );
      throw error;
    }
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "limit.create",
      targetType: "LimitPolicy",
      targetId: created.id,
      after: policySnapshot(created),
      at: now,
    });
    return created;
  });
}

export async function updatePolicy(
  db: Db,
  actor: Actor,
  policyId: string,
  input: UpdatePolicyInput,
): Promise<PolicyRecord> {
  const before = await db.limitPolicy.findFirst({
    where: { id: policyId, workspaceId: actor.workspaceId },
  });
  if (!before) throw new NotFoundError("limit");
  assertMayWrite(actor, before.scope);
  const now = clockNow();
  const fields = validatePolicyFields(
    before.scope,
    input,
    await workspaceTimezone(db, actor.workspaceId),
    now,
    false,
  );
  return db.$transaction(async (tx) => {
    // the conditional update is the concurrency check: a stale version matches no row
    const res = await tx.limitPolicy.updateMany({
      where: { id: policyId, workspaceId: actor.workspaceId, version: input.version },
      // "updated at" on the app's clock, as the audit event is (a pinned demo's "today")
      data: { ...fields, version: { increment: 1 }, updatedById: actor.memberId, updatedAt: now },
    });
    if (res.count !== 1) throw await conflictFor(tx, actor.workspaceId, { id: policyId });
    const after = await tx.limitPolicy.findUniqueOrThrow({ where: { id: policyId } });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "limit.update",
      targetType: "LimitPolicy",
      targetId: policyId,
      before: policySnapshot(before),
      after: policySnapshot(after),
    });
    return after;
  });
}

export async function deletePolicy(
  db: Db,
  actor: Actor,
  policyId: string,
  version: number,
): Promise<void> {
  const before = await db.limitPolicy.findFirst({
    where: { id: policyId, workspaceId: actor.workspaceId },
  });
  if (!before) throw new NotFoundError("limit");
  assertMayWrite(actor, before.scope);
  await db.$transaction(async (tx) => {
    const res = await tx.limitPolicy.deleteMany({
      where: { id: policyId, workspaceId: actor.workspaceId, version },
    });
    if (res.count !== 1) throw await conflictFor(tx, actor.workspaceId, { id: policyId });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "limit.delete",
      targetType: "LimitPolicy",
      targetId: policyId,
      before: policySnapshot(before),
    });
  });
}

export interface PolicyHistoryEntry {
  at: Date;
  actor: string;
  action: string;
  before: string | null;
  after: string | null;
}

/** A policy's history, newest first, from the audit trail. */
export async function policyHistory(
  db: Db,
  workspaceId: string,
  policyId: string,
): Promise<PolicyHistoryEntry[]> {
  const rows = await db.auditEvent.findMany({
    where: { workspaceId, targetType: "LimitPolicy", targetId: policyId },
    orderBy: { id: "desc" },
    take: 50,
    select: { createdAt: true, actorLabel: true, action: true, beforeJson: true, afterJson: true },
  });
  return rows.map((r) => ({
    at: r.createdAt,
    actor: r.actorLabel,
    action: r.action,
    before: r.beforeJson,
    after: r.afterJson,
  }));
}
