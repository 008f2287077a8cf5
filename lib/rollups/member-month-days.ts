/**
 * UsageMemberMonthDays is UsageMemberDayTotal's four amounts a limit counts (MONTH_DAY_METRICS)
 * laid out one row per member, month and amount, the month's days side by side (d01…d31): the
 * limit simulator reads a month of everyone's days as one row per person instead of one per
 * person-day (lib/limits/simulate.ts). Kept by deltas in the same transaction as the member
 * day totals (member-totals.ts): before some days' member-day rows are dropped their amounts
 * are taken out of their day columns, after they are rebuilt the new amounts are put in, and
 * rows left with every day at 0 are dropped — so the table always equals the member-day rows
 * pivoted by day, without the all-zero rows (the migration's backfill).
 */
import type { DayKey } from "../core/period";
import type { Engine, Tx } from "../server/db";
import { addDaysToMonths, type MonthTable } from "./month-deltas";

/** The member-day amounts kept by day (a row's `metric` is the column's name). */
export const MONTH_DAY_METRICS = [
  "costMicros",
  "creditsMicros",
  "seatEstimateMicros",
  "seatCreditsMicros",
] as const;
export type MonthDayMetric = (typeof MONTH_DAY_METRICS)[number];

/** The column of a day of the month ("YYYY-MM-DD" → "d07"). */
export function dayColumn(day: DayKey): string {
  return `d${day.slice(8, 10)}`;
}

/** Every day column, d01 to d31. */
export const DAY_COLUMNS = Array.from(
  { length: 31 },
  (_, i) => `d${String(i + 1).padStart(2, "0")}`,
);

/** The table, its columns being the days (each delta names the metric it sums). */
export const MEMBER_MONTH_DAYS: MonthTable = {
  table: "UsageMemberMonthDays",
  from: "UsageMemberDayTotal",
  by: ["memberKey"],
  columns: DAY_COLUMNS,
  keepWhileDays: false,
  dayRange: true,
};

/**
 * Adds (sign 1, after the member-day rows of `days` are rebuilt) or takes out (-1, before they
 * are deleted) those rows' amounts in their months' day columns.
 */
export async function addToMonthDays(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  days: DayKey[],
  sign: 1 | -1,
): Promise<void> {
  // only the columns of these days change (one or two for an incremental page)
  const columns = [...new Set(days.map(dayColumn))].sort();
  for (const metric of MONTH_DAY_METRICS)
    await addDaysToMonths(tx, engine, MEMBER_MONTH_DAYS, workspaceId, days, sign, {
      sums: columns.map(
        (c) =>
          [
            c,
            `CASE WHEN SUBSTR("day", 9, 2) = '${c.slice(1)}' THEN "${metric}" ELSE 0 END`,
          ] as const,
      ),
      tag: ["metric", `'${metric}'`],
      having: `SUM(CASE WHEN "${metric}" <> 0 THEN 1 ELSE 0 END) > 0`,
    });
}
