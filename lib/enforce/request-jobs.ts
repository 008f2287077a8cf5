/**
 * Executes an Allotment decision on a Claude increase request. The vendor decides a request
 * once: if it was resolved in the Claude console first, Allotment records that outcome
 * ("resolved at the vendor first") and sends nothing — never a second decision.
 */
import "server-only";

import { z } from "zod";

import { SYSTEM_ACTOR, writeAudit } from "../audit/audit";
import type { Db } from "../server/db";
import { resolvedByLabel } from "../vendors/claude/client";
import { claudeAmountText, parseClaudeAmount } from "../vendors/claude/money";
import type { IncreaseRequest } from "../vendors/claude/schemas";
import { VendorError } from "../vendors/http";
import { describeVendorAmount } from "../vendors/units";
import { claudeClient, type ConnectorRow } from "./connectors";
import type { JobOutcome, JobRow } from "./job-types";
import { desiredLimits } from "./plan-desired";

const payloadSchema = z.object({
  requestId: z.number().int(),
  externalId: z.string(),
  grantedVendorMicros: z.string().nullable().default(null),
});

async function markVendorFirst(
  db: Db,
  c: ConnectorRow,
  job: JobRow,
  requestId: number,
  v: IncreaseRequest,
): Promise<JobOutcome> {
  const by = resolvedByLabel(v.resolved_by);
  const message = `Claude had already ${v.status} this request${v.resolved_at ? ` at ${v.resolved_at}` : ""}${by ? ` (by ${by})` : ""}: Allotment's decision was not sent, the vendor's outcome stands.`;
  await db.$transaction(async (tx) => {
    await tx.vendorRequestLink.update({
      where: { requestId },
      data: {
        vendorStatus: v.status,
        vendorResolvedAt: v.resolved_at ? new Date(v.resolved_at) : null,
        vendorResolvedBy: by,
        pushState: "vendor_first",
        message,
      },
    });
    await writeAudit(tx, {
      workspaceId: c.workspaceId,
      actor: { ...SYSTEM_ACTOR, label: `enforcement (${job.createdBy})` },
      action: "enforcement.request.vendor_first",
      targetType: "CreditRequest",
      targetId: String(requestId),
      after: { vendor: "claude", externalId: v.id, vendorStatus: v.status, message },
    });
  });
  return { status: "SKIPPED", detail: message, response: v };
}

export async function runRequestJob(
  db: Db,
  c: ConnectorRow,
  job: JobRow,
  now: Date,
): Promise<JobOutcome> {
  const p = payloadSchema.parse(JSON.parse(job.payloadJson));
  const client = claudeClient(db, c);
  const current = await client.increaseRequest(p.externalId);
  if (current.status !== "pending") {
    const link = await db.vendorRequestLink.findUniqueOrThrow({
      where: { requestId: p.requestId },
    });
    const wanted = job.kind === "approve_request" ? "approved" : "denied";
    if (link.pushState === "pushed" && current.status === wanted)
      return { status: "SKIPPED", detail: `already ${wanted} by Allotment`, response: current };
    return markVendorFirst(db, c, job, p.requestId, current);
  }
  let raw: unknown;
  let amountMicros: bigint | null = null;
  let revertAt: Date | null = null;
  try {
    if (job.kind === "approve_request") {
      const desired = (await desiredLimits(db, c, "usd", now, [job.memberId!])).get(job.memberId!);
      amountMicros =
        desired?.managed && desired.micros !== null
          ? desired.micros
          : p.grantedVendorMicros !== null
            ? BigInt(p.grantedVendorMicros) +
              (current.spend_summary?.amount ? parseClaudeAmount(current.spend_summary.amount) : 0n)
            : null;
      if (amountMicros === null)
        throw new Error("no amount to approve with: Allotment has no limit for this member");
      revertAt = desired?.expiresAt ?? null;
      raw = (await client.approve(p.externalId, claudeAmountText(amountMicros))).raw;
    } else {
      raw = (await client.deny(p.externalId)).raw;
    }
  } catch (error) {
    // 400 = resolved between our read and our write: look again and record the vendor's outcome
    if (error instanceof VendorError && error.kind === "rejected") {
      const again = await client.increaseRequest(p.externalId);
      if (again.status !== "pending") return markVendorFirst(db, c, job, p.requestId, again);
    }
    throw error;
  }
  const confirmed = await client.increaseRequest(p.externalId);
  const by = resolvedByLabel(confirmed.resolved_by);
  const detail =
    job.kind === "approve_request"
      ? `approved in Claude with a limit of ${describeVendorAmount(amountMicros, "usd")}`
      : "denied in Claude";
  await db.$transaction(async (tx) => {
    await tx.vendorRequestLink.update({
      where: { requestId: p.requestId },
      data: {
        vendorStatus: confirmed.status,
        vendorResolvedAt: confirmed.resolved_at ? new Date(confirmed.resolved_at) : now,
        vendorResolvedBy: by,
        pushState: "pushed",
        message: detail,
      },
    });
    if (job.kind === "approve_request" && job.memberId) {
      const base = {
        vendorUserId: confirmed.actor.user_id,
        effectiveMicros: amountMicros,
        effectiveSource: "user",
        hasOverride: true,
        overrideMicros: amountMicros,
        lastAppliedKind: "set",
        lastAppliedMicros: amountMicros,
        lastAppliedAt: now,
        revertAt,
        readAt: now,
      };
      await tx.vendorLimitState.upsert({
        where: { connectorId_memberId: { connectorId: c.id, memberId: job.memberId } },
        create: { connectorId: c.id, memberId: job.memberId, workspaceId: c.workspaceId, ...base },
        update: base,
      });
    }
    await writeAudit(tx, {
      workspaceId: c.workspaceId,
      actor: { ...SYSTEM_ACTOR, label: `enforcement (${job.createdBy})` },
      action: `enforcement.${job.kind}`,
      targetType: "CreditRequest",
      targetId: String(p.requestId),
      before: { vendorStatus: "pending" },
      after: {
        detail,
        vendorResponse: raw,
        confirmed: { status: confirmed.status, resolved_at: confirmed.resolved_at ?? null },
      },
    });
  });
  return { status: "SUCCEEDED", detail, response: raw };
}
