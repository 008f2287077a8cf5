/**
 * The breakdown's last step: grouped figures → the rows and the DTO the screens show
 * (labels, share, change, cache-hit ratio, sort order, sparklines). Pure.
 */
import { percentOf } from "../core/money";
import { USAGE_SUM_KEYS } from "../core/usage-sums";
import type { Grouped, Metrics } from "./analytics-types";
import type { BreakdownQuery, SortKey } from "./breakdown-query";
import type { Breakdown, BreakdownBasis, BreakdownRow, RowLabel } from "./breakdown-types";
import { keyLabel, type Dimension } from "./filters";

/** A share with one decimal (money.ts percentOf), or null when there is nothing to compare with. */
export function ratioPct(part: bigint, whole: bigint): number | null {
  return whole === 0n ? null : percentOf(part, whole);
}

export function changePct(current: bigint, previous: bigint): number | null {
  if (previous === 0n) return null;
  return Number(((current - previous) * 1000n) / previous) / 10;
}

const METRIC_KEYS = [
  "amountMicros",
  ...USAGE_SUM_KEYS,
  "unpricedRequests",
  "seatMicros",
] as const satisfies readonly (keyof Metrics)[];

/**
 * Only the figures of a row (no key, label or ratios); zeros for a row that is not there.
 * (Typed as Metrics: a figure missing from METRIC_KEYS fails to compile here.)
 */
export function metricsOnly(row: Metrics | undefined): Metrics {
  return Object.fromEntries(METRIC_KEYS.map((k) => [k, row?.[k] ?? 0n])) as Record<
    (typeof METRIC_KEYS)[number],
    bigint
  >;
}

/** One key's figures as a row: its label (the key's own when none is given) and its ratios. */
export function toRow(
  dimension: Dimension,
  g: Grouped,
  totalMicros: bigint,
  l?: RowLabel,
): BreakdownRow {
  return {
    ...g,
    label: l?.label ?? keyLabel(dimension, g.key),
    sublabel: l?.sublabel ?? null,
    href: l?.href ?? null,
    sharePct: ratioPct(g.amountMicros, totalMicros) ?? 0,
    changePct: changePct(g.amountMicros, g.previousAmountMicros),
    cacheHitPct: ratioPct(g.cachedInputTokens, g.inputTokens),
    sparkline: [],
  };
}

/** Keys that only had spend in the previous range are not rows of this view. */
export function hasCurrentUsage(g: Grouped): boolean {
  return (
    g.amountMicros !== 0n ||
    g.requests !== 0n ||
    g.costMicros !== 0n ||
    g.creditsMicros !== 0n ||
    g.seatMicros !== 0n
  );
}

function compare(sort: SortKey, a: BreakdownRow, b: BreakdownRow): number {
  const big = (x: bigint, y: bigint) => (x < y ? -1 : x > y ? 1 : 0);
  const num = (x: number | null, y: number | null) => (x ?? -Infinity) - (y ?? -Infinity);
  switch (sort) {
    case "label":
      return a.label.localeCompare(b.label, "en");
    case "change":
      return num(a.changePct, b.changePct);
    case "requests":
      return big(a.requests, b.requests);
    case "tokens":
      return big(a.inputTokens + a.outputTokens, b.inputTokens + b.outputTokens);
    case "cacheHit":
      return num(a.cacheHitPct, b.cacheHitPct);
    case "cost":
      return big(a.costMicros, b.costMicros);
    case "credits":
      return big(a.creditsMicros, b.creditsMicros);
    default:
      return big(a.amountMicros, b.amountMicros);
  }
}

/** Rows in the query's order, ties by key (ascending, as SQL pages them). */
export function sortRows(rows: BreakdownRow[], sort: SortKey, dir: "asc" | "desc"): void {
  const sign = dir === "asc" ? 1 : -1;
  rows.sort((a, b) => sign * compare(sort, a, b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Page rows with their labels and their daily series over `days` (zeros where a key spent
 * nothing that day, and for every day when no series was read).
 */
export function withLabelsAndSparklines(
  rows: BreakdownRow[],
  days: string[],
  labels: Map<string, RowLabel>,
  series: { key: string; day: string; amountMicros: bigint }[],
): BreakdownRow[] {
  const index = new Map(days.map((d, i) => [d, i]));
  const spark = new Map(rows.map((r) => [r.key, days.map(() => 0n)]));
  for (const s of series) {
    const i = index.get(s.day);
    const arr = spark.get(s.key);
    if (i !== undefined && arr) arr[i] = arr[i]! + s.amountMicros;
  }
  return rows.map((r) => ({
    ...r,
    ...(labels.get(r.key) ?? {}),
    sparkline: spark.get(r.key) ?? [],
  }));
}

export function breakdownOf(
  q: BreakdownQuery,
  basis: Omit<BreakdownBasis, "totals">,
  days: string[],
  read: Pick<Breakdown, "rows" | "totalRows" | "rowsSumMicros" | "totals">,
): Breakdown {
  return {
    dimension: q.dimension,
    unit: basis.workspace.unit,
    range: basis.range,
    days,
    rows: read.rows,
    totalRows: read.totalRows,
    page: q.page,
    pageSize: q.pageSize,
    sort: q.sort,
    dir: q.dir,
    totals: read.totals,
    rowsSumMicros: read.rowsSumMicros,
    overlapping: q.dimension === "group",
  };
}
