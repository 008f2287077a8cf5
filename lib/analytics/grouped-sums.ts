/**
 * The grouped sums behind totals and breakdowns. Member-grain reads are cut by piecesFor
 * into whole months and edge days, added or taken away; the pieces are summed either here
 * in JS (every key) or in SQL with the sort and page applied there, so a page of a
 * 20,000-member breakdown moves 25 rows out of the database, not 20,000. Groups and cost
 * centers of the whole workspace read their own totals; otherwise they are summed per member
 * first and joined once, and a page of them is read from its members' lists.
 */
import "server-only";

import type { Unit } from "../core/money";
import { addDays, toDayKey, type DayKey, type Period } from "../core/period";
import { addUsageSums } from "../core/usage-sums";
import type { Engine } from "../server/db";
import { toBigInt } from "../server/sql";
import { readRows } from "../server/sqlite-reader";
import type { AnalyticsContext, Grouped, Metrics } from "./analytics-types";
import type { SqlSort } from "./breakdown-plan";
import type { Dimension, Filters } from "./filters";
import {
  amountColumn,
  dimensionKey,
  joinInOrder,
  MEMBER_SUMS,
  membersOf,
  METRIC_COLUMNS,
  metricSums,
  namedKeys,
  onePerMember,
  Params,
  piecesFor,
  sourceFor,
  tableRef,
  viaMember,
  whereClause,
  type Piece,
  type Ranges,
  type Source,
} from "./sql-builder";

type Raw = Record<string, unknown>;

export function metricsOf(r: Raw): Metrics {
  return {
    amountMicros: toBigInt(r.amount),
    costMicros: toBigInt(r.cost),
    estimatedCostMicros: toBigInt(r.estimated),
    creditsMicros: toBigInt(r.credits),
    inputTokens: toBigInt(r.input),
    cachedInputTokens: toBigInt(r.cached),
    outputTokens: toBigInt(r.output),
    requests: toBigInt(r.requests),
    unpricedRequests: toBigInt(r.unpriced),
    seatMicros: toBigInt(r.seat),
  };
}

function addInto(into: Grouped, r: Grouped): void {
  addUsageSums(into, r);
  into.amountMicros += r.amountMicros;
  into.unpricedRequests += r.unpricedRequests;
  into.seatMicros += r.seatMicros;
  into.previousAmountMicros += r.previousAmountMicros;
}

/** "Today" for the piece planner's cost estimate only (sums never depend on it): UTC is close enough. */
function costToday(ctx: AnalyticsContext): DayKey {
  return toDayKey(ctx.now);
}

/**
 * One piece's SELECT: `key` (a column expression or null), its metrics for the current
 * range and the previous range's amount, as the piece's weights say. Parameters are bound
 * in textual order (SQLite's "?"): SELECT, then `joins` (or the whole `from`), then WHERE.
 * `perRow` when the piece's rows are already one per key: no GROUP BY, no SUM.
 */
function pieceSelect(
  ctx: AnalyticsContext,
  p: Params,
  unit: Unit,
  { src, range, weights }: Piece,
  currentStart: DayKey,
  filters: Filters,
  keyOf: (src: Source) => { key: string | null; joins: string; from?: string },
  o: { alias?: string; perRow?: boolean; lean?: boolean } = {},
): string {
  const current = src.bound(currentStart);
  const split = weights === "split";
  const perRow = o.perRow ?? false;
  const sums = metricSums(
    src,
    unit,
    split
      ? { when: () => `${src.time} >= ${p.add(current)}`, perRow, lean: o.lean }
      : { sign: weights.current, perRow, lean: o.lean },
  );
  const prevSign = split ? 1 : weights.previous;
  const prevExpr = split
    ? `CASE WHEN ${src.time} < ${p.add(current)} THEN ${amountColumn(unit)} ELSE 0 END`
    : amountColumn(unit);
  const prev = `${prevSign === 0 ? "0" : `${prevSign < 0 ? "-" : ""}${perRow ? prevExpr : `SUM(${prevExpr})`}`} AS "prev"`;
  const { key, joins, from } = keyOf(src);
  const where = whereClause(src, ctx.scope, filters, range, p);
  return `SELECT ${key ? `${key} AS "${o.alias ?? "k"}", ` : ""}${sums}, ${prev} FROM ${from ?? `${tableRef(src, p.engine, ctx.scope, filters)} ${joins}`} WHERE ${where}${key && !perRow ? ` GROUP BY ${key}` : ""}`;
}

/**
 * Sums per key (or for the whole filter when dimension is null): the current range's
 * metrics and the previous range's amount (either range may be left out; previous ends
 * the day before current starts).
 */
export async function sumsByKey(
  ctx: AnalyticsContext,
  engine: Engine,
  unit: Unit,
  dimension: Dimension | null,
  filters: Filters,
  ranges: Ranges,
  lean = false,
): Promise<Grouped[]> {
  const currentStart = ranges.current?.start ?? addDays(ranges.previous!.end, 1);
  const src = sourceFor(dimension, filters, ctx.scope);
  const pieces = piecesFor(src, ranges, costToday(ctx));
  let parts: Raw[][];
  if (viaMember(dimension) && !src.perKey) {
    // Every piece summed per member (a few thousand rows each), then one join to each
    // member's groups / cost center for all of them.
    const p = new Params(engine);
    const inner = pieces
      .map((piece) =>
        pieceSelect(
          ctx,
          p,
          unit,
          piece,
          currentStart,
          filters,
          (src) => ({ key: src.member, joins: "" }),
          { alias: "mk", perRow: onePerMember(piece.src, piece.range), lean },
        ),
      )
      .join(" UNION ALL ");
    const { key, joins } = dimensionKey(MEMBER_SUMS, dimension, filters, p);
    const cols = [...METRIC_COLUMNS, "prev"].map((c) => `SUM(t."${c}") AS "${c}"`).join(", ");
    parts = [
      await readRows<Raw>(
        ctx.db,
        `SELECT ${key} AS "k", ${cols} FROM (${inner}) t ${joins} GROUP BY ${key}`,
        p.values,
      ),
    ];
  } else {
    parts = await Promise.all(
      pieces.map((piece) => {
        const p = new Params(engine);
        const sql = pieceSelect(
          ctx,
          p,
          unit,
          piece,
          currentStart,
          filters,
          (src) =>
            dimension ? dimensionKey(src, dimension, filters, p) : { key: null, joins: "" },
          { lean },
        );
        return readRows<Raw>(ctx.db, sql, p.values);
      }),
    );
  }
  return mergeByKey(parts);
}

/** Rows of several pieces added up per key. */
function mergeByKey(parts: Raw[][]): Grouped[] {
  const out = new Map<string, Grouped>();
  for (const rows of parts)
    for (const r of rows) {
      const g: Grouped = {
        key: String(r.k ?? ""),
        ...metricsOf(r),
        previousAmountMicros: toBigInt(r.prev),
      };
      const seen = out.get(g.key);
      if (seen) addInto(seen, g);
      else out.set(g.key, g);
    }
  return [...out.values()];
}

/**
 * sumsByKey for some keys of a group / cost-center breakdown only (a page's rows): named
 * groups / cost centers read their members' usage through the member index, driven from
 * their member lists; "No group", "No cost center" and unattributed go through the
 * narrowed filters.
 */
export async function sumsForKeys(
  ctx: AnalyticsContext,
  engine: Engine,
  unit: Unit,
  dimension: "group" | "costCenter",
  filters: Filters,
  ranges: Ranges,
  keys: string[],
): Promise<Grouped[]> {
  // the group / cost-center totals hold the keys' rows themselves: just narrowed to them
  if (sourceFor(dimension, filters, ctx.scope).perKey)
    return sumsByKey(ctx, engine, unit, dimension, { ...filters, [dimension]: keys }, ranges);
  const named = namedKeys(keys);
  const others = keys.filter((k) => !named.includes(k));
  const currentStart = ranges.current?.start ?? addDays(ranges.previous!.end, 1);
  let merged: Grouped[] = [];
  if (named.length) {
    // every piece in one statement (UNION ALL) over the member list read once, added up per key here
    const p = new Params(engine);
    const members = `WITH "x" AS MATERIALIZED (${membersOf(dimension, named, ctx.scope, p)}) `;
    const sql = piecesFor(
      sourceFor(dimension, { ...filters, [dimension]: named }, ctx.scope),
      ranges,
      costToday(ctx),
    )
      .map((piece) =>
        pieceSelect(ctx, p, unit, piece, currentStart, filters, (src) => ({
          key: `x."k"`,
          joins: "",
          from: `"x" x ${joinInOrder(engine)} ${src.table} r ON ${src.member} = x."mk"`,
        })),
      )
      .join(" UNION ALL ");
    merged = mergeByKey([await readRows<Raw>(ctx.db, members + sql, p.values)]);
  }
  if (others.length)
    merged.push(
      ...(await sumsByKey(
        ctx,
        engine,
        unit,
        dimension,
        { ...filters, [dimension]: others },
        ranges,
      )),
    );
  return merged;
}

/** A metric column of the page's rows: summed per key, or as it is when each key has one row. */
function pageColumn(c: string, summed: boolean): string {
  return summed ? `SUM(t."${c}")` : `t."${c}"`;
}

/** The ORDER BY of each sort the database can page (breakdown-plan.ts SQL_SORTS). */
function sqlOrder(sort: SqlSort, summed: boolean): string {
  return sort === "tokens"
    ? `${pageColumn("input", summed)} + ${pageColumn("output", summed)}`
    : pageColumn(sort, summed);
}

/** A row with any current usage (a key whose pieces cancel out, or only zeros, is not listed). */
function hasUsage(summed: boolean): string {
  return ["amount", "requests", "cost", "credits"]
    .map((c) => `${pageColumn(c, summed)} <> 0`)
    .join(" OR ");
}

export interface PagedSums {
  rows: Grouped[];
  /** null when not asked to count (`count`) */
  totalRows: number | null;
  rowsSumMicros: bigint | null;
}

/**
 * One page of current-range rows, sorted and paged in SQL: the pieces are UNION ALL-ed,
 * summed per key, rows without any current usage dropped, then ordered by the sort and
 * the key (ascending, as the JS tie-break). The previous amounts are left at 0.
 */
export async function pagedSums(
  ctx: AnalyticsContext,
  engine: Engine,
  unit: Unit,
  dimension: Dimension,
  filters: Filters,
  range: Period,
  q: { sort: SqlSort; dir: "asc" | "desc"; page: number; pageSize: number },
  o: { lean: boolean; count: boolean },
): Promise<PagedSums> {
  const p = new Params(engine);
  const pieces = piecesFor(
    sourceFor(dimension, filters, ctx.scope),
    { current: range },
    costToday(ctx),
  );
  let perRowPieces = 0;
  const inner = pieces.map(({ src, range: piece, weights }) => {
    // the member key of per-member totals over one month is already unique: no GROUP BY
    const perRow = dimension === "member" && onePerMember(src, piece);
    if (perRow) perRowPieces++;
    const sums = metricSums(src, unit, {
      sign: weights === "split" ? 1 : weights.current,
      perRow,
      lean: o.lean,
    });
    const { key, joins } = dimensionKey(src, dimension, filters, p);
    const where = whereClause(src, ctx.scope, filters, piece, p);
    return `SELECT ${key} AS "k", ${sums} FROM ${tableRef(src, engine, ctx.scope, filters)} ${joins} WHERE ${where}${perRow ? "" : ` GROUP BY ${key}`}`;
  });
  // One piece of one row per key (this month so far of every member, the Overview's top
  // members): its rows are the keys' sums already, so they are filtered and ordered as they
  // are. Summing them again made PostgreSQL aggregate the month's ~20,000 rows into numerics
  // twice (the page and the count), most of /api/overview's time.
  const summed = !(inner.length === 1 && perRowPieces === 1);
  const cols = METRIC_COLUMNS.map((c) => `${pageColumn(c, summed)} AS "${c}"`);
  const dir = q.dir === "asc" ? "ASC" : "DESC";
  const byKey = engine === "postgres" ? `t."k" COLLATE "C"` : `t."k"`;
  const rowsOf = summed
    ? `FROM (${inner.join(" UNION ALL ")}) t GROUP BY t."k" HAVING ${hasUsage(true)}`
    : `FROM (${inner[0]}) t WHERE ${hasUsage(false)}`;
  // the row count and the rows' sum in a query of their own: as window functions over the
  // page query they made the database keep every row for the window (~3× slower on SQLite)
  const [rows, counts] = await Promise.all([
    readRows<Raw>(
      ctx.db,
      `SELECT t."k" AS "k", ${cols.join(", ")} ${rowsOf} ORDER BY ${sqlOrder(q.sort, summed)} ${dir}, ${byKey} ASC LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
      p.values,
    ),
    o.count
      ? readRows<Raw>(
          ctx.db,
          summed
            ? `SELECT COUNT(*) AS "n", SUM(c."a") AS "rowsSum" FROM (SELECT SUM(t."amount") AS "a" ${rowsOf}) c`
            : `SELECT COUNT(*) AS "n", SUM(t."amount") AS "rowsSum" ${rowsOf}`,
          p.values,
        ).then(([c]) => ({
          totalRows: c ? Number(toBigInt(c.n)) : 0,
          rowsSumMicros: c ? toBigInt(c.rowsSum) : 0n,
        }))
      : { totalRows: null, rowsSumMicros: null },
  ]);
  return {
    rows: rows.map((r) => ({ key: String(r.k ?? ""), ...metricsOf(r), previousAmountMicros: 0n })),
    ...counts,
  };
}

/**
 * The filters narrowed to some member rows' keys: exactly the usage those rows sum (a
 * row's key passed the original filter already), read through the member index. (A page
 * of groups or cost centers is read from their member lists instead: sumsForKeys.)
 */
export function narrowTo(filters: Filters, dimension: Dimension, keys: string[]): Filters | null {
  // an empty list would mean "no filter", the opposite of narrowing
  if (dimension !== "member" || !keys.length) return null;
  return { ...filters, [dimension]: keys };
}
