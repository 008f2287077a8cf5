/**
 * Filing a credit request: the amount, a reason, an optional link and needed-until date,
 * plus a snapshot of the requester's usage, effective limit (with reason) and projected
 * period-end spend at filing time, so the approver sees what the requester saw.
 */
import "server-only";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import { InvalidInputError } from "../core/errors";
import { toJsonText } from "../core/json";
import { addDays } from "../core/period";
import { loadMemberLimit } from "../limits/load-effective-limits";
import type { Db } from "../server/db";
import { announceRequest } from "../slack/announce";
import { autoApproveOnFiling } from "./auto-approve";
import { parseRequestAmount, type FileRequestInput } from "./request-input";
import type { RequestSnapshot } from "./snapshot";

// the one parser of amounts asked or granted lives with the input shapes (no import cycle with decide-credit-request.ts)
export { parseRequestAmount } from "./request-input";

export async function fileRequest(
  db: Db,
  actor: Actor,
  input: FileRequestInput,
  now: Date,
): Promise<{ id: number; status: "PENDING" | "APPROVED"; approvedBy?: string }> {
  const amountMicros = parseRequestAmount(input.amount);
  const current = await loadMemberLimit(db, actor.workspaceId, actor.memberId, input.product, now);
  const { budget, effective } = current;
  // a request raises the requester's own limit; with none there is nothing to raise, and an
  // approval would change nothing (a pooled cap that binds is raised on the Limits screen)
  if (effective.limitMicros === null) {
    const forProduct = input.product ? ` for ${input.product}` : "";
    const pool = effective.pools.find((p) => p.exhausted) ?? effective.pools[0];
    throw new InvalidInputError(
      `You have no personal limit${forProduct} (${effective.reason}), so there is nothing for a request to raise${pool ? `; what applies to you is the ${pool.name}, which an admin changes on the Limits screen` : ""}`,
      "amount",
    );
  }
  const neededUntil = input.neededUntil ?? budget.period.end;
  if (neededUntil < budget.today)
    throw new InvalidInputError("Needed-until is in the past", "neededUntil");
  if (neededUntil > addDays(budget.today, 366))
    throw new InvalidInputError("Needed-until must be within a year", "neededUntil");
  const snapshot: RequestSnapshot = {
    unit: budget.unit,
    period: budget.period,
    usedMicros: effective.usedMicros.toString(),
    limitMicros: effective.limitMicros?.toString() ?? null,
    remainingMicros: effective.remainingMicros?.toString() ?? null,
    reason: effective.reason,
    state: effective.state,
    projectedMicros: current.projectedMicros.toString(),
    takenAt: now.toISOString(),
  };
  const filed = await db.$transaction(async (tx) => {
    const r = await tx.creditRequest.create({
      data: {
        workspaceId: actor.workspaceId,
        requesterId: actor.memberId,
        amountMicros,
        reason: input.reason,
        link: input.link ?? null,
        neededUntil,
        product: input.product,
        snapshotJson: toJsonText(snapshot),
        // filed on the app's clock, like its snapshot (takenAt), so "filed …" and the queue order agree with it
        createdAt: now,
      },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "request.file",
      targetType: "CreditRequest",
      targetId: String(r.id),
      after: {
        amountMicros,
        neededUntil,
        product: input.product,
        link: input.link ?? null,
        status: "PENDING",
      },
      // on the app's clock, like the request's createdAt (a seeded request filed days ago)
      at: now,
    });
    // an auto-approval policy the request meets approves it now, in this transaction
    const auto = await autoApproveOnFiling(tx, {
      request: {
        id: r.id,
        workspaceId: actor.workspaceId,
        requesterId: actor.memberId,
        product: input.product,
        neededUntil,
        amountMicros,
      },
      current,
      now,
    });
    return auto
      ? { id: r.id, status: "APPROVED" as const, approvedBy: auto.policy }
      : { id: r.id, status: "PENDING" as const };
  });
  // after the commit: the deciders' Slack channel hears of it (never fails the filing)
  await announceRequest(db, actor.workspaceId, filed.id, now);
  return filed;
}
