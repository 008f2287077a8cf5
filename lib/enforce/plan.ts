/**
 * Plan / apply: before anything is written, the owner sees per member what the vendor
 * enforces now and what Allotment will make it (with Allotment's reason); applying turns
 * the plan's changes into queued jobs in one transaction with its audit event. Applying a
 * plan twice enqueues nothing the second time (the plan is consumed by a conditional
 * update, and job idempotency keys repeat), and a fresh plan after an apply is empty.
 */
import "server-only";

import { z } from "zod";

import { writeAudit, type AuditActor } from "../audit/audit";
import { ConflictError, InvalidInputError, NotFoundError } from "../core/errors";
import type { Db } from "../server/db";
import { describeVendorAmount, describeVendorLimit, type VendorUnit } from "../vendors/units";
import { getConnector, writeBlocker } from "./connectors";
import { githubPlanContext, syncGithubSharedBudgets, type SharedBudgetLine } from "./github";
import { desiredLimits, type DesiredRow } from "./plan-desired";
import { enqueueJob } from "./vendor-job-queue";
import { decideAction, revertAtFor, type Action } from "./vendor-override";
import { readVendor, unmatchedOf, type Observed } from "./vendor-state";

const big = z
  .string()
  .regex(/^-?\d+$/)
  .nullable();
export const planItemSchema = z.object({
  memberId: z.string(),
  name: z.string(),
  email: z.string(),
  vendorUserId: z.string(),
  currentMicros: big,
  currentSource: z.string(),
  hasOverride: z.boolean(),
  overrideMicros: big,
  targetMicros: big,
  managed: z.boolean(),
  action: z.enum(["none", "set", "clear"]),
  temporary: z.boolean(),
  revertAt: z.string().nullable(),
  reason: z.string(),
  currentText: z.string(),
  targetText: z.string(),
  /** Allotment's own figure beside the vendor's rounded-down one (plans stored before issue 23 lack these) */
  allotmentText: z.string().default(""),
  /** the person's whole budget, what each vendor gets of it, and the worst case between syncs */
  totalText: z.string().default(""),
  shares: z.array(z.object({ vendor: z.string(), text: z.string() })).default([]),
  worstCaseText: z.string().default(""),
  /** when the limit ends and who ends it at the vendor */
  endText: z.string().default(""),
});
export type PlanItem = z.infer<typeof planItemSchema>;
const itemsSchema = z.array(planItemSchema);
const sharedBudgetSchema = z.object({
  kind: z.enum(["per_user", "cap"]),
  label: z.string(),
  nowText: z.string(),
  planText: z.string(),
  meaning: z.string(),
});
/** A stored plan: its member items (the whole JSON before GitHub's shared budgets were stored), or items with them. */
const storedPlanSchema = z.union([
  itemsSchema.transform((items) => ({ items, shared: [], notes: [] as string[], cannot: [] })),
  z.object({
    items: itemsSchema,
    shared: z.array(sharedBudgetSchema).default([]),
    notes: z.array(z.string()).default([]),
    cannot: z.array(z.string()).default([]),
  }),
]);
const readStored = (json: string) => storedPlanSchema.parse(JSON.parse(json));

export interface PlanView {
  id: string;
  connectorId: string;
  vendor: string;
  status: string;
  createdAt: Date;
  unit: VendorUnit;
  items: PlanItem[];
  changes: number;
  unmatched: string[];
  /** GitHub: the shared budget lines as text, then where GitHub's rule cannot give Allotment's value */
  notes?: string[];
  /** GitHub: where GitHub's rule cannot give Allotment's value, and what is written instead */
  cannot?: string[];
  /** GitHub: the budgets that are not one person's — per-user budgets applying writes first, and shared caps */
  shared?: SharedBudgetLine[];
}

const s = (v: bigint | null) => (v === null ? null : v.toString());
const b = (v: string | null) => (v === null ? null : BigInt(v));

export function planItem(
  vendor: "chatgpt" | "claude" | "github" | "cursor",
  unit: VendorUnit,
  d: DesiredRow,
  o: Observed,
  now: Date,
): PlanItem {
  const action: Action = decideAction(vendor, d, o, now);
  const revertAt = revertAtFor(vendor, action, d.expiresAt);
  const rounded =
    unit === "usd_whole" && d.managed && d.micros !== null ? " (whole dollars, rounded down)" : "";
  // Cursor: "unlimited" cannot be written while the team has a per-member limit (vendor-override.ts)
  const impossible =
    vendor === "cursor" && d.managed && d.micros === null && o.inheritedMicros !== null
      ? `${describeVendorAmount(o.inheritedMicros, unit)}: Cursor cannot make a member unlimited while the team's per-member limit applies, so that limit stays (stricter than Allotment's unlimited)`
      : null;
  const targetText =
    impossible ??
    (action.kind === "clear"
      ? `no override (vendor default${o.inheritedKnown ? `: ${describeVendorAmount(o.inheritedMicros, unit)}` : ""})`
      : d.managed
        ? describeVendorAmount(d.micros, unit) + rounded
        : "vendor default");
  return {
    memberId: d.memberId,
    name: d.name,
    email: d.email,
    vendorUserId: o.vendorUserId,
    currentMicros: s(o.effectiveMicros),
    currentSource: o.effectiveSource,
    hasOverride: o.hasOverride,
    overrideMicros: s(o.overrideMicros),
    targetMicros: action.kind === "set" ? s(action.micros) : d.managed ? s(d.micros) : null,
    managed: d.managed,
    action: action.kind,
    temporary: action.kind === "set" && action.temporary,
    revertAt: revertAt ? revertAt.toISOString() : null,
    reason: d.reason,
    currentText: describeVendorLimit(o.effectiveMicros, unit, o.effectiveSource),
    targetText:
      d.managed && d.splitMicros !== d.micros && action.kind === "set"
        ? `${targetText} (rises to ${describeVendorAmount(d.splitMicros, unit)} once the other vendors' lowerings landed)`
        : targetText,
    allotmentText: d.allotmentText,
    totalText: d.totalText,
    shares: d.shares.map((x) => ({ vendor: x.vendor, text: x.text })),
    worstCaseText: d.worstCaseText,
    endText: !d.expiresAt
      ? ""
      : action.kind === "set" && action.temporary
        ? `ends ${d.expiresAt.toISOString().slice(0, 10)}: ChatGPT expires it with its month`
        : `ends ${d.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC: Allotment reverts it then`,
  };
}

/** Reads the vendor and computes the plan; nothing is written to the vendor. */
export async function buildPlan(
  db: Db,
  workspaceId: string,
  connectorId: string,
  actor: AuditActor,
  now: Date,
): Promise<PlanView> {
  const c = await getConnector(db, workspaceId, connectorId);
  const snap = await readVendor(db, c, { now });
  const desired = await desiredLimits(db, c, snap.unit, now);
  // GitHub: individual budgets are planned against what people inherit once the shared budgets are written
  const github = c.vendor === "github" ? await githubPlanContext(db, c, now) : null;
  if (github) for (const [id, o] of snap.byMember) snap.byMember.set(id, github.adjust(id, o));
  const items: PlanItem[] = [];
  for (const [memberId, o] of snap.byMember) {
    const d = desired.get(memberId);
    if (d) items.push(planItem(c.vendor as "chatgpt" | "claude", snap.unit, d, o, now));
  }
  items.sort(
    (x, y) =>
      (x.action === "none" ? 1 : 0) - (y.action === "none" ? 1 : 0) || x.name.localeCompare(y.name),
  );
  const plan = await db.$transaction(async (tx) => {
    await tx.vendorPlan.updateMany({
      where: { connectorId: c.id, status: "PREVIEW" },
      data: { status: "SUPERSEDED" },
    });
    // stamped with the caller's clock, which applyPlan measures the plan's age against
    return tx.vendorPlan.create({
      data: {
        workspaceId,
        connectorId: c.id,
        itemsJson: JSON.stringify(
          github
            ? { items, shared: github.shared, notes: github.notes, cannot: github.cannot }
            : items,
        ),
        createdBy: actor.label,
        createdAt: now,
      },
    });
  });
  return {
    id: plan.id,
    connectorId: c.id,
    vendor: c.vendor,
    status: plan.status,
    createdAt: plan.createdAt,
    unit: snap.unit,
    items,
    changes: items.filter((i) => i.action !== "none").length,
    unmatched: snap.unmatched.map((u) => u.email),
    ...(github ? { notes: github.notes, cannot: github.cannot, shared: github.shared } : {}),
  };
}

export async function getPlan(db: Db, workspaceId: string, planId: string): Promise<PlanView> {
  const p = await db.vendorPlan.findFirst({
    where: { id: planId, workspaceId },
    include: { connector: true },
  });
  if (!p) throw new NotFoundError("plan");
  const { items, shared, notes, cannot } = readStored(p.itemsJson);
  return {
    id: p.id,
    connectorId: p.connectorId,
    vendor: p.connector.vendor,
    status: p.status,
    createdAt: p.createdAt,
    unit: (p.connector.vendorUnit as VendorUnit) ?? "usd",
    items,
    changes: items.filter((i) => i.action !== "none").length,
    unmatched: unmatchedOf(p.connector).map((u) => u.email),
    ...(p.connector.vendor === "github" ? { notes, cannot, shared } : {}),
  };
}

const PLAN_MAX_AGE_MS = 30 * 60_000;

/** Enqueues the plan's changes; the caller then drains the queue. Returns the jobs enqueued. */
export async function applyPlan(
  db: Db,
  workspaceId: string,
  planId: string,
  actor: AuditActor,
  now: Date,
): Promise<{ enqueued: number }> {
  const p = await db.vendorPlan.findFirst({
    where: { id: planId, workspaceId },
    include: { connector: true },
  });
  if (!p) throw new NotFoundError("plan");
  const blocker = await writeBlocker(db, p.connector);
  if (blocker) throw new InvalidInputError(`${blocker}: nothing was written.`);
  if (p.status === "APPLIED") return { enqueued: 0 };
  if (p.status !== "PREVIEW")
    throw new ConflictError("A newer plan replaced this one — preview again");
  if (now.getTime() - p.createdAt.getTime() > PLAN_MAX_AGE_MS)
    throw new ConflictError(
      "This plan is more than 30 minutes old — preview again so it reflects the vendor's current values",
    );
  const items = readStored(p.itemsJson).items.filter((i) => i.action !== "none");
  // GitHub: the universal and cost-center budgets first; the individual budgets were planned against them
  if (p.connector.vendor === "github") await syncGithubSharedBudgets(db, p.connector, now, actor);
  return db.$transaction(async (tx) => {
    const claimed = await tx.vendorPlan.updateMany({
      where: { id: p.id, status: "PREVIEW" },
      data: { status: "APPLIED", appliedBy: actor.label, appliedAt: now },
    });
    if (claimed.count !== 1) return { enqueued: 0 };
    let enqueued = 0;
    for (const i of items) {
      const created = await enqueueJob(tx, {
        workspaceId,
        connectorId: p.connectorId,
        planId: p.id,
        kind: i.action === "set" ? "set_limit" : "clear_limit",
        memberId: i.memberId,
        vendorUserId: i.vendorUserId,
        payload: { targetMicros: i.targetMicros, temporary: i.temporary, revertAt: i.revertAt },
        idempotencyKey: `plan:${p.id}:${i.memberId}`,
        reason: `plan applied by ${actor.label}: ${i.reason}`,
        createdBy: actor.label,
        now,
      });
      if (created) enqueued++;
    }
    await writeAudit(tx, {
      workspaceId,
      actor,
      action: "enforcement.plan.apply",
      targetType: "VendorPlan",
      targetId: p.id,
      after: {
        vendor: p.connector.vendor,
        changes: items.map((i) => ({
          member: i.email,
          from: i.currentText,
          to: i.targetText,
          action: i.action,
        })),
      },
    });
    return { enqueued };
  });
}

export { b as bigOrNull };
export { desiredLimits };
