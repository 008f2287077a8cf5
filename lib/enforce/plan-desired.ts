/**
 * What each vendor should enforce per member: Allotment's effective (all-products) limit as
 * one budget across the enforcing vendors (lib/enforce/budget-split.ts), in the vendor's
 * unit, rounded down. A raise waits for room (capRaises) so the vendors together never
 * allow more than Allotment, even while a lowering at another vendor has not landed yet.
 */
import "server-only";

import { formatAmount, inBudgetUnit } from "../core/money";
import { addDays } from "../core/period";
import { loadWorkspaceEffectiveLimits } from "../limits/load-effective-limits";
import type { Db } from "../server/db";
import {
  describeVendorAmount,
  toVendorMicros,
  vendorToBudgetCeil,
  type BudgetUnit,
  type VendorUnit,
} from "../vendors/units";
import { capRaises, SPLIT_RULES, splitBudget, type SplitRule } from "./budget-split";
import type { ConnectorRow } from "./connectors";

export interface VendorShare {
  connectorId: string;
  vendor: string;
  /** what this vendor gets (vendor micros, rounded down; null = unlimited) once every change landed */
  splitMicros: bigint | null;
  text: string;
}

export interface DesiredRow {
  memberId: string;
  name: string;
  email: string;
  /** what to write now at this vendor (vendor micros); null = unlimited */
  micros: bigint | null;
  /** what this vendor gets once the other vendors' lowerings landed */
  splitMicros: bigint | null;
  managed: boolean;
  expiresAt: Date | null;
  reason: string;
  /** Allotment's own figure (budget micros, unrounded; null = unlimited) and its text */
  allotmentMicros: bigint | null;
  allotmentText: string;
  /** the person's whole budget and its split across vendors, for the plan */
  totalText: string;
  shares: VendorShare[];
  /** the most all vendors together can let the person spend before the next sync */
  worstCaseText: string;
}

/** Provider rows that count as spend at a vendor (how the ingest adapters label them). */
export function vendorUsageFilter(vendor: string): { provider: string; product?: string } {
  if (vendor === "github") return { provider: "github", product: "copilot" };
  if (vendor === "cursor") return { provider: "cursor", product: "cursor" };
  return vendor === "claude"
    ? { provider: "anthropic", product: "claude_code" }
    : { provider: "chatgpt" };
}

const RECENT_DAYS = 30;

export async function splitSetting(
  db: Db,
  workspaceId: string,
): Promise<{ rule: SplitRule; oneVendor: string | null }> {
  const s = await db.enforcementSetting.findUnique({ where: { workspaceId } });
  const rule = (SPLIT_RULES as readonly string[]).includes(s?.splitRule ?? "")
    ? (s!.splitRule as SplitRule)
    : "proportional";
  return { rule, oneVendor: s?.splitVendor ?? null };
}

/**
 * Allotment's effective limit per member for connector `c` (the split share), with its reason
 * and end. Connectors that share the budget: every switched-on connector plus `c`.
 */
export async function desiredLimits(
  db: Db,
  c: ConnectorRow,
  unit: VendorUnit,
  now: Date,
  memberIds?: string[],
): Promise<Map<string, DesiredRow>> {
  const ws = await db.workspace.findUniqueOrThrow({
    where: { id: c.workspaceId },
    select: { budgetUnit: true, usdPerCreditMicros: true },
  });
  const budgetUnit = ws.budgetUnit as BudgetUnit;
  const limits = await loadWorkspaceEffectiveLimits(
    db,
    c.workspaceId,
    now,
    memberIds ? new Set(memberIds) : undefined,
  );
  const ids = limits.members.map((m) => m.memberId);
  const policyIds = limits.members
    .map((m) => m.effective.policyId)
    .filter((id): id is string => !!id);
  const expiry = new Map(
    (
      await db.limitPolicy.findMany({
        where: { id: { in: [...new Set(policyIds)] } },
        select: { id: true, expiresAt: true },
      })
    ).map((p) => [p.id, p.expiresAt]),
  );
  const connectors = (
    await db.vendorConnector.findMany({ where: { workspaceId: c.workspaceId } })
  ).filter((x) => x.enabled || x.id === c.id);
  const unitOf = (x: ConnectorRow): VendorUnit =>
    x.id === c.id ? unit : ((x.vendorUnit ?? "usd") as VendorUnit);
  const states = await db.vendorLimitState.findMany({
    where: { connectorId: { in: connectors.map((x) => x.id) }, memberId: { in: ids } },
  });
  const stateOf = new Map(states.map((s) => [`${s.connectorId}:${s.memberId}`, s]));
  const { rule, oneVendor } = await splitSetting(db, c.workspaceId);

  // spend per member and vendor: this budget period, and the recent window (the proportional weight)
  const period = limits.budget.period;
  const recentFrom = addDays(limits.budget.today, -RECENT_DAYS);
  const from = period.start < recentFrom ? period.start : recentFrom;
  const providers = [...new Set(connectors.map((x) => vendorUsageFilter(x.vendor).provider))];
  const rows = await db.usageDailyRollup.groupBy({
    by: ["memberKey", "provider", "product", "day"],
    where: {
      workspaceId: c.workspaceId,
      memberKey: { in: ids },
      provider: { in: providers },
      day: { gte: from, lte: limits.budget.today > period.end ? limits.budget.today : period.end },
    },
    _sum: { costMicros: true, creditsMicros: true },
  });
  const usage = new Map<string, { used: bigint; recent: bigint }>();
  for (const r of rows) {
    for (const x of connectors) {
      const f = vendorUsageFilter(x.vendor);
      if (r.provider !== f.provider || (f.product !== undefined && r.product !== f.product))
        continue;
      const v = inBudgetUnit(budgetUnit, {
        costMicros: r._sum.costMicros ?? 0n,
        creditsMicros: r._sum.creditsMicros ?? 0n,
      });
      const k = `${x.id}:${r.memberKey}`;
      const u = usage.get(k) ?? { used: 0n, recent: 0n };
      if (r.day >= period.start && r.day <= period.end) u.used += v;
      if (r.day >= recentFrom) u.recent += v;
      usage.set(k, u);
    }
  }

  const fmt = (v: bigint | null) => (v === null ? "unlimited" : formatAmount(v, budgetUnit));
  const out = new Map<string, DesiredRow>();
  for (const m of limits.members) {
    const e = m.effective;
    const managed = e.level !== "NONE";
    // the vendors that share this person's budget: c, and every other enforcing vendor that knows the person
    const present = connectors.filter((x) => x.id === c.id || stateOf.has(`${x.id}:${m.memberId}`));
    const vendors = present.map((x) => ({
      key: x.id,
      vendor: x.vendor,
      used: usage.get(`${x.id}:${m.memberId}`)?.used ?? 0n,
      recent: usage.get(`${x.id}:${m.memberId}`)?.recent ?? 0n,
    }));
    const split = managed
      ? splitBudget({
          limit: e.limitMicros,
          usedAll: e.usedMicros,
          remaining: e.remainingMicros,
          vendors,
          rule,
          oneVendor,
        })
      : new Map<string, bigint | null>();
    const cap =
      e.limitMicros !== null
        ? e.limitMicros
        : e.remainingMicros === null
          ? null
          : e.usedMicros + e.remainingMicros;
    const capped = managed
      ? capRaises(
          cap,
          present.map((x) => {
            const s = stateOf.get(`${x.id}:${m.memberId}`);
            // a vendor never read yet counts as what it will be told (nothing was written there by Allotment)
            const current = s
              ? vendorToBudgetCeil(s.effectiveMicros, budgetUnit, unitOf(x), ws.usdPerCreditMicros)
              : (split.get(x.id) ?? null);
            return { key: x.id, current, target: split.get(x.id) ?? null };
          }),
        )
      : new Map<string, bigint | null>();
    const toVendor = (x: ConnectorRow, v: bigint | null) =>
      toVendorMicros(v, budgetUnit, unitOf(x), ws.usdPerCreditMicros);
    const shares: VendorShare[] = present.map((x) => {
      const vm = managed ? toVendor(x, split.get(x.id) ?? null) : null;
      return {
        connectorId: x.id,
        vendor: x.vendor,
        splitMicros: vm,
        text: managed ? describeVendorAmount(vm, unitOf(x)) : "vendor default",
      };
    });
    const sum = shares.reduce<bigint | null>(
      (acc, s) =>
        acc === null || s.splitMicros === null
          ? null
          : acc +
            (vendorToBudgetCeil(
              s.splitMicros,
              budgetUnit,
              unitOf(present.find((x) => x.id === s.connectorId)!),
              ws.usdPerCreditMicros,
            ) ?? 0n),
      0n,
    );
    out.set(m.memberId, {
      memberId: m.memberId,
      name: m.name,
      email: m.email,
      managed,
      micros: managed ? toVendor(c, capped.get(c.id) ?? null) : null,
      splitMicros: managed ? toVendor(c, split.get(c.id) ?? null) : null,
      expiresAt: e.policyId ? (expiry.get(e.policyId) ?? null) : null,
      reason: managed ? e.reason : "no Allotment limit: the vendor's own defaults apply",
      allotmentMicros: managed ? e.limitMicros : null,
      allotmentText: managed ? fmt(e.limitMicros) : "no limit",
      totalText: managed
        ? `${fmt(cap)} in total (${fmt(e.usedMicros)} used, ${fmt(e.remainingMicros)} left)`
        : "no Allotment limit",
      shares,
      worstCaseText: !managed
        ? "the vendors' own defaults"
        : sum === null
          ? "unlimited"
          : `${fmt(sum)} across ${present.length} vendor(s) until the next sync${present.some((x) => x.vendor === "chatgpt") ? " (ChatGPT may let a running task finish slightly over)" : ""}`,
    });
  }
  return out;
}
