/**
 * Daily spend per product for a rollup filter, in the budget unit, with every day of the
 * range present (zeros filled on the server), plus the totals of the same rows.
 */
import { inBudgetUnit, type Unit } from "../core/money";
import { eachDay, type Period } from "../core/period";
import type { Db } from "../server/db";

export interface SpendTotals {
  costMicros: bigint;
  estimatedCostMicros: bigint;
  creditsMicros: bigint;
  /** Claude Code seat estimates in the budget unit: not billed, not in the daily amounts (their own line) */
  seatMicros: bigint;
}

export interface DailySeries {
  totals: SpendTotals;
  products: string[];
  daily: { day: string; byProduct: Record<string, bigint>; totalMicros: bigint }[];
}

export type RollupWhere = { workspaceId: string; memberKey?: string | { in: string[] } };

export async function dailyByProduct(
  db: Db,
  where: RollupWhere,
  unit: Unit,
  range: Period,
): Promise<DailySeries> {
  const rows = await db.usageDailyRollup.groupBy({
    by: ["day", "product"],
    where: { ...where, day: { gte: range.start, lte: range.end } },
    _sum: {
      costMicros: true,
      estimatedCostMicros: true,
      creditsMicros: true,
      seatEstimateMicros: true,
      seatCreditsMicros: true,
    },
  });
  const totals: SpendTotals = {
    costMicros: 0n,
    estimatedCostMicros: 0n,
    creditsMicros: 0n,
    seatMicros: 0n,
  };
  const products = new Set<string>();
  const days = new Map(
    eachDay(range.start, range.end).map((d) => [
      d,
      { day: d, byProduct: {} as Record<string, bigint>, totalMicros: 0n },
    ]),
  );
  for (const row of rows) {
    const v = {
      costMicros: row._sum.costMicros ?? 0n,
      estimatedCostMicros: row._sum.estimatedCostMicros ?? 0n,
      creditsMicros: row._sum.creditsMicros ?? 0n,
    };
    totals.costMicros += v.costMicros;
    totals.estimatedCostMicros += v.estimatedCostMicros;
    totals.creditsMicros += v.creditsMicros;
    totals.seatMicros +=
      (unit === "USD" ? row._sum.seatEstimateMicros : row._sum.seatCreditsMicros) ?? 0n;
    products.add(row.product);
    const bucket = days.get(row.day);
    if (!bucket) continue;
    const amount = inBudgetUnit(unit, v);
    bucket.byProduct[row.product] = (bucket.byProduct[row.product] ?? 0n) + amount;
    bucket.totalMicros += amount;
  }
  return { totals, products: [...products].sort(), daily: [...days.values()] };
}
