/**
 * The Overview's numbers for a scope and a range (this budget period by default): spend in
 * USD and credits with the billed vs list-price split, change vs the previous equal range,
 * the forecast to period end with its band and the days a limit runs out (lib/forecast/projection.ts), the daily
 * trend stacked by a dimension, top members, spend by product / model / group,
 * unattributed and unpriced amounts, and "data as of" per source. Reads rollups only.
 */
import "server-only";

import type { SpendScope } from "../auth/scope";
import { inBudgetUnit, type Unit } from "../core/money";
import { currentPeriod, daysLeft, eachDay, todayIn, type Period } from "../core/period";
import { historyRange } from "../forecast/history";
import { project, type Projection } from "../forecast/projection";
import { pooledCapFor } from "../limits/pooled-cap";
import type { Db } from "../server/db";
import type { AnalyticsContext, Metrics } from "./analytics-types";
import { widgetBreakdown } from "./breakdown";
import { dailyByKey, totalsFor, workspaceOf } from "./breakdown-read";
import { changePct, ratioPct } from "./breakdown-shape";
import type { BreakdownBasis } from "./breakdown-types";
import type { SpendTotals } from "./daily";
import { keyLabel, type Filters } from "./filters";
import { rangeSpecSchema, resolveRange, type RangeSpec, type ResolvedRange } from "./range";

export const STACK_DIMENSIONS = ["product", "model", "provider", "group"] as const;
export type StackDimension = (typeof STACK_DIMENSIONS)[number];

/** Series beyond this many are summed into "Other" so a chart stays readable. */
const MAX_SERIES = 8;
export const OTHER = "~other";

export interface Slice {
  key: string;
  label: string;
  href: string | null;
  amountMicros: bigint;
  sharePct: number;
}

export interface SourceStatus {
  name: string;
  kind: string;
  dataAsOf: string | null;
  lastSyncAt: string | null;
  lastStatus: string | null;
}

export interface OverviewData {
  scope: { kind: SpendScope["kind"]; label: string };
  unit: Unit;
  /** the budget period containing today (projection, days left) */
  period: Period;
  range: ResolvedRange;
  today: string;
  daysLeft: number;
  totals: SpendTotals;
  metrics: Metrics;
  previousAmountMicros: bigint;
  changePct: number | null;
  unattributedCostMicros: bigint;
  unattributedMicros: bigint;
  unpricedRequests: bigint;
  /** in the budget unit */
  spentMicros: bigint;
  /** only for the current budget period: the forecast's mid, and its band */
  projectedMicros: bigint;
  projectedLowMicros: bigint;
  projectedHighMicros: bigint;
  /** a pooled cap on this scope (workspace cap, or the managed groups' caps), if any */
  limitMicros: bigint | null;
  /** the earliest day the limit is reached (the band's high side), if within the period */
  runOutDay: string | null;
  /** the latest (the band's low side); null = maybe not this period */
  runOutLatestDay: string | null;
  /** the days after today in the range: expected daily spend and its band, for the chart */
  forecastDays: { day: string; lowMicros: bigint; midMicros: bigint; highMicros: bigint }[];
  stackBy: StackDimension;
  /** stack keys (legacy name: the stacked series, in order) */
  products: string[];
  seriesLabels: Record<string, string>;
  /** per day, per series key, in the budget unit; every day of the range present */
  daily: { day: string; byProduct: Record<string, bigint>; totalMicros: bigint }[];
  topMembers: { memberId: string; name: string; email: string; amountMicros: bigint }[];
  byProduct: Slice[];
  byModel: Slice[];
  byGroup: Slice[];
  groupsOverlap: boolean;
  dataAsOf: string | null;
  sources: SourceStatus[];
}

export interface OverviewOptions {
  range?: RangeSpec;
  stackBy?: StackDimension;
  filters?: Filters;
}

function slices(
  rows: { key: string; label: string; href: string | null; amountMicros: bigint }[],
  total: bigint,
): Slice[] {
  return rows.slice(0, MAX_SERIES).map((r) => ({
    key: r.key,
    label: r.label,
    href: r.href,
    amountMicros: r.amountMicros,
    sharePct: ratioPct(r.amountMicros, total) ?? 0,
  }));
}

export async function getOverview(
  db: Db,
  scope: SpendScope,
  now: Date,
  opts: OverviewOptions = {},
): Promise<OverviewData> {
  const ctx: AnalyticsContext = { db, scope, now };
  const spec = opts.range ?? rangeSpecSchema.parse({});
  const filters = opts.filters ?? {};
  const stackBy = opts.stackBy ?? "product";
  const ws = await workspaceOf(db, scope);
  const unit = ws.unit;
  const today = todayIn(ws.timezone, now);
  const period = currentPeriod(ws.budgetPeriod, ws.timezone, now);
  const range = resolveRange(spec, ws.budgetPeriod, today);
  const q = { sort: "amount", dir: "desc", page: 1, pageSize: MAX_SERIES } as const;

  // one workspace read and one totals read for every widget
  const totalsRead = totalsFor(ctx, unit, filters, range);
  const basis: BreakdownBasis = { workspace: ws, range, totals: () => totalsRead };
  const [totals, byStack, members, products, models, groups, limit, connections, history] =
    await Promise.all([
      totalsRead,
      dailyByKey(ctx, unit, stackBy, filters, range, null),
      scope.kind === "self"
        ? null
        : widgetBreakdown(ctx, basis, filters, { ...q, dimension: "member", pageSize: 10 }),
      widgetBreakdown(ctx, basis, filters, { ...q, dimension: "product" }),
      widgetBreakdown(ctx, basis, filters, { ...q, dimension: "model" }),
      scope.kind === "self"
        ? null
        : widgetBreakdown(ctx, basis, filters, { ...q, dimension: "group" }),
      pooledCapFor(db, scope, now),
      db.connection.findMany({
        where: { workspaceId: scope.workspaceId, enabled: true },
        orderBy: { name: "asc" },
        select: { name: true, kind: true, dataAsOf: true, lastSyncAt: true, lastStatus: true },
      }),
      // the scope's own daily spend (same filters) over the forecast's lookback
      range.isCurrentPeriod
        ? dailyByKey(ctx, unit, "product", filters, historyRange(today), null)
        : Promise.resolve([]),
    ]);

  // Stack: the biggest series by total over the range; the rest as "Other".
  const perKey = new Map<string, bigint>();
  for (const s of byStack) perKey.set(s.key, (perKey.get(s.key) ?? 0n) + s.amountMicros);
  const ordered = [...perKey.entries()]
    .sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : a[0] < b[0] ? -1 : 1))
    .map(([k]) => k);
  const shown = ordered.length > MAX_SERIES ? ordered.slice(0, MAX_SERIES - 1) : ordered;
  const shownSet = new Set(shown);
  const series = ordered.length > shown.length ? [...shown, OTHER] : shown;
  const days = new Map(
    eachDay(range.start, range.end).map((d) => [
      d,
      { day: d, byProduct: {} as Record<string, bigint>, totalMicros: 0n },
    ]),
  );
  for (const s of byStack) {
    const bucket = days.get(s.day);
    if (!bucket) continue;
    const k = shownSet.has(s.key) ? s.key : OTHER;
    bucket.byProduct[k] = (bucket.byProduct[k] ?? 0n) + s.amountMicros;
    // a member in two groups is stacked in both; the day's total counts them once below
    if (stackBy !== "group") bucket.totalMicros += s.amountMicros;
  }
  const seriesLabels: Record<string, string> = {};
  if (stackBy === "group") {
    const names = await db.group.findMany({
      where: { workspaceId: scope.workspaceId, id: { in: shown } },
      select: { id: true, name: true },
    });
    for (const k of shown) seriesLabels[k] = keyLabel("group", k);
    for (const g of names) seriesLabels[g.id] = g.name;
    const perDay = await dailyByKey(ctx, unit, "product", filters, range, null);
    for (const s of perDay) {
      const bucket = days.get(s.day);
      if (bucket) bucket.totalMicros += s.amountMicros;
    }
  } else for (const k of shown) seriesLabels[k] = keyLabel(stackBy, k);
  seriesLabels[OTHER] = "Other";

  const spent = totals.amountMicros;
  let projection: Projection | null = null;
  if (range.isCurrentPeriod) {
    const perDay = new Map<string, bigint>();
    for (const r of history) perDay.set(r.day, (perDay.get(r.day) ?? 0n) + r.amountMicros);
    projection = project({
      usedMicros: spent,
      remainingMicros: limit === null ? null : limit - spent,
      period,
      today,
      history: perDay,
    });
  }
  // The member breakdown's "" row is the unattributed usage (it is always ranked: members
  // are fetched 10 at a time, so look it up in a dedicated query only when it is not on the page).
  const unattributedRow = members?.rows.find((r) => r.key === "") ?? null;
  const unattributedTotals =
    scope.kind !== "workspace"
      ? null
      : (unattributedRow ?? (await totalsFor(ctx, unit, { ...filters, member: [""] }, range)));
  return {
    scope: { kind: scope.kind, label: scope.label },
    unit,
    period,
    range,
    today,
    daysLeft: daysLeft(period, today),
    totals: {
      costMicros: totals.costMicros,
      estimatedCostMicros: totals.estimatedCostMicros,
      creditsMicros: totals.creditsMicros,
      seatMicros: totals.seatMicros,
    },
    metrics: totals,
    previousAmountMicros: totals.previousAmountMicros,
    changePct: changePct(spent, totals.previousAmountMicros),
    unattributedCostMicros: unattributedTotals?.costMicros ?? 0n,
    unattributedMicros: unattributedTotals ? inBudgetUnit(unit, unattributedTotals) : 0n,
    unpricedRequests: totals.unpricedRequests,
    spentMicros: spent,
    projectedMicros: projection?.projectedMicros ?? spent,
    projectedLowMicros: projection?.projectedLowMicros ?? spent,
    projectedHighMicros: projection?.projectedHighMicros ?? spent,
    limitMicros: limit,
    runOutDay: projection?.exhaustionDay ?? null,
    runOutLatestDay: projection?.exhaustionLatestDay ?? null,
    forecastDays: (projection?.forecast.days ?? []).filter((d) => d.day <= range.end),
    stackBy,
    products: series,
    seriesLabels,
    daily: [...days.values()],
    topMembers: (members?.rows ?? [])
      .filter((r) => r.key !== "")
      .map((r) => ({
        memberId: r.key,
        name: r.label,
        email: r.sublabel ?? "",
        amountMicros: r.amountMicros,
      })),
    byProduct: slices(products.rows, spent),
    byModel: slices(models.rows, spent),
    byGroup: groups ? slices(groups.rows, spent) : [],
    // the groups widget's rows are summed whole (no count query for a few hundred groups)
    groupsOverlap: Boolean(
      groups &&
      groups.rowsSumMicros !== null &&
      groups.rowsSumMicros !== groups.totals.amountMicros,
    ),
    dataAsOf: connections.reduce<string | null>(
      (max, c) => (c.dataAsOf && (!max || c.dataAsOf > max) ? c.dataAsOf : max),
      null,
    ),
    sources: connections.map((c) => ({
      name: c.name,
      kind: c.kind,
      dataAsOf: c.dataAsOf,
      lastSyncAt: c.lastSyncAt?.toISOString() ?? null,
      lastStatus: c.lastStatus,
    })),
  };
}
