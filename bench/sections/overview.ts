/**
 * Overview: the app's getOverview against its own SQL statements replayed through the
 * driver (see breakdowns.ts), (a) hand-written SQL over the daily rollup, as prepared
 * statements in the engine's own driver, and (b) the naive scan of the raw usage table —
 * same numbers, checked to agree.
 */
import { getOverview } from "../../lib/analytics/overview";
import type { SpendScope } from "../../lib/auth/scope";
import { addDays, currentPeriod, dayStart } from "../../lib/core/period";
import { big } from "../baseline";
import { latency, round, sample } from "../stats";
import { ownStatements } from "./breakdowns";
import type { BenchContext, Section } from "./index";
import { benchScopes } from "./scopes";

interface Input {
  scope: SpendScope;
  now: Date;
}

function memberFilter(scope: SpendScope, column: string): { sql: string; params: string[] } {
  if (!scope.memberIds) return { sql: "", params: [] };
  return {
    sql: ` AND ${column} IN (${scope.memberIds.map(() => "?").join(",")})`,
    params: scope.memberIds,
  };
}

async function handWritten(ctx: BenchContext, input: Input, table: "rollup" | "raw") {
  const period = currentPeriod("MONTHLY", "UTC", input.now);
  const from = table === "rollup" ? `"UsageDailyRollup"` : `"UsageRecord"`;
  const memberCol = table === "rollup" ? `"memberKey"` : `COALESCE("memberId", '')`;
  const f = memberFilter(input.scope, memberCol);
  const base = [ctx.workspaceId, period.start, period.end];
  const daily = await ctx.raw.all(
    `SELECT "day", "product", SUM("costMicros") AS c, SUM("estimatedCostMicros") AS e, SUM("creditsMicros") AS cr
     FROM ${from} WHERE "workspaceId" = ? AND "day" BETWEEN ? AND ?${f.sql} GROUP BY "day", "product"`,
    [...base, ...f.params],
  );
  const top = await ctx.raw.all(
    `SELECT ${memberCol} AS m, SUM("creditsMicros") AS cr, SUM("costMicros") AS c
     FROM ${from} WHERE "workspaceId" = ? AND "day" BETWEEN ? AND ?${f.sql} GROUP BY ${memberCol} ORDER BY cr DESC LIMIT 11`,
    [...base, ...f.params],
  );
  return {
    credits: daily.reduce((s, r) => s + big(r.cr), 0n),
    cost: daily.reduce((s, r) => s + big(r.c), 0n),
    topCount: top.length,
  };
}

export const overviewSection: Section = {
  name: "overview",
  async run(ctx) {
    const scopes = await benchScopes(ctx);
    const nows = [0, 31, 62].map(
      (back) => new Date(dayStart(addDays(ctx.spec.endDay, -back)).getTime() + 12 * 3600_000),
    );
    const inputs: Input[] = nows.flatMap((now) => scopes.map((scope) => ({ scope, now })));
    // its own SQL first: capturing runs the app once per input, so the app and its replay
    // are then both timed on warm caches (the first reader of an input pays for cold pages)
    const own = await ownStatements(inputs, (i) => getOverview(ctx.db, i.scope, i.now), ctx);
    const app = await sample(inputs, (i) => getOverview(ctx.db, i.scope, i.now));
    const best = await sample(inputs, (i) => handWritten(ctx, i, "rollup"));
    const naiveInputs = ctx.small ? inputs : inputs.filter((_, k) => k % 4 === 0);
    const naive = await sample(naiveInputs, (i) => handWritten(ctx, i, "raw"), false);
    let mismatches = 0;
    inputs.forEach((_, k) => {
      const a = app.results[k]!;
      const b = best.results[k]!;
      if (a.totals.creditsMicros !== b.credits || a.totals.costMicros !== b.cost) mismatches++;
    });
    naiveInputs.forEach((input, k) => {
      const b = best.results[inputs.indexOf(input)]!;
      if (naive.results[k]!.credits !== b.credits) mismatches++;
    });
    const appL = latency(app.samples);
    const bestL = latency(best.samples);
    const ownL = latency(own.samples);
    return {
      app: appL,
      app_sql_replayed_by_driver: ownL,
      ratio_app_vs_its_sql_by_driver_p95: round(appL.p95_ms / Math.max(ownL.p95_ms, 0.01)),
      hand_written_sql_on_rollups: bestL,
      naive_sql_on_raw_usage: latency(naive.samples),
      ratio_app_vs_hand_written_p95: round(appL.p95_ms / Math.max(bestL.p95_ms, 0.01)),
      all_three_agree: mismatches === 0,
      mismatches,
    };
  },
};
