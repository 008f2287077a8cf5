/**
 * Drift: where the vendor's effective limit disagrees with Allotment's (an admin changed it
 * in the vendor console, a grant ran out, a default moved). The owner can adopt the vendor's
 * value as an Allotment override, or re-apply Allotment's value to the vendor.
 */
import "server-only";

import { randomUUID } from "node:crypto";

import type { AuditActor } from "../audit/audit";
import type { Actor } from "../auth/actor";
import { InvalidInputError, NotFoundError } from "../core/errors";
import { microsToDecimal } from "../core/money";
import { createPolicy, updatePolicy } from "../limits/write-policy";
import type { Db } from "../server/db";
import { fromVendorMicros, type VendorUnit } from "../vendors/units";
import { getConnector, writeBlocker } from "./connectors";
import { planItem, type PlanItem } from "./plan";
import { desiredLimits } from "./plan-desired";
import { changedAtVendor as editedAtVendor, observedOf } from "./reconcile";
import { enqueueJob } from "./vendor-job-queue";
import { decideAction, limitJobOf, revertAtFor } from "./vendor-override";
import { readVendor } from "./vendor-state";

export interface DriftRow extends PlanItem {
  vendor: string;
  connectorId: string;
  readAt: Date;
  /** Allotment wrote this value and the vendor now shows something else */
  changedAtVendor: boolean;
  /** why they differ, for the screen: a console edit, a plan never applied, or Allotment's limit moved since */
  cause: "vendor" | "not_applied" | "allotment";
}

/** Drift from the stored vendor states (call refreshDrift first for a fresh read). */
export async function driftRows(db: Db, workspaceId: string, now: Date): Promise<DriftRow[]> {
  const connectors = await db.vendorConnector.findMany({ where: { workspaceId } });
  const out: DriftRow[] = [];
  for (const c of connectors) {
    // a ChatGPT unit not read yet (new workspace id): show nothing rather than credits as dollars
    if (!c.vendorUnit) continue;
    const unit = c.vendorUnit as VendorUnit;
    const states = await db.vendorLimitState.findMany({ where: { connectorId: c.id } });
    if (!states.length) continue;
    const desired = await desiredLimits(db, c, unit, now);
    for (const s of states) {
      const d = desired.get(s.memberId);
      if (!d) continue;
      const o = observedOf(s);
      if (decideAction(c.vendor as "chatgpt" | "claude", d, o, now).kind === "none") continue;
      const item = planItem(c.vendor as "chatgpt" | "claude", unit, d, o, now);
      const changedAtVendor = editedAtVendor(s, now);
      const cause = changedAtVendor ? "vendor" : s.lastAppliedKind ? "allotment" : "not_applied";
      out.push({
        ...item,
        vendor: c.vendor,
        connectorId: c.id,
        readAt: s.readAt,
        changedAtVendor,
        cause,
      });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export async function refreshDrift(db: Db, workspaceId: string, now: Date): Promise<DriftRow[]> {
  for (const c of await db.vendorConnector.findMany({ where: { workspaceId } })) {
    try {
      await readVendor(db, c, { now });
    } catch (error) {
      await db.vendorConnector.update({
        where: { id: c.id },
        data: { lastError: error instanceof Error ? error.message : String(error) },
      });
    }
  }
  return driftRows(db, workspaceId, now);
}

/** Makes the vendor's current value Allotment's individual override for the member. */
export async function adoptVendorValue(
  db: Db,
  actor: Actor,
  connectorId: string,
  memberId: string,
): Promise<void> {
  const c = await getConnector(db, actor.workspaceId, connectorId);
  const s = await db.vendorLimitState.findUnique({
    where: { connectorId_memberId: { connectorId: c.id, memberId } },
  });
  if (!s || s.workspaceId !== actor.workspaceId) throw new NotFoundError("member");
  if (s.effectiveMicros === null)
    throw new InvalidInputError(
      "The vendor shows this member as unlimited; an Allotment override needs an amount — set one on the Limits screen instead.",
    );
  const ws = await db.workspace.findUniqueOrThrow({
    where: { id: actor.workspaceId },
    select: { budgetUnit: true, usdPerCreditMicros: true },
  });
  // one budget across vendors: adopting makes Allotment's limit what the vendors allow together
  // (this vendor's new value plus what every other switched-on vendor allows the member now)
  const others = await db.vendorLimitState.findMany({
    where: {
      memberId,
      workspaceId: actor.workspaceId,
      connectorId: { not: c.id },
      connector: { enabled: true },
    },
    include: { connector: { select: { vendorUnit: true, name: true } } },
  });
  let amount = fromVendorMicros(
    s.effectiveMicros,
    ws.budgetUnit,
    (c.vendorUnit ?? "usd") as VendorUnit,
    ws.usdPerCreditMicros,
  )!;
  for (const o of others) {
    if (o.effectiveMicros === null)
      throw new InvalidInputError(
        `${o.connector.name} shows this member as unlimited; set the limit on the Limits screen instead.`,
      );
    amount += fromVendorMicros(
      o.effectiveMicros,
      ws.budgetUnit,
      (o.connector.vendorUnit ?? "usd") as VendorUnit,
      ws.usdPerCreditMicros,
    )!;
  }
  const note = `adopted from ${c.name}${others.length ? ` plus ${others.map((o) => o.connector.name).join(", ")} (what the vendors allow together)` : ""} (was set there outside Allotment)`;
  const existing = await db.limitPolicy.findUnique({
    where: {
      workspaceId_target_product_slot: {
        workspaceId: actor.workspaceId,
        target: `MEMBER:${memberId}`,
        product: "",
        slot: "",
      },
    },
  });
  const fields = {
    amount: microsToDecimal(amount),
    softThresholdPct: existing?.softThresholdPct ?? 80,
    action: (existing?.action ?? "BLOCK") as "BLOCK",
    note,
    startsOn: undefined,
    expiresOn: undefined,
    poolCap: undefined,
  };
  if (existing)
    await updatePolicy(db, actor, existing.id, { version: existing.version, ...fields });
  else
    await createPolicy(db, actor, {
      scope: "MEMBER",
      memberId,
      product: "",
      groupId: undefined,
      ...fields,
    });
}

/** Queues one member's change so the vendor matches Allotment again (an explicit owner action). */
export async function reapplyMember(
  db: Db,
  workspaceId: string,
  actor: AuditActor,
  connectorId: string,
  memberId: string,
  now: Date,
): Promise<boolean> {
  const c = await getConnector(db, workspaceId, connectorId);
  const blocker = await writeBlocker(db, c);
  if (blocker) throw new InvalidInputError(`${blocker}: nothing was written.`);
  const snap = await readVendor(db, c, { memberIds: [memberId], now });
  const o = snap.byMember.get(memberId);
  const d = (await desiredLimits(db, c, snap.unit, now, [memberId])).get(memberId);
  if (!o || !d) throw new NotFoundError("member");
  const action = decideAction(c.vendor as "chatgpt" | "claude", d, o, now);
  if (action.kind === "none") return false;
  const revertAt = revertAtFor(c.vendor as "chatgpt" | "claude", action, d.expiresAt);
  return db.$transaction((tx) =>
    enqueueJob(tx, {
      workspaceId,
      connectorId: c.id,
      ...limitJobOf(action, revertAt),
      memberId,
      vendorUserId: o.vendorUserId,
      idempotencyKey: `reapply:${memberId}:${randomUUID()}`,
      reason: `re-applied by ${actor.label}: ${d.reason}`,
      createdBy: actor.label,
      now,
    }),
  );
}
