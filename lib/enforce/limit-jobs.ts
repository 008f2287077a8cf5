/**
 * Executes one set/clear of a member's vendor override: re-read the vendor (no conditional
 * writes exist, so this is the best guard against console edits), write only if needed,
 * then record the vendor's answer in VendorLimitState and the audit log in one transaction.
 */
import "server-only";

import { z } from "zod";

import { SYSTEM_ACTOR, writeAudit } from "../audit/audit";
import { now as clockNow } from "../server/clock";
import type { Db } from "../server/db";
import { chatgptAmountText } from "../vendors/chatgpt/money";
import { claudeAmountText } from "../vendors/claude/money";
import { describeVendorAmount, type VendorUnit } from "../vendors/units";
import { chatgptClient, claudeClient, type ConnectorRow } from "./connectors";
import { cursorClient, readCursorOne, writeCursorLimit } from "./cursor-vendor";
import { observeGithub, readOneGithub, writeGithubIndividual } from "./github";
import type { JobOutcome, JobRow } from "./job-types";
import { writtenEndOf } from "./vendor-override";
import { observeChatgpt, observeClaude, type Observed } from "./vendor-state";

export const limitPayloadSchema = z.object({
  targetMicros: z.string().regex(/^\d+$/).nullable().optional(),
  temporary: z.boolean().default(false),
  revertAt: z.string().nullable().default(null),
});

/** Reads one member's vendor state now. */
export async function readOne(
  db: Db,
  c: ConnectorRow,
  memberId: string,
  vendorUserId: string,
): Promise<Observed> {
  if (c.vendor === "github")
    return observeGithub(
      vendorUserId,
      "",
      (await readOneGithub(db, c, vendorUserId, clockNow())).view,
    );
  const prev = await db.vendorLimitState.findUnique({
    where: { connectorId_memberId: { connectorId: c.id, memberId } },
  });
  if (c.vendor === "cursor") return readCursorOne(cursorClient(db, c), c.id, vendorUserId, prev);
  if (c.vendor === "claude") {
    const rows = await claudeClient(db, c).effective([vendorUserId]);
    const row = rows.find((r) => r.actor.user_id === vendorUserId);
    if (!row) throw new Error(`Claude no longer lists user ${vendorUserId}`);
    return observeClaude(row, prev ?? undefined);
  }
  return observeChatgpt(await chatgptClient(db, c).userLimit(vendorUserId), "");
}

export async function runLimitJob(
  db: Db,
  c: ConnectorRow,
  job: JobRow,
  now: Date,
): Promise<JobOutcome> {
  const payload = limitPayloadSchema.parse(JSON.parse(job.payloadJson));
  const memberId = job.memberId!;
  const userId = job.vendorUserId!;
  const unit = (c.vendorUnit ?? "usd") as VendorUnit;
  const before = await readOne(db, c, memberId, userId);
  const target =
    payload.targetMicros === null || payload.targetMicros === undefined
      ? null
      : BigInt(payload.targetMicros);
  const setting = job.kind === "set_limit";

  const already = setting
    ? before.hasOverride &&
      before.overrideMicros === target &&
      (c.vendor === "claude" || before.overrideTemporary === payload.temporary)
    : !before.hasOverride;
  let response: unknown = null;
  let after: Partial<Observed> = {};
  if (!already && c.vendor === "github") {
    // an individual budget (whole dollars; the grant's end as expires_at), or its removal
    const r = await writeGithubIndividual(
      db,
      c,
      userId,
      setting && target !== null
        ? { set: true, micros: target, expiresAt: payload.revertAt }
        : { set: false },
      now,
    );
    response = r.response;
    after = r.after;
  } else if (!already) {
    if (c.vendor === "cursor") {
      // whole dollars; null removes the member's own limit and the team's (if any) applies
      const micros = setting ? target : null;
      response = await writeCursorLimit(cursorClient(db, c), c.id, userId, micros);
      after =
        micros === null
          ? {
              hasOverride: false,
              overrideMicros: null,
              effectiveMicros: before.inheritedMicros,
              effectiveSource: before.inheritedMicros === null ? "none" : "team",
            }
          : {
              hasOverride: true,
              overrideMicros: micros,
              effectiveMicros: micros,
              effectiveSource: "user",
            };
    } else if (c.vendor === "claude") {
      const client = claudeClient(db, c);
      if (setting) {
        const r = await client.upsertUserLimit(
          userId,
          target === null ? null : claudeAmountText(target),
        );
        response = r.raw;
        after = {
          hasOverride: true,
          overrideMicros: target,
          effectiveMicros: target,
          effectiveSource: "user",
          overrideId: r.parsed.id,
        };
      } else {
        if (!before.overrideId)
          throw new Error(
            "Claude reports a user limit without its spend_limit_id: cannot delete it",
          );
        response = (await client.deleteLimit(before.overrideId)).raw;
        after = {
          hasOverride: false,
          overrideMicros: null,
          overrideId: null,
          ...(before.inheritedKnown
            ? { effectiveMicros: before.inheritedMicros, effectiveSource: "inherited" }
            : {}),
        };
      }
    } else {
      const client = chatgptClient(db, c);
      const body = !setting
        ? null
        : target === null
          ? ({ type: "unlimited" } as const)
          : {
              type: "limited" as const,
              limit_amount: { unit, amount: chatgptAmountText(target, unit) },
              ...(payload.temporary ? { temporary: true as const } : {}),
            };
      const r = await client.patchUserLimit(userId, body);
      response = r.raw;
      after = observeChatgpt(r.parsed, before.email);
    }
  }
  const status = already ? "SKIPPED" : "SUCCEEDED";
  const detail = already
    ? "the vendor already had this value: nothing written"
    : setting
      ? `override set to ${describeVendorAmount(target, unit)}${payload.temporary ? " (temporary: ends with the vendor's period)" : ""}`
      : "override cleared";
  await db.$transaction(async (tx) => {
    const base = {
      vendorUserId: userId,
      effectiveMicros:
        after.effectiveMicros !== undefined ? after.effectiveMicros : before.effectiveMicros,
      effectiveSource: after.effectiveSource ?? before.effectiveSource,
      hasOverride: after.hasOverride ?? before.hasOverride,
      overrideMicros:
        after.overrideMicros !== undefined ? after.overrideMicros : before.overrideMicros,
      overrideId: after.overrideId !== undefined ? after.overrideId : before.overrideId,
      inheritedKnown: after.inheritedKnown ?? before.inheritedKnown,
      inheritedMicros:
        after.inheritedMicros !== undefined ? after.inheritedMicros : before.inheritedMicros,
      lastAppliedKind: setting ? "set" : "clear",
      lastAppliedMicros: setting ? target : null,
      lastAppliedAt: now,
      // the end of what was written (a temporary ChatGPT override's is the vendor's month end)
      revertAt: setting ? writtenEndOf(payload, now) : null,
      readAt: now,
    };
    await tx.vendorLimitState.upsert({
      where: { connectorId_memberId: { connectorId: c.id, memberId } },
      create: { connectorId: c.id, memberId, workspaceId: c.workspaceId, ...base },
      update: base,
    });
    await writeAudit(tx, {
      workspaceId: c.workspaceId,
      actor: { ...SYSTEM_ACTOR, label: `enforcement (${job.createdBy})` },
      action: `enforcement.${job.kind}${already ? ".unchanged" : ""}`,
      targetType: "Member",
      targetId: memberId,
      before: {
        vendor: c.vendor,
        vendorUserId: userId,
        effective: describeVendorAmount(before.effectiveMicros, unit),
        source: before.effectiveSource,
        override: before.hasOverride ? describeVendorAmount(before.overrideMicros, unit) : null,
      },
      after: { detail, reason: job.reason, job: job.id, vendorResponse: response },
    });
  });
  return { status, detail, response };
}
