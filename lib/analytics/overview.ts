/**
 * The Overview's numbers for a scope: spend this budget period (billed and list-price
 * estimate, in USD and credits), a projection to period end, the daily trend by product
 * and the top spenders. Reads the daily rollup only.
 */
import type { Db } from "../db";
import { inBudgetUnit, type Unit } from "../money";
import { currentPeriod, daysBetween, daysLeft, todayIn, type BudgetPeriod, type Period } from "../period";
import { dailyByProduct, type SpendTotals } from "./daily";
import type { SpendScope } from "./scope";

export interface OverviewData {
  scope: { kind: SpendScope["kind"]; label: string };
  unit: Unit;
  period: Period;
  today: string;
  daysLeft: number;
  totals: SpendTotals;
  unattributedCostMicros: bigint;
  /** in the budget unit */
  spentMicros: bigint;
  projectedMicros: bigint;
  products: string[];
  /** per day, per product, in the budget unit; every day of the period up to today present */
  daily: { day: string; byProduct: Record<string, bigint>; totalMicros: bigint }[];
  topMembers: { memberId: string; name: string; email: string; amountMicros: bigint }[];
  dataAsOf: string | null;
}

export function scopeWhere(scope: SpendScope) {
  return { workspaceId: scope.workspaceId, ...(scope.memberIds ? { memberKey: { in: scope.memberIds } } : {}) };
}

/** Straight-line projection: spend so far plus the average day so far for each remaining day. */
export function projectToPeriodEnd(spent: bigint, period: Period, today: string): bigint {
  const elapsed = BigInt(Math.max(1, daysBetween(period.start, today) + 1));
  const remaining = BigInt(Math.max(0, daysBetween(today, period.end)));
  return spent + (spent * remaining) / elapsed;
}

export async function getOverview(db: Db, scope: SpendScope, now: Date): Promise<OverviewData> {
  const workspace = await db.workspace.findUniqueOrThrow({ where: { id: scope.workspaceId } });
  const unit: Unit = workspace.budgetUnit;
  const today = todayIn(workspace.timezone, now);
  const period = currentPeriod(workspace.budgetPeriod as BudgetPeriod, workspace.timezone, now);
  const where = { ...scopeWhere(scope), day: { gte: period.start, lte: period.end } };
  const sums = { costMicros: true, estimatedCostMicros: true, creditsMicros: true } as const;

  const [series, byMember, asOf] = await Promise.all([
    dailyByProduct(db, scopeWhere(scope), unit, period),
    db.usageDailyRollup.groupBy({ by: ["memberKey"], where, _sum: sums }),
    db.connection.aggregate({ where: { workspaceId: scope.workspaceId, enabled: true }, _max: { dataAsOf: true } }),
  ]);
  const { totals, products, daily } = series;

  const unattributed = byMember.find((m) => m.memberKey === "");
  const ranked = byMember
    .filter((m) => m.memberKey !== "")
    .map((m) => ({ memberId: m.memberKey, amountMicros: inBudgetUnit(unit, { costMicros: m._sum.costMicros ?? 0n, creditsMicros: m._sum.creditsMicros ?? 0n }) }))
    .sort((a, b) => (b.amountMicros > a.amountMicros ? 1 : b.amountMicros < a.amountMicros ? -1 : 0))
    .slice(0, 10);
  const people = await db.member.findMany({ where: { id: { in: ranked.map((r) => r.memberId) }, workspaceId: scope.workspaceId }, select: { id: true, name: true, email: true } });
  const byId = new Map(people.map((p) => [p.id, p]));

  const spent = inBudgetUnit(unit, totals);
  return {
    scope: { kind: scope.kind, label: scope.label },
    unit,
    period,
    today,
    daysLeft: daysLeft(period, today),
    totals,
    unattributedCostMicros: unattributed?._sum.costMicros ?? 0n,
    spentMicros: spent,
    projectedMicros: projectToPeriodEnd(spent, period, today),
    products,
    daily,
    topMembers: ranked.map((r) => ({ ...r, name: byId.get(r.memberId)?.name ?? "Unknown", email: byId.get(r.memberId)?.email ?? "" })),
    dataAsOf: asOf._max.dataAsOf ?? null,
  };
}
