/**
 * Builds the one SQL shape every analytics query shares: usage rows of a workspace, in a
 * day range, inside a SpendScope, narrowed by multi-select filters, optionally grouped by
 * a dimension. The same text runs on SQLite and PostgreSQL (placeholders via lib/sql.ts);
 * column names come from whitelists here, never from the request.
 */
import type { Engine } from "../db";
import type { Unit } from "../money";
import { addDays, periodContaining, type Period } from "../period";
import { placeholder } from "../sql";
import { monthKey, splitByMonths } from "./month-split";
import { NONE, UNATTRIBUTED, needsFactTable, type Dimension, type Filters } from "./filters";
import type { SpendScope } from "./scope";

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
}

const asDay = (day: string) => day;
const ROLLUP: Source = { table: `"UsageDailyRollup"`, member: `r."memberKey"`, unpriced: `r."unpricedRequests"`, time: `r."day"`, bound: asDay };
const FACTS: Source = { table: `"UsageRecord"`, member: `COALESCE(r."memberId", '')`, unpriced: `CASE WHEN r."unpriced" THEN r."requests" ELSE 0 END`, time: `r."day"`, bound: asDay };

/** Workspace-wide day totals: no member grain, a few thousand rows for any range. */
const DAY_TOTALS: Source = { table: `"UsageDayTotal"`, member: `''`, unpriced: `r."unpricedRequests"`, time: `r."day"`, bound: asDay };

/** The daily rollup summed by month: whole months at member grain, ~1/10 of the daily rows. */
const MEMBER_MONTHS: Source = { table: `"UsageMemberMonth"`, member: `r."memberKey"`, unpriced: `r."unpricedRequests"`, time: `r."month"`, bound: monthKey };

export interface Piece {
  src: Source;
  range: Period;
}

/**
 * The (source, range) queries that together read each day of `ranges` exactly once. The
 * daily rollup is swapped for the monthly one on whole months; the edge days stay daily.
 * Ranges must be consecutive and in order (previous, then current), and each is split on
 * its own, so no month piece straddles two of them and a `time >= bound(start)` test still
 * tells them apart. Adjacent pieces of one source are merged into one query.
 */
export function piecesFor(src: Source, ranges: Period[]): Piece[] {
  if (src !== ROLLUP) return [{ src, range: { start: ranges[0]!.start, end: ranges[ranges.length - 1]!.end } }];
  const months: Period[] = [];
  const days: Period[] = [];
  for (const r of ranges) {
    const split = splitByMonths(r);
    if (split.months) months.push({ start: `${split.months.start}-01`, end: lastDayOf(split.months.end) });
    days.push(...split.days);
  }
  const merge = (list: Period[]) =>
    list.reduce<Period[]>((out, r) => {
      const prev = out[out.length - 1];
      if (prev && addDays(prev.end, 1) === r.start) prev.end = r.end;
      else out.push({ ...r });
      return out;
    }, []);
  return [...merge(months).map((range) => ({ src: MEMBER_MONTHS, range })), ...merge(days).map((range) => ({ src: ROLLUP, range }))];
}

function lastDayOf(month: string): string {
  return periodContaining(`${month}-01`, "MONTHLY").end;
}

/**
 * The smallest table that can answer: day totals when nothing depends on the member (whole
 * workspace, grouped and filtered only by product / model / provider); else the daily
 * rollup; the fact table only for provider project / API key.
 */
export function sourceFor(dimension: Dimension | null, filters: Filters, scope: SpendScope): Source {
  if (needsFactTable(dimension, filters)) return FACTS;
  const memberFree = scope.memberIds === null && !filters.member?.length && !filters.group?.length && !filters.costCenter?.length;
  const byTotalsDimension = dimension === null || dimension === "product" || dimension === "model" || dimension === "provider";
  return memberFree && byTotalsDimension ? DAY_TOTALS : ROLLUP;
}

export function amountColumn(unit: Unit): string {
  return unit === "USD" ? `r."costMicros"` : `r."creditsMicros"`;
}

/**
 * SUM(...) of every metric, optionally only for rows where `when()` holds. `when` is called
 * once per metric so each occurrence binds its own parameter (SQLite's "?" are positional).
 */
export function metricSums(src: Source, unit: Unit, when?: () => string): string {
  const s = (expr: string) => (when ? `SUM(CASE WHEN ${when()} THEN ${expr} ELSE 0 END)` : `SUM(${expr})`);
  return [
    `${s(amountColumn(unit))} AS "amount"`,
    `${s(`r."costMicros"`)} AS "cost"`,
    `${s(`r."estimatedCostMicros"`)} AS "estimated"`,
    `${s(`r."creditsMicros"`)} AS "credits"`,
    `${s(`r."inputTokens"`)} AS "input"`,
    `${s(`r."cachedInputTokens"`)} AS "cached"`,
    `${s(`r."outputTokens"`)} AS "output"`,
    `${s(`r."requests"`)} AS "requests"`,
    `${s(src.unpriced)} AS "unpriced"`,
  ].join(", ");
}

/** The key a row is grouped under for a dimension, plus the joins it needs. */
export function dimensionKey(src: Source, dimension: Dimension, filters: Filters, p: Params): { key: string; joins: string } {
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
      const restrict = only.length ? ` AND gm."groupId" IN ${p.list(only)}` : "";
      return {
        key: `CASE WHEN ${mk} = '' THEN '' ELSE COALESCE(gm."groupId", '${NONE}') END`,
        joins: `LEFT JOIN "GroupMember" gm ON gm."memberId" = ${mk}${restrict}`,
      };
    }
  }
}

/** WHERE conditions (joined with AND) for workspace, range, scope and filters. */
export function whereClause(src: Source, scope: SpendScope, filters: Filters, range: { start: string; end: string }, p: Params): string {
  const mk = src.member;
  const conds = [`r."workspaceId" = ${p.add(scope.workspaceId)}`];
  const [from, to] = [src.bound(range.start), src.bound(range.end)];
  // One month (or day) as an equality, so the index's next column (the member) narrows and orders too.
  if (from === to) conds.push(`${src.time} = ${p.add(from)}`);
  else conds.push(`${src.time} >= ${p.add(from)}`, `${src.time} <= ${p.add(to)}`);
  if (scope.memberIds) conds.push(scope.memberIds.length ? `${mk} IN ${p.list(scope.memberIds)}` : "1 = 0");
  for (const col of ["product", "model", "provider", "project", "apiKey"] as const) {
    const v = filters[col];
    if (v?.length) conds.push(`r."${col}" IN ${p.list(v)}`);
  }
  if (filters.member?.length) conds.push(`${mk} IN ${p.list(filters.member)}`);
  if (filters.group?.length) {
    const ids = filters.group.filter((g) => g !== NONE && g !== UNATTRIBUTED);
    const ors: string[] = [];
    if (ids.length) ors.push(`${mk} IN (SELECT gm2."memberId" FROM "GroupMember" gm2 WHERE gm2."groupId" IN ${p.list(ids)})`);
    if (filters.group.includes(NONE)) ors.push(`(${mk} <> '' AND NOT EXISTS (SELECT 1 FROM "GroupMember" gm3 WHERE gm3."memberId" = ${mk}))`);
    if (filters.group.includes(UNATTRIBUTED)) ors.push(`${mk} = ''`);
    conds.push(`(${ors.join(" OR ")})`);
  }
  if (filters.costCenter?.length) {
    const codes = filters.costCenter.filter((c) => c !== NONE && c !== UNATTRIBUTED);
    const ws = () => p.add(scope.workspaceId);
    const ors: string[] = [];
    if (codes.length) ors.push(`${mk} IN (SELECT m2."id" FROM "Member" m2 WHERE m2."workspaceId" = ${ws()} AND m2."costCenter" IN ${p.list(codes)})`);
    if (filters.costCenter.includes(NONE)) ors.push(`${mk} IN (SELECT m3."id" FROM "Member" m3 WHERE m3."workspaceId" = ${ws()} AND m3."costCenter" IS NULL)`);
    if (filters.costCenter.includes(UNATTRIBUTED)) ors.push(`${mk} = ''`);
    conds.push(`(${ors.join(" OR ")})`);
  }
  return conds.join(" AND ");
}
