/**
 * Deactivating a person ends their part in the workspace at once, in one transaction with its
 * audit events: their sessions end (the next request is signed out), sign-in refuses them
 * (lib/auth/options.ts and oidc-signin.ts admit active members only), the budget check answers
 * for them as for a non-member (lib/limits/find-member.ts), their individual overrides and
 * grants end as of now (kept, with their history, not deleted), and their pending credit
 * requests are withdrawn with the reason. Group memberships stay so that past spend keeps its
 * group and a reactivation restores them; reactivating does not bring ended overrides back.
 */
import "server-only";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import { revokeMemberSessions } from "../auth/sessions";
import { ConflictError, ForbiddenError, NotFoundError } from "../core/errors";
import { policySnapshot } from "../limits/write-policy";
import type { Db } from "../server/db";
import { assertManagesPeople, assertOwnerLeft, lockWorkspace } from "./guard";
import { getMemberRow, type MemberRow } from "./members";

export interface DeactivationResult {
  member: MemberRow;
  sessionsEnded: number;
  overridesEnded: string[];
  requestsWithdrawn: number[];
}

function assertMayTouchOwner(actor: Actor, role: string, verb: string) {
  if (role === "OWNER" && actor.role !== "OWNER")
    throw new ForbiddenError(`Only an owner can ${verb} an owner`);
}

export async function deactivateMember(
  db: Db,
  actor: Actor,
  memberId: string,
  input: { reason?: string },
  now: Date,
): Promise<DeactivationResult> {
  assertManagesPeople(actor);
  if (memberId === actor.memberId)
    throw new ForbiddenError("You cannot deactivate yourself: ask another owner or admin");
  return db.$transaction(async (tx) => {
    await lockWorkspace(tx, actor.workspaceId);
    const before = await tx.member.findFirst({
      where: { id: memberId, workspaceId: actor.workspaceId },
    });
    if (!before) throw new NotFoundError("member");
    if (!before.active) throw new ConflictError(`${before.name} is already deactivated`);
    assertMayTouchOwner(actor, before.role, "deactivate");
    await tx.member.update({ where: { id: memberId }, data: { active: false } });
    if (before.role === "OWNER") await assertOwnerLeft(tx, actor.workspaceId, "form");
    const who = auditActor(actor);
    const reason = input.reason || null;

    const sessionsEnded = await revokeMemberSessions(tx, memberId, now);

    // overrides and grants that are running or still to come end now; ended ones stay as they were
    const overrides = await tx.limitPolicy.findMany({
      where: {
        workspaceId: actor.workspaceId,
        scope: "MEMBER",
        memberId,
        OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
      },
    });
    for (const p of overrides) {
      const after = await tx.limitPolicy.update({
        where: { id: p.id },
        data: { expiresAt: now, version: { increment: 1 }, updatedById: actor.memberId },
      });
      await writeAudit(tx, {
        workspaceId: actor.workspaceId,
        actor: who,
        action: "limit.end",
        targetType: "LimitPolicy",
        targetId: p.id,
        before: policySnapshot(p),
        after: { ...policySnapshot(after), endedBecause: `${before.name} was deactivated` },
      });
    }

    const pending = await tx.creditRequest.findMany({
      where: { workspaceId: actor.workspaceId, requesterId: memberId, status: "PENDING" },
      select: { id: true },
    });
    const note = `Withdrawn: ${before.name} was deactivated${reason ? ` (${reason})` : ""}`;
    const withdrawn: number[] = [];
    for (const r of pending) {
      const res = await tx.creditRequest.updateMany({
        where: { id: r.id, status: "PENDING" },
        data: {
          status: "CANCELLED",
          decisionNote: note,
          decidedAt: now,
          deciderId: actor.memberId,
        },
      });
      if (res.count !== 1) continue;
      withdrawn.push(r.id);
      await writeAudit(tx, {
        workspaceId: actor.workspaceId,
        actor: who,
        action: "request.cancel",
        targetType: "CreditRequest",
        targetId: String(r.id),
        before: { status: "PENDING" },
        after: { status: "CANCELLED", reason: note, requesterId: memberId },
      });
    }

    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: who,
      action: "member.deactivate",
      targetType: "Member",
      targetId: memberId,
      before: { name: before.name, active: true },
      after: {
        name: before.name,
        active: false,
        reason,
        sessionsEnded,
        overridesEnded: overrides.map((p) => p.id),
        requestsWithdrawn: withdrawn,
      },
    });
    return {
      member: await getMemberRow(tx, actor.workspaceId, memberId),
      sessionsEnded,
      overridesEnded: overrides.map((p) => p.id),
      requestsWithdrawn: withdrawn,
    };
  });
}

export async function reactivateMember(db: Db, actor: Actor, memberId: string): Promise<MemberRow> {
  assertManagesPeople(actor);
  return db.$transaction(async (tx) => {
    await lockWorkspace(tx, actor.workspaceId);
    const before = await tx.member.findFirst({
      where: { id: memberId, workspaceId: actor.workspaceId },
    });
    if (!before) throw new NotFoundError("member");
    if (before.active) throw new ConflictError(`${before.name} is already active`);
    assertMayTouchOwner(actor, before.role, "reactivate");
    await tx.member.update({ where: { id: memberId }, data: { active: true } });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "member.reactivate",
      targetType: "Member",
      targetId: memberId,
      before: { name: before.name, active: false },
      after: { name: before.name, active: true },
    });
    return getMemberRow(tx, actor.workspaceId, memberId);
  });
}
