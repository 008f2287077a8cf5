/**
 * The ChatGPT Enterprise custom request destination: a member who presses "request more
 * usage" in ChatGPT lands here signed in, sees their ChatGPT/Codex usage this period (from
 * Allotment's imported credits) and their limits (Allotment's and the vendor's last read),
 * and files an Allotment request marked source "chatgpt"; its approval pushes the override.
 */
import "server-only";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import { loadMemberLimit } from "../limits/load-effective-limits";
import { fileRequest } from "../requests/file-request";
import type { FileRequestInput } from "../requests/request-input";
import type { Db } from "../server/db";
import { describeVendorLimit, type VendorUnit } from "../vendors/units";

export async function chatgptRequestContext(db: Db, actor: Actor, now: Date) {
  const mine = await loadMemberLimit(db, actor.workspaceId, actor.memberId, "", now);
  const rows = await db.usageDailyRollup.groupBy({
    by: ["product"],
    where: {
      workspaceId: actor.workspaceId,
      memberKey: actor.memberId,
      provider: "chatgpt",
      day: { gte: mine.budget.period.start, lte: mine.budget.period.end },
    },
    _sum: { creditsMicros: true, costMicros: true },
  });
  const connector = await db.vendorConnector.findFirst({
    where: { workspaceId: actor.workspaceId, vendor: "chatgpt" },
  });
  const state = connector
    ? await db.vendorLimitState.findUnique({
        where: { connectorId_memberId: { connectorId: connector.id, memberId: actor.memberId } },
      })
    : null;
  return {
    unit: mine.budget.unit,
    period: mine.budget.period,
    usage: rows.map((r) => ({
      product: r.product,
      creditsMicros: r._sum.creditsMicros ?? 0n,
      costMicros: r._sum.costMicros ?? 0n,
    })),
    allotmentLimitMicros: mine.effective.limitMicros,
    allotmentReason: mine.effective.reason,
    vendorLimit:
      state && connector
        ? describeVendorLimit(
            state.effectiveMicros,
            (connector.vendorUnit ?? "credit") as VendorUnit,
            state.effectiveSource,
          )
        : null,
  };
}

export async function fileChatgptRequest(
  db: Db,
  actor: Actor,
  input: FileRequestInput,
  now: Date,
): Promise<{ id: number }> {
  const r = await fileRequest(db, actor, input, now);
  await db.$transaction(async (tx) => {
    await tx.creditRequest.updateMany({
      where: { id: r.id, workspaceId: actor.workspaceId, source: "allotment" },
      data: { source: "chatgpt" },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "request.source",
      targetType: "CreditRequest",
      targetId: String(r.id),
      after: { source: "chatgpt", via: "ChatGPT custom request destination" },
    });
  });
  return r;
}
