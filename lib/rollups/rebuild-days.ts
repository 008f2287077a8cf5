/**
 * UsageDailyRollup is derived from UsageRecord: for each touched day it is rebuilt from the
 * fact rows in the same transaction as the write, so it can never drift from them. The
 * workspace day totals, the per-member monthly rollup, the per-member day / month totals and
 * the group / cost-center totals derived from it follow in the same transaction.
 */
import type { DayKey } from "../core/period";
import { engineOf, type Tx } from "../server/db";
import { chunks, inList, placeholder } from "../server/sql";
import { rebuildDayTotals } from "./day-totals";
import { rebuildGroupDayTotals } from "./group-totals";
import { MEMBER_MONTH } from "./member-month";
import { MEMBER_MONTH_DAYS } from "./member-month-days";
import { addMemberDayTotals, dropMemberDayTotals, MEMBER_MONTH_TOTAL } from "./member-totals";
import { monthOf } from "./metrics";
import { addDaysToMonths, pruneEmptyMonths } from "./month-deltas";

export async function rebuildDailyRollups(
  tx: Tx,
  workspaceId: string,
  days: Iterable<DayKey>,
): Promise<void> {
  const engine = engineOf(tx);
  const unique = [...new Set(days)].sort();
  for (const batch of chunks(unique, 200)) {
    const params = [workspaceId, ...batch];
    const dayIn = inList(engine, batch.length, 2);
    // The monthly rollup follows by deltas: take these days' old rows out, put the new ones in.
    await addDaysToMonths(tx, engine, MEMBER_MONTH, workspaceId, batch, -1);
    await dropMemberDayTotals(tx, engine, workspaceId, batch);
    await tx.$executeRawUnsafe(
      `DELETE FROM "UsageDailyRollup" WHERE "workspaceId" = ${placeholder(engine, 1)} AND "day" IN ${dayIn}`,
      ...params,
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO "UsageDailyRollup" ("workspaceId", "day", "memberKey", "product", "model", "provider",
         "inputTokens", "cachedInputTokens", "outputTokens", "requests", "estimatedCostMicros", "costMicros",
         "creditsMicros", "seatEstimateMicros", "seatCreditsMicros", "unpricedRequests")
       SELECT "workspaceId", "day", COALESCE("memberId", ''), "product", "model", "provider",
         SUM("inputTokens"), SUM("cachedInputTokens"), SUM("outputTokens"), SUM("requests"),
         SUM("estimatedCostMicros"), SUM("costMicros"), SUM("creditsMicros"), SUM("seatEstimateMicros"), SUM("seatCreditsMicros"),
         SUM(CASE WHEN "unpriced" THEN "requests" ELSE 0 END)
       FROM "UsageRecord"
       WHERE "workspaceId" = ${placeholder(engine, 1)} AND "day" IN ${dayIn}
       GROUP BY "workspaceId", "day", COALESCE("memberId", ''), "product", "model", "provider"`,
      ...params,
    );
    await addDaysToMonths(tx, engine, MEMBER_MONTH, workspaceId, batch, 1);
    await addMemberDayTotals(tx, engine, workspaceId, batch);
  }
  const months = [...new Set(unique.map(monthOf))];
  for (const table of [MEMBER_MONTH, MEMBER_MONTH_TOTAL, MEMBER_MONTH_DAYS])
    await pruneEmptyMonths(tx, engine, table, workspaceId, months);
  // Group and cost-center totals, from the member day totals just rebuilt and today's memberships.
  await rebuildGroupDayTotals(tx, workspaceId, unique);
  // Analytics' workspace-wide day totals, derived from the rollup just rebuilt (same transaction).
  await rebuildDayTotals(tx, engine, workspaceId, unique);
}
