/**
 * Breakdowns (member, group, cost center, product, model): the app's explorerBreakdown against
 * (a) its own SQL statements replayed through the driver (bench/baseline.ts captureStatements:
 * the best SQL we have for these numbers, without the ORM and the app's JavaScript),
 * (b) plain hand-written SQL over the daily rollup and (c) the naive scan of the raw usage
 * table, for varied scopes and ranges. The app, (b) and (c) must agree on the filtered total
 * and the top rows.
 */
import { explorerBreakdown } from "../../lib/analytics/breakdown";
import { resolveRange, type RangeSpec } from "../../lib/analytics/range";
import type { SpendScope } from "../../lib/auth/scope";
import { big, captureStatements, replay, type Statement } from "../baseline";
import { latency, round, sample } from "../stats";
import type { BenchContext, Section } from "./index";
import { benchScopes } from "./scopes";

const DIMENSIONS = ["member", "group", "costCenter", "product", "model"] as const;
type Dim = (typeof DIMENSIONS)[number];
const RANGES: RangeSpec[] = [{ range: "period" }, { range: "last-period" }, { range: "30d" }];

interface Input {
  scope: SpendScope;
  spec: RangeSpec;
}

function keyExpr(dim: Dim, memberCol: string): { select: string; join: string } {
  switch (dim) {
    case "member":
      return { select: memberCol, join: "" };
    case "group":
      // like the app: a member in two groups counts in both; unattributed and no-group usage are rows too
      return {
        select: `CASE WHEN ${memberCol} = '' THEN '' ELSE COALESCE(gm."groupId", '~none') END`,
        join: ` LEFT JOIN "GroupMember" gm ON gm."memberId" = ${memberCol}`,
      };
    case "costCenter":
      return {
        select: `COALESCE(m."costCenter", '')`,
        join: ` LEFT JOIN "Member" m ON m."id" = ${memberCol}`,
      };
    default:
      return { select: `u."${dim}"`, join: "" };
  }
}

async function handWritten(ctx: BenchContext, dim: Dim, input: Input, table: "rollup" | "raw") {
  const range = resolveRange(input.spec, "MONTHLY", ctx.spec.endDay);
  const from = table === "rollup" ? `"UsageDailyRollup" u` : `"UsageRecord" u`;
  const memberCol = table === "rollup" ? `u."memberKey"` : `COALESCE(u."memberId", '')`;
  const k = keyExpr(dim, memberCol);
  const memberFilter = input.scope.memberIds
    ? ` AND ${memberCol} IN (${input.scope.memberIds.map(() => "?").join(",")})`
    : "";
  const params = [
    ctx.workspaceId,
    range.toDate.start,
    range.toDate.end,
    ...(input.scope.memberIds ?? []),
  ];
  const where = `u."workspaceId" = ? AND u."day" BETWEEN ? AND ?${memberFilter}`;
  const top = await ctx.raw.all(
    `SELECT ${k.select} AS k, SUM(u."creditsMicros") AS amount FROM ${from}${k.join} WHERE ${where} GROUP BY ${k.select} ORDER BY amount DESC LIMIT 25`,
    params,
  );
  const total = await ctx.raw.all(
    `SELECT SUM(u."creditsMicros") AS amount FROM ${from} WHERE ${where}`,
    params,
  );
  return { top: top.map((r) => big(r.amount)), total: big(total[0]?.amount) };
}

/** The app's own SQL for each input, captured once and then timed through the driver alone. */
export async function ownStatements<I>(
  inputs: I[],
  call: (input: I) => Promise<unknown>,
  ctx: BenchContext,
) {
  const captured: Statement[][] = [];
  for (const input of inputs)
    captured.push((await captureStatements(ctx.db, () => call(input))).statements);
  return sample(captured, (statements) => replay(ctx.raw, statements));
}

export const breakdownsSection: Section = {
  name: "breakdowns",
  async run(ctx) {
    const scopes = await benchScopes(ctx);
    const inputs: Input[] = RANGES.flatMap((spec) =>
      scopes.filter((_, i) => i < 6 || i % 3 === 0).map((scope) => ({ scope, spec })),
    );
    const now = new Date(`${ctx.spec.endDay}T12:00:00Z`);
    const out: Record<string, unknown> = {};
    for (const dim of DIMENSIONS) {
      // its own SQL first: capturing runs the app once per input, so the app and its replay
      // are then both timed on warm caches (the first reader of an input pays for cold pages)
      const own = await ownStatements(
        inputs,
        (i) =>
          explorerBreakdown(
            { db: ctx.db, scope: i.scope, now },
            i.spec,
            {},
            { dimension: dim, sort: "amount", dir: "desc", page: 1, pageSize: 25 },
          ),
        ctx,
      );
      const app = await sample(inputs, (i) =>
        explorerBreakdown(
          { db: ctx.db, scope: i.scope, now },
          i.spec,
          {},
          { dimension: dim, sort: "amount", dir: "desc", page: 1, pageSize: 25 },
        ),
      );
      const best = await sample(inputs, (i) => handWritten(ctx, dim, i, "rollup"));
      const naiveInputs = ctx.small ? inputs : inputs.filter((_, k) => k % 5 === 0);
      const naive = await sample(naiveInputs, (i) => handWritten(ctx, dim, i, "raw"), false);
      let mismatches = 0;
      inputs.forEach((_, k) => {
        const a = app.results[k]!;
        const b = best.results[k]!;
        const appTop = a.rows.map((r) => r.amountMicros);
        if (a.totals.amountMicros !== b.total || appTop.join() !== b.top.join()) mismatches++;
      });
      naiveInputs.forEach((input, k) => {
        const b = best.results[inputs.indexOf(input)]!;
        if (naive.results[k]!.total !== b.total || naive.results[k]!.top.join() !== b.top.join())
          mismatches++;
      });
      const appL = latency(app.samples);
      const bestL = latency(best.samples);
      const ownL = latency(own.samples);
      out[dim] = {
        app: appL,
        app_sql_replayed_by_driver: ownL,
        ratio_app_vs_its_sql_by_driver_p95: round(appL.p95_ms / Math.max(ownL.p95_ms, 0.01)),
        hand_written_sql_on_rollups: bestL,
        naive_sql_on_raw_usage: latency(naive.samples),
        ratio_app_vs_hand_written_p95: round(appL.p95_ms / Math.max(bestL.p95_ms, 0.01)),
        all_three_agree: mismatches === 0,
        mismatches,
      };
      ctx.log(
        `breakdown ${dim}: app p95 ${appL.p95_ms} ms, its SQL through the driver p95 ${ownL.p95_ms} ms, hand-written over the daily rollup p95 ${bestL.p95_ms} ms`,
      );
    }
    return out;
  },
};
