/**
 * The breakdown explorer's question: spend grouped by one dimension, filtered on others,
 * with totals, share, change vs the previous equal period, tokens, requests, cache-hit
 * ratio and a daily sparkline per row. Sorted and paginated on the server.
 */
import "server-only";

import { NotFoundError } from "../core/errors";
import type { Unit } from "../core/money";
import { eachDay, todayIn, type BudgetPeriod } from "../core/period";
import { engineOf, type Db } from "../db";
import { toBigInt } from "../sql";
import { readRows } from "../sqlite-reader";
import type { AnalyticsContext, Metrics } from "./analytics-types";
import type { BreakdownQuery, SortKey } from "./breakdown-query";
import { keyLabel, NONE, UNATTRIBUTED, type Dimension, type Filters } from "./filters";
import {
  canPageInSql,
  metricsOf,
  narrowTo,
  pagedSums,
  sumsByKey,
  sumsForKeys,
  type Grouped,
} from "./grouped-sums";
import { resolveRange, type RangeSpec, type ResolvedRange } from "./range";
import type { SpendScope } from "./scope";
import {
  amountColumn,
  dimensionKey,
  joinInOrder,
  membersOf,
  namedKeys,
  Params,
  sourceFor,
  tableRef,
  viaMember,
  whereClause,
} from "./sql-builder";

export interface BreakdownRow extends Metrics {
  key: string;
  label: string;
  sublabel: string | null;
  /** drill-down page, when the row is a member or a group */
  href: string | null;
  previousAmountMicros: bigint;
  /** display-only ratios, one decimal; null when there is nothing to compare with */
  sharePct: number;
  changePct: number | null;
  cacheHitPct: number | null;
  /** daily amounts in the budget unit over the range, one per day of `days` */
  sparkline: bigint[];
}

export type { AnalyticsContext, Metrics };

export { SORTS, breakdownQuerySchema, type SortKey, type BreakdownQuery } from "./breakdown-query";

export interface Breakdown {
  dimension: Dimension;
  unit: Unit;
  range: ResolvedRange;
  days: string[];
  rows: BreakdownRow[];
  totalRows: number;
  page: number;
  pageSize: number;
  sort: SortKey;
  dir: "asc" | "desc";
  /** the filtered total, each usage row counted once (group rows may overlap) */
  totals: Metrics & { previousAmountMicros: bigint };
  /** sum of the rows' amounts; differs from totals only for the group dimension */
  rowsSumMicros: bigint;
  overlapping: boolean;
}

export { metricsOf } from "./grouped-sums";

type Raw = Record<string, unknown>;

export function ratioPct(part: bigint, whole: bigint): number | null {
  if (whole === 0n) return null;
  return Number((part * 1000n) / whole) / 10;
}

export function changePct(current: bigint, previous: bigint): number | null {
  if (previous === 0n) return null;
  return Number(((current - previous) * 1000n) / previous) / 10;
}

/** The settings every analytics question needs: budget unit, budget period, timezone. */
export async function workspaceOf(db: Db, scope: SpendScope) {
  const p = new Params(engineOf(db));
  const [ws] = await readRows<{ budgetUnit: string; budgetPeriod: string; timezone: string }>(
    db,
    `SELECT "budgetUnit", "budgetPeriod", "timezone" FROM "Workspace" WHERE "id" = ${p.add(scope.workspaceId)}`,
    p.values,
  );
  if (!ws) throw new NotFoundError("workspace");
  return {
    timezone: ws.timezone,
    unit: ws.budgetUnit as Unit,
    budgetPeriod: ws.budgetPeriod as BudgetPeriod,
  };
}

/** Filtered totals over a range (and the previous equal range), each usage row once. */
export async function totalsFor(
  ctx: AnalyticsContext,
  unit: Unit,
  filters: Filters,
  range: ResolvedRange,
) {
  const [row] = await sumsByKey(ctx, engineOf(ctx.db), unit, null, filters, {
    previous: range.previous,
    current: range,
  });
  const { key: _key, ...totals } = row ?? { key: "", ...metricsOf({}), previousAmountMicros: 0n };
  return totals;
}

/** Grouped current + previous amounts for every key of a dimension (no pagination). */
function groupedRows(
  ctx: AnalyticsContext,
  unit: Unit,
  dimension: Dimension,
  filters: Filters,
  range: ResolvedRange,
  withPrevious: boolean,
  lean: boolean,
) {
  return sumsByKey(
    ctx,
    engineOf(ctx.db),
    unit,
    dimension,
    filters,
    withPrevious ? { previous: range.previous, current: range } : { current: range },
    lean,
  );
}

/** Daily amounts per key for the given keys (every key when null), over the range. */
export async function dailyByKey(
  ctx: AnalyticsContext,
  unit: Unit,
  dimension: Dimension,
  filters: Filters,
  range: { start: string; end: string },
  keys: string[] | null,
): Promise<{ key: string; day: string; amountMicros: bigint }[]> {
  const engine = engineOf(ctx.db);
  const amount = `SUM(${amountColumn(unit)}) AS "amount"`;
  if (keys && viaMember(dimension) && !sourceFor(dimension, filters, ctx.scope).perKey) {
    // A page of named groups / cost centers: driven from their members (see membersOf); the rest narrowed.
    const named = namedKeys(keys);
    const others = keys.filter((k) => !named.includes(k));
    const [byMembers, rest] = await Promise.all([
      (async () => {
        if (!named.length) return [];
        const src = sourceFor(dimension, { ...filters, [dimension]: named }, ctx.scope);
        const p = new Params(engine);
        const from = `(${membersOf(dimension, named, ctx.scope, p)}) x ${joinInOrder(engine)} ${src.table} r ON ${src.member} = x."mk"`;
        const sql = `SELECT x."k" AS "k", r."day" AS "day", ${amount} FROM ${from} WHERE ${whereClause(src, ctx.scope, filters, range, p)} GROUP BY x."k", r."day"`;
        return dailyRows(await readRows<Raw>(ctx.db, sql, p.values));
      })(),
      others.length
        ? dailyGeneric(ctx, unit, dimension, { ...filters, [dimension]: others }, range, others)
        : Promise.resolve([]),
    ]);
    return [...byMembers, ...rest];
  }
  return dailyGeneric(ctx, unit, dimension, filters, range, keys);
}

async function dailyGeneric(
  ctx: AnalyticsContext,
  unit: Unit,
  dimension: Dimension,
  filters: Filters,
  range: { start: string; end: string },
  keys: string[] | null,
) {
  const amount = `SUM(${amountColumn(unit)}) AS "amount"`;
  const src = sourceFor(dimension, filters, ctx.scope);
  const p = new Params(engineOf(ctx.db));
  const { key, joins } = dimensionKey(src, dimension, filters, p);
  let where = whereClause(src, ctx.scope, filters, range, p);
  if (keys) where += keys.length ? ` AND ${key} IN ${p.list(keys)}` : " AND 1 = 0";
  const sql = `SELECT ${key} AS "k", r."day" AS "day", ${amount} FROM ${tableRef(src, p.engine, ctx.scope, filters)} ${joins} WHERE ${where} GROUP BY ${key}, r."day"`;
  return dailyRows(await readRows<Raw>(ctx.db, sql, p.values));
}

function dailyRows(rows: Raw[]) {
  return rows.map((r) => ({
    key: String(r.k ?? ""),
    day: String(r.day),
    amountMicros: toBigInt(r.amount),
  }));
}

/** Member / group names for keys; other dimensions are labelled by their key. */
export async function labelsFor(ctx: AnalyticsContext, dimension: Dimension, keys: string[]) {
  const out = new Map<string, { label: string; sublabel: string | null; href: string | null }>();
  for (const k of keys) out.set(k, { label: keyLabel(dimension, k), sublabel: null, href: null });
  const ids = keys.filter((k) => k !== UNATTRIBUTED && k !== NONE);
  if (!ids.length) return out;
  if (dimension === "member") {
    // by primary key, the workspace checked on the rows: with "workspaceId = ? AND id IN
    // (…)" SQLite (no statistics) walks the workspace's members through a workspace index
    const people = await ctx.db.member.findMany({
      where: { id: { in: ids } },
      select: { id: true, name: true, email: true, workspaceId: true },
    });
    for (const m of people)
      if (m.workspaceId === ctx.scope.workspaceId)
        out.set(m.id, { label: m.name, sublabel: m.email, href: `/members/${m.id}` });
  }
  if (dimension === "group") {
    const p = new Params(engineOf(ctx.db));
    const groups = await readRows<{ id: string; name: string; costCenter: string }>(
      ctx.db,
      `SELECT "id", "name", "costCenter" FROM "Group" WHERE "workspaceId" = ${p.add(ctx.scope.workspaceId)} AND "id" IN ${p.list(ids)}`,
      p.values,
    );
    for (const g of groups)
      out.set(g.id, {
        label: g.name,
        sublabel: `cost center ${g.costCenter}`,
        href: groupHref(ctx.scope, g.id),
      });
  }
  return out;
}

function groupHref(scope: SpendScope, groupId: string): string | null {
  if (scope.kind === "workspace") return `/groups/${groupId}`;
  if (scope.kind === "groups" && scope.managedGroupIds?.includes(groupId))
    return `/groups/${groupId}`;
  return null;
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

/** Sorts that lean sums (amount, cost, credits, requests) can order. */
const LEAN_SORTS = new Set<SortKey>(["amount", "cost", "credits", "requests"]);

export interface BreakdownOptions {
  /** every row, no pagination or sparkline (CSV export) */
  all?: boolean;
  /** skip the per-row daily series (widgets that show no sparkline) */
  noSparkline?: boolean;
  /** skip the previous range (widgets that show no change; halves the rows read) */
  noChange?: boolean;
  /** only amount, cost, credits and requests; tokens, estimates and unpriced read 0 (widgets that show none of them) */
  lean?: boolean;
  /** the workspace and the filtered totals, when the caller has them already (the Overview's widgets share one read) */
  shared?: { workspace: Workspace; totals: Promise<Totals> };
}

type Workspace = Awaited<ReturnType<typeof workspaceOf>>;
type Totals = Awaited<ReturnType<typeof totalsFor>>;

export async function getBreakdown(
  ctx: AnalyticsContext,
  spec: RangeSpec,
  filters: Filters,
  q: BreakdownQuery,
  opts: BreakdownOptions = {},
): Promise<Breakdown> {
  const ws = opts.shared?.workspace ?? (await workspaceOf(ctx.db, ctx.scope));
  const range = resolveRange(spec, ws.budgetPeriod, todayIn(ws.timezone, ctx.now));
  const totalsOf = () => opts.shared?.totals ?? totalsFor(ctx, ws.unit, filters, range);
  const engine = engineOf(ctx.db);
  const days = eachDay(range.start, range.end);
  const toRow = (
    g: Grouped,
    total: bigint,
    l?: { label: string; sublabel: string | null; href: string | null },
  ): BreakdownRow => ({
    ...g,
    label: l?.label ?? keyLabel(q.dimension, g.key),
    sublabel: l?.sublabel ?? null,
    href: l?.href ?? null,
    sharePct: ratioPct(g.amountMicros, total) ?? 0,
    changePct: changePct(g.amountMicros, g.previousAmountMicros),
    cacheHitPct: ratioPct(g.cachedInputTokens, g.inputTokens),
    sparkline: [],
  });
  let rows: BreakdownRow[];
  let totalRows: number;
  let rowsSumMicros: bigint;
  let totals: Totals;
  let labels: Awaited<ReturnType<typeof labelsFor>> | null = null;
  if (!opts.all && canPageInSql(q.dimension, q.sort)) {
    // Sorted and paged in the database (lean sums when the sort allows); the page's rows
    // are then read in full, with their previous range, through the member index.
    const fullRows = !opts.lean && LEAN_SORTS.has(q.sort);
    const [paged, t] = await Promise.all([
      pagedSums(ctx, engine, ws.unit, q.dimension, filters, range, q, opts.lean || fullRows),
      totalsOf(),
    ]);
    totals = t;
    totalRows = paged.totalRows;
    rowsSumMicros = paged.rowsSumMicros;
    const narrowed = narrowTo(
      filters,
      q.dimension,
      paged.rows.map((r) => r.key),
    );
    let page = paged.rows;
    if (narrowed && (fullRows || !opts.noChange)) {
      const ranges = {
        ...(opts.noChange ? {} : { previous: range.previous }),
        ...(fullRows ? { current: range } : {}),
      };
      const byKey = new Map(
        (await sumsByKey(ctx, engine, ws.unit, q.dimension, narrowed, ranges)).map((r) => [
          r.key,
          r,
        ]),
      );
      page = page.map((r) => {
        const g = byKey.get(r.key);
        return {
          ...(fullRows && g ? g : r),
          key: r.key,
          previousAmountMicros: g?.previousAmountMicros ?? 0n,
        };
      });
    }
    rows = page.map((g) => toRow(g, totals.amountMicros));
  } else {
    // Groups and cost centers: rows are summed lean when the sort needs no more, and the
    // previous range (unless the sort is the change) and the full figures are then read for
    // the page's rows only, from their members.
    const pageOnly = !opts.all && viaMember(q.dimension);
    const leanRows = (opts.lean ?? false) || (pageOnly && LEAN_SORTS.has(q.sort));
    const pagePrevious = pageOnly && !opts.noChange && q.sort !== "change";
    const [grouped, t] = await Promise.all([
      groupedRows(
        ctx,
        ws.unit,
        q.dimension,
        filters,
        range,
        !opts.noChange && !pagePrevious,
        leanRows,
      ),
      totalsOf(),
    ]);
    totals = t;
    // Keys that only had spend in the previous range are not rows of this view.
    const current = grouped.filter(
      (g) =>
        g.amountMicros !== 0n ||
        g.requests !== 0n ||
        g.costMicros !== 0n ||
        g.creditsMicros !== 0n ||
        g.seatMicros !== 0n,
    );
    labels =
      q.sort === "label" || opts.all
        ? await labelsFor(
            ctx,
            q.dimension,
            current.map((g) => g.key),
          )
        : null;
    rows = current.map((g) => toRow(g, totals.amountMicros, labels?.get(g.key)));
    const sign = q.dir === "asc" ? 1 : -1;
    rows.sort(
      (a, b) => sign * compare(q.sort, a, b) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
    rowsSumMicros = rows.reduce((s, r) => s + r.amountMicros, 0n);
    totalRows = rows.length;
    if (!opts.all) rows = rows.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
    const fullRows = leanRows && !opts.lean;
    if (viaMember(q.dimension) && rows.length && (pagePrevious || fullRows)) {
      const ranges = {
        ...(pagePrevious ? { previous: range.previous } : {}),
        ...(fullRows ? { current: range } : {}),
      };
      const page = new Map(
        (
          await sumsForKeys(
            ctx,
            engine,
            ws.unit,
            q.dimension,
            filters,
            ranges,
            rows.map((r) => r.key),
          )
        ).map((g) => [g.key, g]),
      );
      rows = rows.map((r) => {
        const g = page.get(r.key) ?? { ...metricsOf({}), key: r.key, previousAmountMicros: 0n };
        const figures: Grouped = fullRows
          ? { ...g }
          : { ...r, previousAmountMicros: g.previousAmountMicros };
        if (!pagePrevious) figures.previousAmountMicros = r.previousAmountMicros;
        return toRow(figures, totals.amountMicros, labels?.get(r.key));
      });
    }
  }
  if (!opts.all) {
    const keys = rows.map((r) => r.key);
    const [pageLabels, series] = await Promise.all([
      labels ? Promise.resolve(labels) : labelsFor(ctx, q.dimension, keys),
      opts.noSparkline
        ? Promise.resolve([])
        : dailyByKey(
            ctx,
            ws.unit,
            q.dimension,
            narrowTo(filters, q.dimension, keys) ?? filters,
            range,
            keys,
          ),
    ]);
    const index = new Map(days.map((d, i) => [d, i]));
    const spark = new Map(keys.map((k) => [k, days.map(() => 0n)]));
    for (const s of series) {
      const i = index.get(s.day);
      const arr = spark.get(s.key);
      if (i !== undefined && arr) arr[i] = arr[i]! + s.amountMicros;
    }
    rows = rows.map((r) => ({
      ...r,
      ...(pageLabels.get(r.key) ?? {}),
      sparkline: spark.get(r.key) ?? [],
    }));
  }
  return {
    dimension: q.dimension,
    unit: ws.unit,
    range,
    days,
    rows,
    totalRows,
    page: q.page,
    pageSize: q.pageSize,
    sort: q.sort,
    dir: q.dir,
    totals,
    rowsSumMicros,
    overlapping: q.dimension === "group",
  };
}
