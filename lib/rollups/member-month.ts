/**
 * UsageMemberMonth is UsageDailyRollup summed by calendar month. Rebuilding a whole month
 * per sync page would re-read ~30 days of member rows for every day written, so it is kept
 * by deltas instead, in the same transaction as the daily rollup: before a day's rollup
 * rows are replaced their sums are subtracted from the month, afterwards the new rows are
 * added; month rows left at zero with no daily row behind them are dropped, so the table
 * always equals the GROUP BY of the daily rollup (the migration's backfill).
 */
import type { DayKey } from "../core/period";
import type { Engine, Tx } from "../server/db";
import { inList, placeholder } from "../server/sql";
import { METRICS } from "./metrics";

const KEY = `"workspaceId", "month", "memberKey", "product", "model", "provider"`;

/** Adds (sign 1) or subtracts (sign -1) the daily rollup rows of `days` to their months. */
export async function applyDailyToMonths(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  days: DayKey[],
  sign: 1 | -1,
): Promise<void> {
  if (!days.length) return;
  const neg = sign < 0 ? "-" : "";
  await tx.$executeRawUnsafe(
    `INSERT INTO "UsageMemberMonth" (${KEY}, ${METRICS.map((m) => `"${m}"`).join(", ")})
     SELECT "workspaceId", SUBSTR("day", 1, 7), "memberKey", "product", "model", "provider", ${METRICS.map((m) => `${neg}SUM("${m}")`).join(", ")}
     FROM "UsageDailyRollup"
     WHERE "workspaceId" = ${placeholder(engine, 1)} AND "day" IN ${inList(engine, days.length, 2)}
     GROUP BY "workspaceId", SUBSTR("day", 1, 7), "memberKey", "product", "model", "provider"
     ON CONFLICT (${KEY}) DO UPDATE SET ${METRICS.map((m) => `"${m}" = "UsageMemberMonth"."${m}" + excluded."${m}"`).join(", ")}`,
    workspaceId,
    ...days,
  );
}

/** Drops month rows of these months that sum to nothing and have no daily row left. */
export async function pruneEmptyMonths(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  months: string[],
): Promise<void> {
  if (!months.length) return;
  await tx.$executeRawUnsafe(
    `DELETE FROM "UsageMemberMonth"
     WHERE "workspaceId" = ${placeholder(engine, 1)} AND "month" IN ${inList(engine, months.length, 2)}
       AND ${METRICS.map((m) => `"${m}" = 0`).join(" AND ")}
       AND NOT EXISTS (SELECT 1 FROM "UsageDailyRollup" d
         WHERE d."workspaceId" = "UsageMemberMonth"."workspaceId" AND d."memberKey" = "UsageMemberMonth"."memberKey"
           AND d."day" >= "UsageMemberMonth"."month" || '-01' AND d."day" <= "UsageMemberMonth"."month" || '-31'
           AND d."product" = "UsageMemberMonth"."product" AND d."model" = "UsageMemberMonth"."model" AND d."provider" = "UsageMemberMonth"."provider")`,
    workspaceId,
    ...months,
  );
}
