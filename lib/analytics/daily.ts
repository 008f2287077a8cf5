/**
 * Daily spend per product for a rollup filter, in the budget unit, with every day of the
 * range present (zeros filled on the server), plus the totals of the same rows.
 */
import { inBudgetUnit, type Unit } from "../core/money";
import { eachDay, type Period } from "../core/period";
import { engineOf, type Db } from "../server/db";
import { toBigInt } from "../server/sql";
import { readRows } from "../server/sqlite-reader";
import { joinInOrder, Params } from "./sql-builder";

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
  const rows = await productDays(db, where, range);
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
      costMicros: row.costMicros,
      estimatedCostMicros: row.estimatedCostMicros,
      creditsMicros: row.creditsMicros,
    };
    totals.costMicros += v.costMicros;
    totals.estimatedCostMicros += v.estimatedCostMicros;
    totals.creditsMicros += v.creditsMicros;
    totals.seatMicros += unit === "USD" ? row.seatEstimateMicros : row.seatCreditsMicros;
    products.add(row.product);
    const bucket = days.get(row.day);
    if (!bucket) continue;
    const amount = inBudgetUnit(unit, v);
    bucket.byProduct[row.product] = (bucket.byProduct[row.product] ?? 0n) + amount;
    bucket.totalMicros += amount;
  }
  return { totals, products: [...products].sort(), daily: [...days.values()] };
}

/**
 * The daily rollup summed by day and product for the filter. A list of people drives the read
 * (as the breakdowns' member lists do, sql-builder.ts): without statistics SQLite would walk
 * every person's rows of the range in day order — a 63-person group's month on the reference
 * dataset read 135,000 rows in 77 ms, and 2 ms through the member-ordered index.
 */
async function productDays(db: Db, where: RollupWhere, range: Period) {
  const engine = engineOf(db);
  const p = new Params(engine);
  const people =
    where.memberKey === undefined
      ? null
      : typeof where.memberKey === "string"
        ? [where.memberKey]
        : [...new Set(where.memberKey.in)];
  const drivenByPeople = people !== null && engine === "sqlite";
  const from = drivenByPeople
    ? `json_each(${p.add(JSON.stringify(people))}) m ${joinInOrder(engine)} "UsageDailyRollup" r`
    : `"UsageDailyRollup" r`;
  const conds = [`r."workspaceId" = ${p.add(where.workspaceId)}`];
  if (drivenByPeople) conds.push(`r."memberKey" = m."value"`);
  else if (people) conds.push(people.length ? `r."memberKey" IN ${p.list(people)}` : "1 = 0");
  conds.push(`r."day" >= ${p.add(range.start)}`, `r."day" <= ${p.add(range.end)}`);
  const rows = await readRows<Record<string, unknown>>(
    db,
    `SELECT r."day" AS "day", r."product" AS "product", SUM(r."costMicros") AS "cost",
       SUM(r."estimatedCostMicros") AS "estimated", SUM(r."creditsMicros") AS "credits",
       SUM(r."seatEstimateMicros") AS "seatUsd", SUM(r."seatCreditsMicros") AS "seatCredits"
     FROM ${from} WHERE ${conds.join(" AND ")} GROUP BY r."day", r."product"`,
    p.values,
  );
  return rows.map((r) => ({
    day: String(r.day),
    product: String(r.product),
    costMicros: toBigInt(r.cost),
    estimatedCostMicros: toBigInt(r.estimated),
    creditsMicros: toBigInt(r.credits),
    seatEstimateMicros: toBigInt(r.seatUsd),
    seatCreditsMicros: toBigInt(r.seatCredits),
  }));
}
