/**
 * Keeps every switched-on vendor at Allotment's value, from the vendor state (what the vendor
 * showed at the last read or write) against what Allotment wants now — not from what was
 * last applied. So an ended grant, an edited end date, a re-split after usage arrived, a
 * grant from another vendor's request and a write that failed earlier all converge the same
 * way: each tick queues what differs.
 *
 * Lowerings always go (a vendor must never allow more than Allotment). A raise waits when the
 * vendor shows a value someone set in its console (that is drift, for the owner to adopt or
 * re-apply). A queued job whose target is no longer wanted is cancelled before it writes; a
 * failed job an owner acknowledged is not queued again until the target changes.
 */
import "server-only";

import { randomUUID } from "node:crypto";

import { SYSTEM_ACTOR, writeAudit } from "../audit/audit";
import type { Db } from "../server/db";
import type { VendorUnit } from "../vendors/units";
import { writeBlocker, type ConnectorRow } from "./connectors";
import { desiredLimits } from "./plan-desired";
import { enqueueJob, OPEN_JOB } from "./vendor-job-queue";
import { decideAction, revertAtFor, type Action } from "./vendor-override";
import type { Observed } from "./vendor-state";

export interface ReconcileResult {
  queued: number;
  /** of those, reverts of a grant that ended */
  reverts: number;
  cancelled: number;
}

type StateRow = Awaited<ReturnType<Db["vendorLimitState"]["findMany"]>>[number];

export function observedOf(s: StateRow): Observed {
  return {
    vendorUserId: s.vendorUserId,
    email: "",
    effectiveMicros: s.effectiveMicros,
    effectiveSource: s.effectiveSource,
    hasOverride: s.hasOverride,
    overrideMicros: s.overrideMicros,
    overrideId: s.overrideId,
    inheritedKnown: s.inheritedKnown,
    inheritedMicros: s.inheritedMicros,
    // the end of Allotment's last write, while the vendor still shows what was written
    overrideEndsAt:
      s.lastAppliedKind === "set" && s.hasOverride && s.overrideMicros === s.lastAppliedMicros
        ? s.revertAt
        : undefined,
  };
}

/**
 * Allotment wrote a value and the vendor now shows another: someone edited it in the vendor's
 * console. Not so when the value was written to end (a grant, sent to GitHub with its
 * `expires_at`), its end has passed and the vendor no longer shows it: the vendor ended it
 * as told, and what Allotment wants after the end (an override below the grant, say) is a
 * revert to write like any other — not drift for the owner to decide.
 */
export function changedAtVendor(s: StateRow, now: Date): boolean {
  if (s.lastAppliedKind === "set" && s.revertAt && s.revertAt <= now && !s.hasOverride)
    return false;
  return s.lastAppliedKind === "set"
    ? s.effectiveMicros !== s.lastAppliedMicros
    : s.lastAppliedKind === "clear"
      ? s.hasOverride
      : false;
}

/** What the member's effective value at the vendor becomes after the action (undefined = unknown). */
function resultOf(a: Action, o: Observed): bigint | null | undefined {
  if (a.kind === "set") return a.micros;
  if (a.kind === "clear") return o.inheritedKnown ? o.inheritedMicros : undefined;
  return o.effectiveMicros;
}

const lower = (next: bigint | null | undefined, now: bigint | null) =>
  next !== undefined && next !== null && (now === null || next < now);

const targetOf = (payloadJson: string): string | null => {
  const p = JSON.parse(payloadJson) as { targetMicros?: string | null };
  return p.targetMicros ?? null;
};

export async function reconcileConnector(
  db: Db,
  c: ConnectorRow,
  now: Date,
): Promise<ReconcileResult> {
  const result: ReconcileResult = { queued: 0, reverts: 0, cancelled: 0 };
  if (await writeBlocker(db, c)) return result;
  const states = await db.vendorLimitState.findMany({ where: { connectorId: c.id } });
  if (!states.length) return result;
  const unit = (c.vendorUnit ?? "usd") as VendorUnit;
  const vendor = c.vendor as "chatgpt" | "claude";
  const desired = await desiredLimits(
    db,
    c,
    unit,
    now,
    states.map((s) => s.memberId),
  );
  const all = await db.vendorJob.findMany({
    where: { connectorId: c.id, OR: [OPEN_JOB, { status: "FAILED" }] },
    orderBy: { createdAt: "asc" },
  });
  const jobs = all.filter((j) => j.kind === "set_limit" || j.kind === "clear_limit");
  // a request decision on its way writes this member's limit itself (Claude approve = a limit write)
  const deciding = new Set(
    all
      .filter(
        (j) => (j.kind === "approve_request" || j.kind === "deny_request") && j.status !== "FAILED",
      )
      .map((j) => j.memberId),
  );
  for (const s of states) {
    const d = desired.get(s.memberId);
    if (!d || deciding.has(s.memberId)) continue;
    const o = observedOf(s);
    const action = decideAction(vendor, d, o, now);
    const wantKind =
      action.kind === "set" ? "set_limit" : action.kind === "clear" ? "clear_limit" : null;
    const wantTarget =
      action.kind === "set" && action.micros !== null ? action.micros.toString() : null;
    const mine = jobs.filter((j) => j.memberId === s.memberId);
    const open = mine.filter(
      (j) =>
        j.status === "PENDING" ||
        j.status === "RUNNING" ||
        (j.status === "FAILED" && !j.acknowledgedAt),
    );
    // a queued or failing write of a value no longer wanted must not land
    let covered = false;
    for (const j of open) {
      const same = j.kind === wantKind && targetOf(j.payloadJson) === wantTarget;
      if (same) covered = true;
      else if (j.status !== "RUNNING") {
        const done = await db.vendorJob.updateMany({
          where: { id: j.id, status: { in: ["PENDING", "FAILED"] } },
          data: {
            status: "CANCELLED",
            finishedAt: now,
            lastError: `superseded: Allotment now wants ${wantKind ?? "no change"}${wantTarget ? ` ${wantTarget}` : ""}`,
            leaseHolder: null,
          },
        });
        result.cancelled += done.count;
      }
    }
    if (!wantKind || covered) continue;
    const acknowledged = mine.filter((j) => j.status === "FAILED" && j.acknowledgedAt).at(-1);
    if (
      acknowledged &&
      acknowledged.kind === wantKind &&
      targetOf(acknowledged.payloadJson) === wantTarget
    )
      continue;
    const lowering = lower(resultOf(action, o), o.effectiveMicros);
    if (!lowering && changedAtVendor(s, now)) continue; // a console edit: drift, the owner decides
    const revert = !!s.revertAt && s.revertAt <= now;
    const revertAt = revertAtFor(vendor, action, d.expiresAt);
    const added = await db.$transaction(async (tx) => {
      const ok = await enqueueJob(tx, {
        workspaceId: c.workspaceId,
        connectorId: c.id,
        kind: wantKind,
        memberId: s.memberId,
        vendorUserId: s.vendorUserId,
        payload: {
          targetMicros: wantTarget,
          temporary: action.kind === "set" && action.temporary,
          revertAt: revertAt?.toISOString() ?? null,
        },
        // unique per enqueue (not per instant: a clock standing still must not block a retry); the open-job check above prevents doubles
        idempotencyKey: `reconcile:${s.memberId}:${wantKind}:${wantTarget ?? "-"}:${randomUUID()}`,
        reason: revert
          ? `grant ended at ${s.revertAt!.toISOString()}: back to ${d.reason}`
          : `${lowering ? "lower" : "raise"} to Allotment's value: ${d.reason}`,
        createdBy: revert ? "system (grant expiry)" : "system (reconcile)",
        now,
      });
      if (ok && lowering && !revert) {
        await writeAudit(tx, {
          workspaceId: c.workspaceId,
          actor: { ...SYSTEM_ACTOR, label: "enforcement (reconcile)" },
          action: "enforcement.reconcile.lower",
          targetType: "Member",
          targetId: s.memberId,
          after: { vendor: c.vendor, target: wantTarget, reason: d.reason },
        });
      }
      return ok;
    });
    if (added) {
      result.queued++;
      if (revert) result.reverts++;
    }
  }
  return result;
}
