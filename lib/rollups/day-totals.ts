/**
 * UsageDayTotal is derived from UsageDailyRollup: for each touched day it is rebuilt in the
 * same transaction, right after the daily rollup, so the two never disagree (rebuild-days.ts).
 */
import type { DayKey } from "../core/period";
import type { Engine, Tx } from "../server/db";
import { chunks, inList, placeholder } from "../server/sql";

export async function rebuildDayTotals(
  tx: Tx,
  engine: Engine,
  workspaceId: string,
  days: Iterable<DayKey>,
): Promise<void> {
  const unique = [...new Set(days)].sort();
  for (const batch of chunks(unique, 200)) {
    const params = [workspaceId, ...batch];
    const dayIn = inList(engine, batch.length, 2);
    await tx.$executeRawUnsafe(
      `DELETE FROM "UsageDayTotal" WHERE "workspaceId" = ${placeholder(engine, 1)} AND "day" IN ${dayIn}`,
      ...params,
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO "UsageDayTotal" ("workspaceId", "day", "product", "model", "provider", "inputTokens", "cachedInputTokens",
         "outputTokens", "requests", "estimatedCostMicros", "costMicros", "creditsMicros", "seatEstimateMicros", "seatCreditsMicros", "unpricedRequests")
       SELECT "workspaceId", "day", "product", "model", "provider", SUM("inputTokens"), SUM("cachedInputTokens"),
         SUM("outputTokens"), SUM("requests"), SUM("estimatedCostMicros"), SUM("costMicros"), SUM("creditsMicros"), SUM("seatEstimateMicros"), SUM("seatCreditsMicros"), SUM("unpricedRequests")
       FROM "UsageDailyRollup"
       WHERE "workspaceId" = ${placeholder(engine, 1)} AND "day" IN ${dayIn}
       GROUP BY "workspaceId", "day", "product", "model", "provider"`,
      ...params,
    );
  }
}
