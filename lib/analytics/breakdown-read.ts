/**
 * The breakdown's middle step: runs a plan (breakdown-plan.ts) against the database through
 * the grouped sums, and reads what a page of rows shows beside its figures (names, daily
 * series). Also the reads other analytics questions share: the workspace's settings, the
 * filtered totals, daily amounts per key.
 */
import "server-only";

import { scopeIncludesGroup, type SpendScope } from "../auth/scope";
import { NotFoundError } from "../core/errors";
import type { Unit } from "../core/money";
import { memberSublabel } from "../people/member-label";
import { engineOf, type Db, type Engine } from "../server/db";
import { toBigInt } from "../server/sql";
import { readRows } from "../server/sqlite-reader";
import type { AnalyticsContext, Grouped } from "./analytics-types";
import type { BreakdownPlan, Refetch } from "./breakdown-plan";
import type { BreakdownQuery } from "./breakdown-query";
import { hasCurrentUsage, sortRows, toRow } from "./breakdown-shape";
import type {
  BreakdownBasis,
  BreakdownRow,
  BreakdownTotals,
  RowLabel,
  WorkspaceSettings,
} from "./breakdown-types";
import { keyLabel, NONE, UNATTRIBUTED, type Dimension, type Filters } from "./filters";
import { metricsOf, narrowTo, pagedSums, sumsByKey, sumsForKeys } from "./grouped-sums";
import type { ResolvedRange } from "./range";
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
  type Ranges,
} from "./sql-builder";

type Raw = Record<string, unknown>;

/** The settings every analytics question needs: budget unit, budget period, timezone. */
export async function workspaceOf(db: Db, scope: SpendScope): Promise<WorkspaceSettings> {
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
    budgetPeriod: ws.budgetPeriod as WorkspaceSettings["budgetPeriod"],
  };
}

/** Filtered totals over a range (and the previous equal range), each usage row once. */
export async function totalsFor(
  ctx: AnalyticsContext,
  unit: Unit,
  filters: Filters,
  range: ResolvedRange,
): Promise<BreakdownTotals> {
  const [row] = await sumsByKey(ctx, engineOf(ctx.db), unit, null, filters, {
    previous: range.previous,
    current: range,
  });
  const { key: _key, ...totals } = row ?? { key: "", ...metricsOf({}), previousAmountMicros: 0n };
  return totals;
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
        ? dailyGeneric(ctx, {
            unit,
            dimension,
            filters: { ...filters, [dimension]: others },
            range,
            keys: others,
          })
        : Promise.resolve([]),
    ]);
    return [...byMembers, ...rest];
  }
  return dailyGeneric(ctx, { unit, dimension, filters, range, keys });
}

/** What dailyByKey is asked (keys: null for every key). */
interface DailyQuestion {
  unit: Unit;
  dimension: Dimension;
  filters: Filters;
  range: { start: string; end: string };
  keys: string[] | null;
}

/** dailyByKey's question answered from the dimension's own key (no member list drives it). */
async function dailyGeneric(
  ctx: AnalyticsContext,
  { unit, dimension, filters, range, keys }: DailyQuestion,
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
export async function labelsFor(
  ctx: AnalyticsContext,
  dimension: Dimension,
  keys: string[],
): Promise<Map<string, RowLabel>> {
  const out = new Map<string, RowLabel>();
  for (const k of keys) out.set(k, { label: keyLabel(dimension, k), sublabel: null, href: null });
  const ids = keys.filter((k) => k !== UNATTRIBUTED && k !== NONE);
  if (!ids.length) return out;
  if (dimension === "member") {
    // by primary key, the workspace checked on the rows: with "workspaceId = ? AND id IN
    // (…)" SQLite (no statistics) walks the workspace's members through a workspace index
    const people = await ctx.db.member.findMany({
      where: { id: { in: ids } },
      select: {
        id: true,
        name: true,
        email: true,
        workspaceId: true,
        kind: true,
        owner: { select: { name: true } },
      },
    });
    for (const m of people)
      if (m.workspaceId === ctx.scope.workspaceId)
        out.set(m.id, {
          label: m.name,
          // a service account reads as automation and whose it is, not by its placeholder address
          sublabel: memberSublabel(m),
          href: `/members/${m.id}`,
        });
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
        href: scopeIncludesGroup(ctx.scope, g.id) ? `/groups/${g.id}` : null,
      });
  }
  return out;
}

export interface ReadRows {
  /** sorted; for a page, only the page's rows */
  rows: BreakdownRow[];
  /** null when the plan does not count (needs.count) */
  totalRows: number | null;
  rowsSumMicros: bigint | null;
  totals: BreakdownTotals;
  /** the rows' labels when the plan read them already (labelsFirst) */
  labels: Map<string, RowLabel> | null;
}

/** The ranges a second read of a page's rows takes. */
function refetchRanges(refetch: Refetch, range: ResolvedRange): Ranges {
  return {
    ...(refetch.previous ? { previous: range.previous } : {}),
    ...(refetch.current ? { current: range } : {}),
  };
}

/** What either way of reading a plan's rows is asked, on one engine, in the workspace's unit. */
interface RowsQuestion {
  ctx: AnalyticsContext;
  engine: Engine;
  unit: Unit;
  range: ResolvedRange;
  filters: Filters;
  q: BreakdownQuery;
  /** the filtered totals, read beside the rows (a row's share needs them) */
  totals: Promise<BreakdownTotals>;
}

/** Runs a plan: the rows' figures, sorted and paged, and the filtered totals beside them. */
export function readBreakdownRows(
  ctx: AnalyticsContext,
  basis: BreakdownBasis,
  filters: Filters,
  q: BreakdownQuery,
  plan: BreakdownPlan,
): Promise<ReadRows> {
  const question: RowsQuestion = {
    ctx,
    engine: engineOf(ctx.db),
    unit: basis.workspace.unit,
    range: basis.range,
    filters,
    q,
    totals: basis.totals(),
  };
  // read while the rows are: awaited after them, its failure is reported there, not unhandled
  question.totals.catch(() => undefined);
  return plan.kind === "sqlPage" ? readSqlPage(question, plan) : readGrouped(question, plan);
}

async function readSqlPage(
  { ctx, engine, unit, range, filters, q, totals: totalsRead }: RowsQuestion,
  plan: Extract<BreakdownPlan, { kind: "sqlPage" }>,
): Promise<ReadRows> {
  const sorted = { ...q, sort: plan.sort };
  const paged = await pagedSums(ctx, engine, unit, q.dimension, filters, range, sorted, {
    lean: plan.leanPage,
    count: plan.count,
  });
  const totals = await totalsRead;
  const narrowed = narrowTo(
    filters,
    q.dimension,
    paged.rows.map((r) => r.key),
  );
  let page = paged.rows;
  if (narrowed && plan.refetch) {
    const ranges = refetchRanges(plan.refetch, range);
    const byKey = new Map(
      (await sumsByKey(ctx, engine, unit, q.dimension, narrowed, ranges)).map((r) => [r.key, r]),
    );
    page = page.map((r) => {
      const g = byKey.get(r.key);
      return {
        ...(plan.fullRows && g ? g : r),
        key: r.key,
        previousAmountMicros: g?.previousAmountMicros ?? 0n,
      };
    });
  }
  return {
    rows: page.map((g) => toRow(q.dimension, g, totals.amountMicros)),
    totalRows: paged.totalRows,
    rowsSumMicros: paged.rowsSumMicros,
    totals,
    labels: null,
  };
}

async function readGrouped(
  { ctx, engine, unit, range, filters, q, totals: totalsRead }: RowsQuestion,
  plan: Extract<BreakdownPlan, { kind: "grouped" }>,
): Promise<ReadRows> {
  const ranges = plan.withPrevious
    ? { previous: range.previous, current: range }
    : { current: range };
  const grouped = await sumsByKey(ctx, engine, unit, q.dimension, filters, ranges, plan.leanRows);
  const totals = await totalsRead;
  const current = grouped.filter(hasCurrentUsage);
  const labels = plan.labelsFirst
    ? await labelsFor(
        ctx,
        q.dimension,
        current.map((g) => g.key),
      )
    : null;
  let rows = current.map((g) => toRow(q.dimension, g, totals.amountMicros, labels?.get(g.key)));
  sortRows(rows, q.sort, q.dir);
  const rowsSumMicros = rows.reduce((s, r) => s + r.amountMicros, 0n);
  const totalRows = rows.length;
  if (plan.paginate) rows = rows.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
  const refetch = plan.refetch;
  if (refetch && viaMember(q.dimension) && rows.length) {
    const ranges = refetchRanges(refetch, range);
    const page = new Map(
      (
        await sumsForKeys(
          ctx,
          engine,
          unit,
          q.dimension,
          filters,
          ranges,
          rows.map((r) => r.key),
        )
      ).map((g) => [g.key, g]),
    );
    rows = rows.map((r) => {
      const g = page.get(r.key) ?? { ...metricsOf({}), key: r.key, previousAmountMicros: 0n };
      const figures: Grouped = plan.fullRows
        ? { ...g }
        : { ...r, previousAmountMicros: g.previousAmountMicros };
      if (!refetch.previous) figures.previousAmountMicros = r.previousAmountMicros;
      return toRow(q.dimension, figures, totals.amountMicros, labels?.get(r.key));
    });
  }
  return { rows, totalRows, rowsSumMicros, totals, labels };
}

/** What a page's rows show beside their figures: their names and their daily series. */
export async function readPageExtras(
  ctx: AnalyticsContext,
  { workspace: ws, range }: BreakdownBasis,
  filters: Filters,
  dimension: Dimension,
  read: ReadRows,
  sparkline: boolean,
) {
  const keys = read.rows.map((r) => r.key);
  const [labels, series] = await Promise.all([
    read.labels ? Promise.resolve(read.labels) : labelsFor(ctx, dimension, keys),
    sparkline
      ? dailyByKey(
          ctx,
          ws.unit,
          dimension,
          narrowTo(filters, dimension, keys) ?? filters,
          range,
          keys,
        )
      : Promise.resolve([]),
  ]);
  return { labels, series };
}
