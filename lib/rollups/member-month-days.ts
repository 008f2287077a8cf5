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
import { inList, placeholder } from "../server/sql";

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

const KEY = `"workspaceId", "month", "memberKey", "metric"`;

/**
 * Some days' member-day rows (parameters: daysParams). The range beside the list makes
 * SQLite seek the key (workspaceId, day) for each day: with the list alone it walked the
 * workspace's whole member-ordered index (every day it holds) — measured on 20,000 people,
 * five days' rows took 420 ms a statement that way and 125–175 ms by the key.
 */
export function daysOf(engine: Engine) {
  return (count: number) =>
    `"workspaceId" = ${placeholder(engine, 1)} AND "day" >= ${placeholder(engine, 2)} AND "day" <= ${placeholder(engine, 3)} AND "day" IN ${inList(engine, count, 4)}`;
}

/** The parameters of daysOf: the workspace, the first and last day, the days. */
export function daysParams(workspaceId: string, days: readonly DayKey[]): string[] {
  const sorted = [...days].sort();
  return [workspaceId, sorted[0]!, sorted[sorted.length - 1]!, ...days];
}

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
  if (!days.length) return;
  const neg = sign < 0 ? "-" : "";
  // only the columns of these days change (one or two for an incremental page)
  const columns = [...new Set(days.map(dayColumn))].sort();
  for (const metric of MONTH_DAY_METRICS)
    await tx.$executeRawUnsafe(
      `INSERT INTO "UsageMemberMonthDays" (${KEY}, ${columns.map((c) => `"${c}"`).join(", ")})
       SELECT "workspaceId", SUBSTR("day", 1, 7), "memberKey", '${metric}', ${columns
         .map(
           (c) =>
             `${neg}SUM(CASE WHEN SUBSTR("day", 9, 2) = '${c.slice(1)}' THEN "${metric}" ELSE 0 END)`,
         )
         .join(", ")}
       FROM "UsageMemberDayTotal"
       WHERE ${daysOf(engine)(days.length)}
       GROUP BY "workspaceId", SUBSTR("day", 1, 7), "memberKey"
       HAVING SUM(CASE WHEN "${metric}" <> 0 THEN 1 ELSE 0 END) > 0
       ON CONFLICT (${KEY}) DO UPDATE SET ${columns.map((c) => `"${c}" = "UsageMemberMonthDays"."${c}" + excluded."${c}"`).join(", ")}`,
      ...daysParams(workspaceId, days),
    );
}

/** Drops the rows of these months whose every day is 0. */
export async function pruneEmptyMonthDays(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  months: string[],
): Promise<void> {
  if (!months.length) return;
  await tx.$executeRawUnsafe(
    `DELETE FROM "UsageMemberMonthDays"
     WHERE "workspaceId" = ${placeholder(engine, 1)} AND "month" IN ${inList(engine, months.length, 2)}
       AND ${DAY_COLUMNS.map((c) => `"${c}" = 0`).join(" AND ")}`,
    workspaceId,
    ...months,
  );
}
