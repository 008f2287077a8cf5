/**
 * Builds the one SQL shape every analytics query shares: usage rows of a workspace, in a
 * day range, inside a SpendScope, narrowed by multi-select filters, optionally grouped by
 * a dimension. The same text runs on SQLite and PostgreSQL (placeholders via lib/server/sql.ts);
 * column names come from whitelists here, never from the request.
 */
import type { SpendScope } from "../auth/scope";
import type { Unit } from "../core/money";
import { addDays, type DayKey, type Period } from "../core/period";
import type { Engine } from "../server/db";
import { placeholder } from "../server/sql";
import { needsFactTable, NONE, UNATTRIBUTED, type Dimension, type Filters } from "./filters";
import { monthKey, signedPieces, type SignedPeriod } from "./month-split";

export class Params {
  readonly values: unknown[] = [];
  constructor(readonly engine: Engine) {}
  add(value: unknown): string {
    this.values.push(value);
    return placeholder(this.engine, this.values.length);
  }
  list(values: readonly unknown[]): string {
    return `(${values.map((v) => this.add(v)).join(", ")})`;
  }
}

export interface Source {
  table: string;
  /** member key expression: "" for unattributed */
  member: string;
  unpriced: string;
  /** the time column: a day key, or a month key for the monthly rollup */
  time: string;
  /** a day key as a bound on `time` */
  bound: (day: string) => string;
  /** the same figures summed by calendar month, for whole months of a range */
  months?: Source;
  /** one row per member and time value (per-member totals) */
  onePerMember?: boolean;
  /** SQLite: the day-ordered primary key's index, for reads no member list narrows */
  byDay?: string;
  /** rows are already one dimension's breakdown keys (no member grain): the key column */
  perKey?: { dimension: "group" | "costCenter"; column: string };
}

const asDay = (day: string) => day;
const FACTS: Source = {
  table: `"UsageRecord"`,
  member: `COALESCE(r."memberId", '')`,
  unpriced: `CASE WHEN r."unpriced" THEN r."requests" ELSE 0 END`,
  time: `r."day"`,
  bound: asDay,
};

/** Workspace-wide day totals: no member grain, a few thousand rows for any range. */
const DAY_TOTALS: Source = {
  table: `"UsageDayTotal"`,
  member: `''`,
  unpriced: `r."unpricedRequests"`,
  time: `r."day"`,
  bound: asDay,
};

/** The daily rollup (member × product × model × provider), with its monthly sums for whole months. */
const ROLLUP: Source = {
  table: `"UsageDailyRollup"`,
  member: `r."memberKey"`,
  unpriced: `r."unpricedRequests"`,
  time: `r."day"`,
  bound: asDay,
  months: {
    table: `"UsageMemberMonth"`,
    member: `r."memberKey"`,
    unpriced: `r."unpricedRequests"`,
    time: `r."month"`,
    bound: monthKey,
  },
};

/** Per-member totals over every product (about half the daily rollup's rows, a quarter of its months). */
const MEMBER_TOTALS: Source = {
  table: `"UsageMemberDayTotal"`,
  member: `r."memberKey"`,
  unpriced: `r."unpricedRequests"`,
  time: `r."day"`,
  bound: asDay,
  onePerMember: true,
  byDay: `"sqlite_autoindex_UsageMemberDayTotal_1"`,
  months: {
    table: `"UsageMemberMonthTotal"`,
    member: `r."memberKey"`,
    unpriced: `r."unpricedRequests"`,
    time: `r."month"`,
    bound: monthKey,
    onePerMember: true,
  },
};

/** Group / cost-center totals (lib/rollups/group-totals.ts): a few hundred rows a day, whole months from their monthly sums. */
function keyTotals(
  dimension: "group" | "costCenter",
  day: string,
  month: string,
  column: string,
): Source {
  const perKey = { dimension, column: `r."${column}"` };
  const rows = { member: "", unpriced: `r."unpricedRequests"`, perKey };
  return {
    ...rows,
    table: `"${day}"`,
    time: `r."day"`,
    bound: asDay,
    months: { ...rows, table: `"${month}"`, time: `r."month"`, bound: monthKey },
  };
}
const GROUP_TOTALS = keyTotals("group", "UsageGroupDayTotal", "UsageGroupMonthTotal", "groupId");
const COST_CENTER_TOTALS = keyTotals(
  "costCenter",
  "UsageCostCenterDayTotal",
  "UsageCostCenterMonthTotal",
  "costCenter",
);

/**
 * Per-member sums from a subquery aliased t (member key in column "mk"). Group and cost
 * center are attributes of the member: joined once per member there, not once per usage row.
 */
export const MEMBER_SUMS: Source = {
  table: "",
  member: `t."mk"`,
  unpriced: "",
  time: "",
  bound: asDay,
};

export function viaMember(dimension: Dimension | null): dimension is "group" | "costCenter" {
  return dimension === "group" || dimension === "costCenter";
}

/** Keys that name a real group / cost center (not "No group", "No cost center" or unattributed). */
export function namedKeys(keys: string[]): string[] {
  return keys.filter((k) => k !== NONE && k !== UNATTRIBUTED);
}

/**
 * The members of some named groups / cost centers with their key, as ("mk", "k") rows: a
 * page of groups reads its members' usage through the member index from here, instead of
 * reading every member's usage and joining it to the groups.
 */
export function membersOf(
  dimension: "group" | "costCenter",
  keys: string[],
  scope: SpendScope,
  p: Params,
): string {
  // a manager's or a person's scope: only their people (the usage read is filtered by them
  // anyway; this keeps the join from walking every member of the page's groups)
  const inScope = (column: string) =>
    scope.memberIds
      ? scope.memberIds.length
        ? ` AND ${column} IN ${p.list(scope.memberIds)}`
        : " AND 1 = 0"
      : "";
  return dimension === "group"
    ? `SELECT gm."memberId" AS "mk", gm."groupId" AS "k" FROM "GroupMember" gm WHERE gm."groupId" IN ${p.list(keys)}${inScope(`gm."memberId"`)}`
    : `SELECT m."id" AS "mk", m."costCenter" AS "k" FROM "Member" m WHERE m."workspaceId" = ${p.add(scope.workspaceId)} AND m."costCenter" IN ${p.list(keys)}${inScope(`m."id"`)}`;
}

/** A join SQLite runs in the written order (its CROSS JOIN); PostgreSQL plans joins itself and has no CROSS JOIN ... ON. */
export function joinInOrder(engine: Engine): string {
  return engine === "sqlite" ? "CROSS JOIN" : "JOIN";
}

/** The metric columns every grouped query returns, in order. */
export const METRIC_COLUMNS = [
  "amount",
  "cost",
  "estimated",
  "credits",
  "input",
  "cached",
  "output",
  "requests",
  "unpriced",
  "seat",
] as const;

export type Sign = -1 | 0 | 1;

export interface Piece {
  src: Source;
  range: Period;
  /**
   * How the piece's rows count: "split" = by their time, from the current range's start on
   * as current, earlier as previous; otherwise every row counts with these signs in the
   * current and the previous range (a month minus edge days takes the edge days away).
   */
  weights: "split" | { current: Sign; previous: Sign };
}

export interface Ranges {
  previous?: Period;
  current?: Period;
}

/**
 * The (source, range, weights) queries that together count each day of the ranges exactly
 * once per range (previous, when given, ends the day before current starts). On a daily
 * table with monthly sums each range is cut by signedPieces (whole months from the monthly
 * table, edge days added or taken away); adjacent pieces of one kind and sign are merged,
 * and a piece both ranges need (e.g. days the current range adds and the previous range's
 * month takes away) is read once. Other sources are small or unsplittable: one query over
 * both ranges, split by time.
 */
export function piecesFor(src: Source, ranges: Ranges, today: DayKey): Piece[] {
  const all = [ranges.previous, ranges.current].filter((r): r is Period => Boolean(r));
  if (!src.months)
    return [
      { src, range: { start: all[0]!.start, end: all[all.length - 1]!.end }, weights: "split" },
    ];
  const byRange = new Map<string, Piece & { weights: { current: Sign; previous: Sign } }>();
  for (const target of ["previous", "current"] as const) {
    const r = ranges[target];
    if (!r) continue;
    const merged = signedPieces(r, today).reduce<SignedPeriod[]>((out, piece) => {
      const prev = out[out.length - 1];
      if (
        prev &&
        prev.monthly === piece.monthly &&
        prev.sign === piece.sign &&
        addDays(prev.range.end, 1) === piece.range.start
      )
        prev.range = { start: prev.range.start, end: piece.range.end };
      else out.push({ ...piece });
      return out;
    }, []);
    for (const { range, sign, monthly } of merged) {
      const pieceSrc = monthly ? src.months : src;
      const id = `${pieceSrc.table} ${range.start} ${range.end}`;
      const seen = byRange.get(id) ?? {
        src: pieceSrc,
        range,
        weights: { current: 0 as Sign, previous: 0 as Sign },
      };
      seen.weights[target] = (seen.weights[target] + sign) as Sign;
      byRange.set(id, seen);
    }
  }
  return [...byRange.values()].filter((p) => p.weights.current !== 0 || p.weights.previous !== 0);
}

/**
 * A source in FROM, as "r". With no member list to narrow a read, SQLite (no statistics)
 * would rather walk a workspace's whole member-ordered index than sort a few days of rows
 * by member; the day-ordered primary key is many times cheaper there, so say so.
 */
export function tableRef(src: Source, engine: Engine, scope: SpendScope, filters: Filters): string {
  const memberList =
    scope.memberIds !== null ||
    Boolean(filters.member?.length || filters.group?.length || filters.costCenter?.length);
  return `${src.table} r${engine === "sqlite" && src.byDay && !memberList ? ` INDEXED BY ${src.byDay}` : ""}`;
}

/**
 * The smallest table that can answer: day totals when nothing depends on the member (whole
 * workspace, grouped and filtered only by product / model / provider); group / cost-center
 * totals for those dimensions over the whole workspace with no other filter; the per-member
 * totals when nothing depends on the product; else the daily rollup; the fact table only
 * for provider project / API key.
 */
export function sourceFor(
  dimension: Dimension | null,
  filters: Filters,
  scope: SpendScope,
): Source {
  if (needsFactTable(dimension, filters)) return FACTS;
  // groups / cost centers of the whole workspace, filtered on nothing but their own keys: their totals
  const onlyOwnFilter = Object.entries(filters).every(([d, v]) => d === dimension || !v?.length);
  if (viaMember(dimension) && scope.memberIds === null && onlyOwnFilter)
    return dimension === "group" ? GROUP_TOTALS : COST_CENTER_TOTALS;
  const memberFree =
    scope.memberIds === null &&
    !filters.member?.length &&
    !filters.group?.length &&
    !filters.costCenter?.length;
  const productFree =
    !filters.product?.length && !filters.model?.length && !filters.provider?.length;
  const byTotalsDimension =
    dimension === null ||
    dimension === "product" ||
    dimension === "model" ||
    dimension === "provider";
  if (memberFree && byTotalsDimension) return DAY_TOTALS;
  return productFree && (dimension === null || dimension === "member" || viaMember(dimension))
    ? MEMBER_TOTALS
    : ROLLUP;
}

export function amountColumn(unit: Unit): string {
  return unit === "USD" ? `r."costMicros"` : `r."creditsMicros"`;
}

/** Claude Code seat estimates in the budget unit: not billed, shown as their own line. */
export function seatColumn(unit: Unit): string {
  return unit === "USD" ? `r."seatEstimateMicros"` : `r."seatCreditsMicros"`;
}

export interface SumOptions {
  /** count only rows where this holds (called once per metric: each binds its own parameter, SQLite's "?" are positional) */
  when?: () => string;
  /** times this sign; 0 gives zeros */
  sign?: Sign;
  /** the rows are already one per key: their columns as they are, for a query without GROUP BY */
  perRow?: boolean;
  /** only amount, cost, credits and requests (all that tells whether a row has usage); tokens, estimates and unpriced read 0 */
  lean?: boolean;
}

/** SUM(...) of every metric, as the options say. */
export function metricSums(src: Source, unit: Unit, o: SumOptions = {}): string {
  const sign = o.sign ?? 1;
  const s = (expr: string, lean = false) => {
    if (sign === 0 || (o.lean && !lean)) return "0";
    const v = o.when ? `CASE WHEN ${o.when()} THEN ${expr} ELSE 0 END` : expr;
    return `${sign < 0 ? "-" : ""}${o.perRow ? v : `SUM(${v})`}`;
  };
  return [
    `${s(amountColumn(unit), true)} AS "amount"`,
    `${s(`r."costMicros"`, true)} AS "cost"`,
    `${s(`r."estimatedCostMicros"`)} AS "estimated"`,
    `${s(`r."creditsMicros"`, true)} AS "credits"`,
    `${s(`r."inputTokens"`)} AS "input"`,
    `${s(`r."cachedInputTokens"`)} AS "cached"`,
    `${s(`r."outputTokens"`)} AS "output"`,
    `${s(`r."requests"`, true)} AS "requests"`,
    `${s(src.unpriced)} AS "unpriced"`,
    `${s(seatColumn(unit), true)} AS "seat"`,
  ].join(", ");
}

/** Whether a piece of `src` over `range` has at most one row per member (then no GROUP BY is needed to sum per member). */
export function onePerMember(src: Source, range: Period): boolean {
  return Boolean(src.onePerMember) && src.bound(range.start) === src.bound(range.end);
}

/** The key a row is grouped under for a dimension, plus the joins it needs. */
export function dimensionKey(
  src: Source,
  dimension: Dimension,
  filters: Filters,
  p: Params,
): { key: string; joins: string } {
  if (src.perKey) return { key: src.perKey.column, joins: "" };
  const mk = src.member;
  switch (dimension) {
    case "member":
      return { key: mk, joins: "" };
    case "product":
    case "model":
    case "provider":
    case "project":
    case "apiKey":
      return { key: `r."${dimension}"`, joins: "" };
    case "costCenter":
      return {
        key: `CASE WHEN ${mk} = '' THEN '' ELSE COALESCE(m."costCenter", '${NONE}') END`,
        joins: `LEFT JOIN "Member" m ON m."id" = ${mk}`,
      };
    case "group": {
      // A member in two groups appears in both rows (totals are computed without this join).
      // When the view is filtered to some groups, only those groups' rows are shown.
      const only = (filters.group ?? []).filter((g) => g !== NONE && g !== UNATTRIBUTED);
      // `|| ''` keeps SQLite on the memberId index (one seek per row, then a check) instead
      // of one (groupId, memberId) seek per listed group per row.
      const restrict = only.length ? ` AND (gm."groupId" || '') IN ${p.list(only)}` : "";
      return {
        key: `CASE WHEN ${mk} = '' THEN '' ELSE COALESCE(gm."groupId", '${NONE}') END`,
        joins: `LEFT JOIN "GroupMember" gm ON gm."memberId" = ${mk}${restrict}`,
      };
    }
  }
}

/** WHERE conditions (joined with AND) for workspace, range, scope and filters. */
export function whereClause(
  src: Source,
  scope: SpendScope,
  filters: Filters,
  range: { start: string; end: string },
  p: Params,
): string {
  const mk = src.member;
  const conds = [`r."workspaceId" = ${p.add(scope.workspaceId)}`];
  const [from, to] = [src.bound(range.start), src.bound(range.end)];
  // One month (or day) as an equality, so the index's next column (the member) narrows and orders too.
  if (from === to) conds.push(`${src.time} = ${p.add(from)}`);
  else conds.push(`${src.time} >= ${p.add(from)}`, `${src.time} <= ${p.add(to)}`);
  if (src.perKey) {
    // sourceFor chose it: the only filter is on its own keys ("~none" and "" are keys here too)
    const keys = filters[src.perKey.dimension];
    if (keys?.length) conds.push(`${src.perKey.column} IN ${p.list(keys)}`);
    return conds.join(" AND ");
  }
  if (scope.memberIds)
    conds.push(scope.memberIds.length ? `${mk} IN ${p.list(scope.memberIds)}` : "1 = 0");
  for (const col of ["product", "model", "provider", "project", "apiKey"] as const) {
    const v = filters[col];
    if (v?.length) conds.push(`r."${col}" IN ${p.list(v)}`);
  }
  if (filters.member?.length) conds.push(`${mk} IN ${p.list(filters.member)}`);
  // Member sets as one IN (... UNION ALL ...), so a narrow set is read through the member index.
  if (filters.group?.length) {
    const ids = filters.group.filter((g) => g !== NONE && g !== UNATTRIBUTED);
    const sets: string[] = [];
    if (ids.length)
      sets.push(
        `SELECT gm2."memberId" FROM "GroupMember" gm2 WHERE gm2."groupId" IN ${p.list(ids)}`,
      );
    if (filters.group.includes(UNATTRIBUTED)) sets.push(`SELECT ''`);
    const ors: string[] = [];
    if (sets.length) ors.push(`${mk} IN (${sets.join(" UNION ALL ")})`);
    if (filters.group.includes(NONE))
      ors.push(
        `(${mk} <> '' AND NOT EXISTS (SELECT 1 FROM "GroupMember" gm3 WHERE gm3."memberId" = ${mk}))`,
      );
    conds.push(ors.length > 1 ? `(${ors.join(" OR ")})` : ors[0]!);
  }
  if (filters.costCenter?.length) {
    const codes = filters.costCenter.filter((c) => c !== NONE && c !== UNATTRIBUTED);
    const ws = () => p.add(scope.workspaceId);
    const sets: string[] = [];
    if (codes.length)
      sets.push(
        `SELECT m2."id" FROM "Member" m2 WHERE m2."workspaceId" = ${ws()} AND m2."costCenter" IN ${p.list(codes)}`,
      );
    if (filters.costCenter.includes(NONE))
      sets.push(
        `SELECT m3."id" FROM "Member" m3 WHERE m3."workspaceId" = ${ws()} AND m3."costCenter" IS NULL`,
      );
    if (filters.costCenter.includes(UNATTRIBUTED)) sets.push(`SELECT ''`);
    conds.push(`${mk} IN (${sets.join(" UNION ALL ")})`);
  }
  return conds.join(" AND ");
}
