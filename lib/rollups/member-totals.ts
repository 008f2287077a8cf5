/**
 * UsageMemberDayTotal is UsageDailyRollup summed over product / model / provider, and
 * UsageMemberMonthTotal is that summed by calendar month. Both are kept in the sync
 * transaction around the daily rollup's rebuild of some days: before the days' rollup rows
 * are replaced their member-day rows are taken out of the months and dropped; afterwards
 * they are rebuilt from the new rollup rows and added to the months (month-deltas.ts), as are
 * the member days by month (member-month-days.ts). Month rows left at zero with no member-day
 * behind them are dropped, so both tables always equal the GROUP BY of the daily rollup (the
 * migration's backfill).
 */
import type { DayKey } from "../core/period";
import type { Engine, Tx } from "../server/db";
import { inList, placeholder } from "../server/sql";
import { addToMonthDays } from "./member-month-days";
import { COLUMNS, METRICS } from "./metrics";
import { addDaysToMonths, type MonthTable } from "./month-deltas";

export const MEMBER_MONTH_TOTAL: MonthTable = {
  table: "UsageMemberMonthTotal",
  from: "UsageMemberDayTotal",
  by: ["memberKey"],
  columns: METRICS,
  keepWhileDays: true,
  dayRange: true,
};

/** Before the daily rollup rows of `days` are deleted: take their member totals out. */
export async function dropMemberDayTotals(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  days: DayKey[],
): Promise<void> {
  if (!days.length) return;
  await addDaysToMonths(tx, engine, MEMBER_MONTH_TOTAL, workspaceId, days, -1);
  await addToMonthDays(tx, engine, workspaceId, days, -1);
  await tx.$executeRawUnsafe(
    `DELETE FROM "UsageMemberDayTotal" WHERE "workspaceId" = ${placeholder(engine, 1)} AND "day" IN ${inList(engine, days.length, 2)}`,
    workspaceId,
    ...days,
  );
}

/** After the daily rollup rows of `days` are rebuilt: rebuild their member totals and add them to the months. */
export async function addMemberDayTotals(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  days: DayKey[],
): Promise<void> {
  if (!days.length) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO "UsageMemberDayTotal" ("workspaceId", "day", "memberKey", ${COLUMNS})
     SELECT "workspaceId", "day", "memberKey", ${METRICS.map((m) => `SUM("${m}")`).join(", ")}
     FROM "UsageDailyRollup"
     WHERE "workspaceId" = ${placeholder(engine, 1)} AND "day" IN ${inList(engine, days.length, 2)}
     GROUP BY "workspaceId", "day", "memberKey"`,
    workspaceId,
    ...days,
  );
  await addDaysToMonths(tx, engine, MEMBER_MONTH_TOTAL, workspaceId, days, 1);
  await addToMonthDays(tx, engine, workspaceId, days, 1);
}
