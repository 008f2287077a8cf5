/**
 * UsageMemberDayTotal is UsageDailyRollup summed over product / model / provider, and
 * UsageMemberMonthTotal is that summed by calendar month. Both are kept in the sync
 * transaction around the daily rollup's rebuild of some days: before the days' rollup rows
 * are replaced their member-day rows are taken out of the months and dropped; afterwards
 * they are rebuilt from the new rollup rows and added to the months. Month rows left at
 * zero with no member-day behind them are dropped, so both tables always equal the GROUP BY
 * of the daily rollup (the migration's backfill). The member-days by month
 * (member-month-days.ts) follow the same steps.
 */
import type { DayKey } from "../core/period";
import type { Engine, Tx } from "../server/db";
import { inList, placeholder } from "../server/sql";
import { addToMonthDays, daysOf, daysParams, pruneEmptyMonthDays } from "./member-month-days";
import { COLUMNS, METRICS } from "./metrics";

const MONTH_KEY = `"workspaceId", "month", "memberKey"`;

async function addToMonths(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  days: DayKey[],
  sign: 1 | -1,
): Promise<void> {
  const neg = sign < 0 ? "-" : "";
  await tx.$executeRawUnsafe(
    `INSERT INTO "UsageMemberMonthTotal" (${MONTH_KEY}, ${COLUMNS})
     SELECT "workspaceId", SUBSTR("day", 1, 7), "memberKey", ${METRICS.map((m) => `${neg}SUM("${m}")`).join(", ")}
     FROM "UsageMemberDayTotal"
     WHERE ${daysOf(engine)(days.length)}
     GROUP BY "workspaceId", SUBSTR("day", 1, 7), "memberKey"
     ON CONFLICT (${MONTH_KEY}) DO UPDATE SET ${METRICS.map((m) => `"${m}" = "UsageMemberMonthTotal"."${m}" + excluded."${m}"`).join(", ")}`,
    ...daysParams(workspaceId, days),
  );
}

/** Before the daily rollup rows of `days` are deleted: take their member totals out. */
export async function dropMemberDayTotals(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  days: DayKey[],
): Promise<void> {
  if (!days.length) return;
  await addToMonths(tx, engine, workspaceId, days, -1);
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
  await addToMonths(tx, engine, workspaceId, days, 1);
  await addToMonthDays(tx, engine, workspaceId, days, 1);
}

/** Drops month rows of these months that sum to nothing and have no member-day left. */
export async function pruneEmptyMemberMonthTotals(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  months: string[],
): Promise<void> {
  if (!months.length) return;
  await pruneEmptyMonthDays(tx, engine, workspaceId, months);
  await tx.$executeRawUnsafe(
    `DELETE FROM "UsageMemberMonthTotal"
     WHERE "workspaceId" = ${placeholder(engine, 1)} AND "month" IN ${inList(engine, months.length, 2)}
       AND ${METRICS.map((m) => `"${m}" = 0`).join(" AND ")}
       AND NOT EXISTS (SELECT 1 FROM "UsageMemberDayTotal" d
         WHERE d."workspaceId" = "UsageMemberMonthTotal"."workspaceId" AND d."memberKey" = "UsageMemberMonthTotal"."memberKey"
           AND d."day" >= "UsageMemberMonthTotal"."month" || '-01' AND d."day" <= "UsageMemberMonthTotal"."month" || '-31')`,
    workspaceId,
    ...months,
  );
}
