/**
 * The breakdown: spend grouped by one dimension, filtered on others, with totals, share,
 * change vs the previous equal period, tokens, requests, cache-hit ratio and a daily
 * sparkline per row. Sorted and paginated on the server.
 *
 * One entry point per consumer, each with what it shows (breakdown-plan.ts's needs); every
 * one runs the same three steps: plan (breakdown-plan.ts: which reads) → read
 * (breakdown-read.ts through grouped-sums.ts and sql-builder.ts) → shape (breakdown-shape.ts:
 * rows and the DTO).
 */
import "server-only";

import { eachDay, todayIn } from "../core/period";
import type { AnalyticsContext } from "./analytics-types";
import { EVERY_ROW, EXPLORER, planBreakdown, WIDGET, type BreakdownNeeds } from "./breakdown-plan";
import type { BreakdownQuery } from "./breakdown-query";
import { readBreakdownRows, readPageExtras, totalsFor, workspaceOf } from "./breakdown-read";
import { breakdownOf, withLabelsAndSparklines } from "./breakdown-shape";
import type { Breakdown, BreakdownBasis, CountedBreakdown } from "./breakdown-types";
import type { Dimension, Filters } from "./filters";
import { resolveRange, type RangeSpec } from "./range";

/** The Usage explorer (page and API): the query's page, every column, a sparkline per row. */
export async function explorerBreakdown(
  ctx: AnalyticsContext,
  spec: RangeSpec,
  filters: Filters,
  q: BreakdownQuery,
): Promise<CountedBreakdown> {
  return counted(await run(ctx, await basisOf(ctx, spec, filters), filters, q, EXPLORER));
}

/** The explorer's CSV export: every row of the view in its sort order, every figure. */
export async function exportBreakdown(
  ctx: AnalyticsContext,
  spec: RangeSpec,
  filters: Filters,
  q: BreakdownQuery,
): Promise<CountedBreakdown> {
  return counted(await run(ctx, await basisOf(ctx, spec, filters), filters, q, EVERY_ROW));
}

/**
 * The member, group and My budget pages: every row of one dimension, dearest first, every
 * figure (they show usage per product / model / person).
 */
export async function summaryBreakdown(
  ctx: AnalyticsContext,
  spec: RangeSpec,
  filters: Filters,
  dimension: Dimension,
): Promise<CountedBreakdown> {
  const q: BreakdownQuery = { dimension, sort: "amount", dir: "desc", page: 1, pageSize: 200 };
  return counted(await run(ctx, await basisOf(ctx, spec, filters), filters, q, EVERY_ROW));
}

/**
 * An Overview widget (top members, products, models, groups): the query's page of amounts,
 * no change, no sparkline; read against the Overview's settings and totals, which its
 * widgets share.
 */
export function widgetBreakdown(
  ctx: AnalyticsContext,
  basis: BreakdownBasis,
  filters: Filters,
  q: BreakdownQuery,
): Promise<Breakdown> {
  return run(ctx, basis, filters, q, WIDGET);
}

/** The entry points whose needs count rows get counted breakdowns (needs.count). */
function counted(b: Breakdown): CountedBreakdown {
  const { totalRows, rowsSumMicros } = b;
  if (totalRows === null || rowsSumMicros === null)
    throw new Error("a breakdown whose needs count its rows came back uncounted");
  return { ...b, totalRows, rowsSumMicros };
}

async function basisOf(
  ctx: AnalyticsContext,
  spec: RangeSpec,
  filters: Filters,
): Promise<BreakdownBasis> {
  const workspace = await workspaceOf(ctx.db, ctx.scope);
  const range = resolveRange(spec, workspace.budgetPeriod, todayIn(workspace.timezone, ctx.now));
  return { workspace, range, totals: () => totalsFor(ctx, workspace.unit, filters, range) };
}

async function run(
  ctx: AnalyticsContext,
  basis: BreakdownBasis,
  filters: Filters,
  q: BreakdownQuery,
  needs: BreakdownNeeds,
): Promise<Breakdown> {
  const plan = planBreakdown(q, needs);
  const read = await readBreakdownRows(ctx, basis, filters, q, plan);
  const days = eachDay(basis.range.start, basis.range.end);
  if (needs.rows === "page") {
    const extras = await readPageExtras(ctx, basis, filters, q.dimension, read, needs.sparkline);
    read.rows = withLabelsAndSparklines(read.rows, days, extras.labels, extras.series);
  }
  return breakdownOf(q, basis, days, read);
}
