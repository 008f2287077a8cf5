/**
 * The raw reads behind the exports, written once for both engines. Each returns one
 * bounded chunk as a JSON document built by the database (json-read.ts): the ORM's
 * per-row materialisation was the export's cost, not the query. Integers arrive as
 * IntValue (exact), rows as plain arrays in the column order documented per function.
 */
import "server-only";

import { addDays, periodContaining, type Period } from "../core/period";
import { USAGE_SUM_KEYS } from "../core/usage-sums";
import type { Engine } from "../server/db";
import { placeholder } from "../server/sql";
import type { IntValue } from "./csv";
import { exactInt, jsonRowsAgg, params, type JsonSource } from "./json-read";

/**
 * The sums every export reads, in this order: costMicros, estimatedCostMicros, creditsMicros,
 * inputTokens, cachedInputTokens, outputTokens, requests, then the Claude Code seat-plan
 * estimate in micro-USD (never billed cost: its own column in every export).
 */
export const SUM_COLUMNS = [...USAGE_SUM_KEYS, "seatEstimateMicros"] as const;
export type ExportSums = [
  IntValue,
  IntValue,
  IntValue,
  IntValue,
  IntValue,
  IntValue,
  IntValue,
  IntValue,
];

/** [memberKey, product, model, provider, ...ExportSums] */
export type KeyedSumsTuple = [string, string, string, string, ...ExportSums];
/** [day, memberKey, product, model, provider, ...ExportSums] */
export type DayTuple = [string, string, string, string, string, ...ExportSums];
/** [id, email, name, costCenter] */
export type MemberTuple = [string, string, string, string | null];
/** [memberId, group name, group cost center] */
export type MembershipTuple = [string, string, string];

/** Which rollup dimensions a chargeback keeps apart (the others are summed over and come back as ""). */
export interface RollupSplit {
  product: boolean;
  model: boolean;
  provider: boolean;
}

/** Members in id order after `after` (keyset), at most `limit`. */
export async function memberPage(
  src: JsonSource,
  workspaceId: string,
  after: string,
  limit: number,
): Promise<MemberTuple[]> {
  const engine = src.engine;
  const p = params(engine);
  const agg = jsonRowsAgg(engine, [`"id"`, `"email"`, `"name"`, `"costCenter"`], `"id"`);
  // SQLite would take the (workspaceId, email) index and sort all of the workspace's members
  // for every page (~80 ms a page at 20,000 people, 40 pages an export); "+" keeps the
  // workspace test off the index, so the page walks the primary key from `after`
  const ws = engine === "sqlite" ? `+"workspaceId"` : `"workspaceId"`;
  return src.rows<MemberTuple>(
    `SELECT ${agg} AS j FROM (SELECT "id", "email", "name", "costCenter" FROM "Member" WHERE ${ws} = ${p(1)} AND "id" > ${p(2)} ORDER BY "id" LIMIT ${Number(limit)}) page`,
    [workspaceId, after],
  );
}

/** Group memberships of the members with ids in (after, upTo]. */
export async function membershipsInRange(
  src: JsonSource,
  workspaceId: string,
  after: string,
  upTo: string,
): Promise<MembershipTuple[]> {
  const engine = src.engine;
  const p = params(engine);
  const agg = jsonRowsAgg(engine, [`gm."memberId"`, `g."name"`, `g."costCenter"`]);
  return src.rows<MembershipTuple>(
    `SELECT ${agg} AS j FROM "GroupMember" gm JOIN "Group" g ON g."id" = gm."groupId"
     WHERE gm."memberId" > ${p(1)} AND gm."memberId" <= ${p(2)} AND g."workspaceId" = ${p(3)}`,
    [after, upTo, workspaceId],
  );
}

/**
 * The ids of a workspace's members in a by-member chargeback file's order — by cost center
 * when it is a column ("(no cost center)" for none), then email (unique per workspace).
 * Byte order on both engines, so chunks follow the order JavaScript sorts each chunk in.
 * One sorted read for the whole export (ids only, ~30 bytes a person): read as keyset pages,
 * every page walked and sorted all of the workspace's members again (no index has this
 * order), 1.6 s of an export of 20,000 people in pages of 250.
 */
export async function memberIdsInFileOrder(
  src: JsonSource,
  workspaceId: string,
  byCostCenter: boolean,
  noCostCenter: string,
): Promise<string[]> {
  const engine = src.engine;
  // placeholders are numbered as the text is built, left to right: SQLite's "?" binds in text order
  const values: unknown[] = [];
  const v = (x: unknown) => (values.push(x), placeholder(engine, values.length));
  const collate = engine === "postgres" ? ` COLLATE "C"` : "";
  const cc = byCostCenter ? `COALESCE("costCenter", ${v(noCostCenter)})${collate}` : `''`;
  const sql = `SELECT "id", ${cc} AS k1, "email"${collate} AS k2 FROM "Member" WHERE "workspaceId" = ${v(workspaceId)}`;
  const rows = await src.rows<[string]>(
    `SELECT ${jsonRowsAgg(engine, [`"id"`], `k1, k2`)} AS j FROM (${sql}) page`,
    values,
  );
  return rows.map((r) => r[0]);
}

/** `FROM <the id list> JOIN …`: the list travels as one JSON parameter and drives the join. */
function idList(engine: Engine, placeholderText: string): string {
  return engine === "postgres"
    ? `jsonb_array_elements_text(${placeholderText}::jsonb) AS k("value") JOIN`
    : `json_each(${placeholderText}) k CROSS JOIN`;
}

/** Group memberships of these members. */
export async function membershipsOfIds(
  src: JsonSource,
  workspaceId: string,
  ids: readonly string[],
): Promise<MembershipTuple[]> {
  if (ids.length === 0) return [];
  const engine = src.engine;
  const p = params(engine);
  const agg = jsonRowsAgg(engine, [`gm."memberId"`, `g."name"`, `g."costCenter"`]);
  return src.rows<MembershipTuple>(
    `SELECT ${agg} AS j FROM ${idList(engine, p(1))} "GroupMember" gm ON gm."memberId" = k."value" JOIN "Group" g ON g."id" = gm."groupId" WHERE g."workspaceId" = ${p(2)}`,
    [JSON.stringify(ids), workspaceId],
  );
}

/**
 * Where a period's sums per member come from, as pieces that add up to each day of the period
 * exactly once: the whole calendar months inside it from a month table (kept in the same sync
 * transaction as the daily rollup and always equal to its GROUP BY by month; its key starts
 * (workspaceId, month, memberKey), so a chunk of members reads only its rows of each month),
 * and the days before the first and after the last whole month from a day table. Without a
 * product / model / provider split the member totals are read (UsageMemberMonthTotal and
 * UsageMemberDayTotal, whose (workspaceId, memberKey, day, …sums) index covers the read),
 * else UsageMemberMonth and the daily rollup. Read through the daily rollup alone, a chunk of
 * people in file order looked up each person's rows of every day one table page at a time:
 * ~4 µs of SQLite per rollup row, 14 s of a 180-day export of 20,000 people.
 * A group exists in a piece exactly when the daily rollup has a row of it in the piece's days
 * (month rows without one are pruned), so the pieces yield the same groups and sums.
 */
type PeriodPiece = { months: string[] } | { from: string; to: string };

export function periodPieces(period: Period): PeriodPiece[] {
  const startMonth = periodContaining(period.start, "MONTHLY");
  const endMonth = periodContaining(period.end, "MONTHLY");
  const firstWhole = startMonth.start === period.start ? period.start : addDays(startMonth.end, 1);
  const lastWhole = endMonth.end === period.end ? period.end : addDays(endMonth.start, -1);
  if (firstWhole > lastWhole) return [{ from: period.start, to: period.end }];
  const pieces: PeriodPiece[] = [];
  if (period.start < firstWhole) pieces.push({ from: period.start, to: addDays(firstWhole, -1) });
  const months: string[] = [];
  for (let m = firstWhole; m <= lastWhole; m = addDays(periodContaining(m, "MONTHLY").end, 1))
    months.push(m.slice(0, 7));
  pieces.push({ months });
  if (lastWhole < period.end) pieces.push({ from: addDays(lastWhole, 1), to: period.end });
  return pieces;
}

/**
 * The SELECT of a period's sums per memberKey (and the split dimensions), one GROUP BY per
 * piece summed again when there are several. `rows(table)` is the FROM clause's start (the
 * table aliased r, joined to an id list or not) and `keyWhere` the memberKey condition;
 * `v` adds a value and returns its placeholder (numbered as the text is built).
 */
function periodSumsSql(
  period: Period,
  split: RollupSplit,
  v: (value: unknown) => string,
  rows: (table: string) => string,
  keyWhere: () => string,
  workspaceId: string,
): string {
  const dims = (["product", "model", "provider"] as const).filter((d) => split[d]);
  const totals = dims.length === 0;
  const keys = `r."memberKey"${dims.map((d) => `, r."${d}"`).join("")}`;
  const pieces = periodPieces(period).map((piece) => {
    const monthly = "months" in piece;
    const table = monthly
      ? totals
        ? `"UsageMemberMonthTotal"`
        : `"UsageMemberMonth"`
      : totals
        ? `"UsageMemberDayTotal"`
        : `"UsageDailyRollup"`;
    // built in the text's order: SQLite's "?" placeholders bind in that order
    const from = rows(table);
    const where = `r."workspaceId" = ${v(workspaceId)} AND ${keyWhere()}`;
    const range = monthly
      ? `r."month" IN (${piece.months.map(v).join(", ")})`
      : `r."day" >= ${v(piece.from)} AND r."day" <= ${v(piece.to)}`;
    return `SELECT r."memberKey" AS m${dims.map((d) => `, r."${d}" AS ${d}`).join("")}, ${SUM_COLUMNS.map((c) => `SUM(r."${c}") AS ${c}`).join(", ")}
    FROM ${from} WHERE ${where} AND ${range}
    GROUP BY ${keys}`;
  });
  if (pieces.length === 1) return pieces[0]!;
  return `SELECT u.m${dims.map((d) => `, u.${d}`).join("")}, ${SUM_COLUMNS.map((c) => `SUM(u.${c}) AS ${c}`).join(", ")}
    FROM (${pieces.join(" UNION ALL ")}) u GROUP BY u.m${dims.map((d) => `, u.${d}`).join("")}`;
}

/** The JSON rows of a periodSumsSql: [memberKey, product, model, provider, ...ExportSums]. */
function keyedSumsAgg(engine: Engine, split: RollupSplit): string {
  const parts = [
    "s.m",
    ...(["product", "model", "provider"] as const).map((d) => (split[d] ? `s.${d}` : `''`)),
    ...sumParts(engine, (c) => `s.${c}`),
  ];
  return jsonRowsAgg(engine, parts);
}

/** Totals per memberKey (and the split dimensions) over the period for these memberKeys. */
export async function sumsByMemberIds(
  src: JsonSource,
  workspaceId: string,
  period: Period,
  ids: readonly string[],
  split: RollupSplit,
): Promise<KeyedSumsTuple[]> {
  if (ids.length === 0) return [];
  const engine = src.engine;
  const values: unknown[] = [];
  const v = (x: unknown) => (values.push(x), placeholder(engine, values.length));
  // ids in key order walk the indexes forward: ~1.6× faster than file order
  const list = JSON.stringify([...ids].sort());
  const inner = periodSumsSql(
    period,
    split,
    v,
    (table) => `${idList(engine, v(list))} ${table} r ON r."memberKey" = k."value"`,
    () => "1 = 1",
    workspaceId,
  );
  return src.rows<KeyedSumsTuple>(
    `SELECT ${keyedSumsAgg(engine, split)} AS j FROM (${inner}) s`,
    values,
  );
}

/**
 * memberKeys with usage in the period's months that are nobody's now: "" (unattributed) and
 * people since deleted. Read from the per-member month totals (a few rows per person), a
 * superset by month that sumsByMemberIds then narrows to the period's days.
 */
export async function orphanMemberKeys(
  src: JsonSource,
  workspaceId: string,
  period: Period,
): Promise<string[]> {
  const engine = src.engine;
  const p = params(engine);
  const rows = await src.rows<[string]>(
    `SELECT ${jsonRowsAgg(engine, [`t."memberKey"`])} AS j FROM (SELECT DISTINCT "memberKey" FROM "UsageMemberMonthTotal"
       WHERE "workspaceId" = ${p(1)} AND "month" >= ${p(2)} AND "month" <= ${p(3)}
         AND "memberKey" NOT IN (SELECT "id" FROM "Member" WHERE "workspaceId" = ${p(4)})) t`,
    [workspaceId, period.start.slice(0, 7), period.end.slice(0, 7), workspaceId],
  );
  return rows.map((r) => r[0]);
}

/** Members by id (the FOCUS export looks up the people of each chunk). */
export async function membersByIds(
  src: JsonSource,
  workspaceId: string,
  ids: readonly string[],
): Promise<MemberTuple[]> {
  if (ids.length === 0) return [];
  const engine = src.engine;
  const p = params(engine);
  // the id list travels as one JSON parameter (no placeholder limits) and drives the join, so
  // each id is one primary-key lookup; filtered by workspace, SQLite would rather walk all
  // of the workspace's members and test each against the list
  const agg = jsonRowsAgg(engine, [`m."id"`, `m."email"`, `m."name"`, `m."costCenter"`]);
  return src.rows<MemberTuple>(
    `SELECT ${agg} AS j FROM ${idList(engine, p(1))} "Member" m ON m."id" = k."value" WHERE m."workspaceId" = ${p(2)}`,
    [JSON.stringify(ids), workspaceId],
  );
}

function sumParts(
  engine: Engine,
  alias: (c: string) => string,
  columns: readonly string[] = SUM_COLUMNS,
): string[] {
  return columns.map((c) => exactInt(engine, alias(c)));
}

/**
 * Totals per memberKey (and the split dimensions) over the period, for memberKeys in
 * (after, upTo] — upTo null: no upper bound; after null: exactly the unattributed key "".
 * A key range reads one index range of each of the period's pieces (periodPieces).
 */
export async function sumsByMemberRange(
  src: JsonSource,
  workspaceId: string,
  period: Period,
  after: string | null,
  upTo: string | null,
  split: RollupSplit,
): Promise<KeyedSumsTuple[]> {
  const engine = src.engine;
  const values: unknown[] = [];
  const v = (x: unknown) => (values.push(x), placeholder(engine, values.length));
  const keyWhere = () =>
    after === null
      ? `r."memberKey" = ''`
      : upTo === null
        ? `r."memberKey" > ${v(after)}`
        : `r."memberKey" > ${v(after)} AND r."memberKey" <= ${v(upTo)}`;
  const inner = periodSumsSql(period, split, v, (table) => `${table} r`, keyWhere, workspaceId);
  return src.rows<KeyedSumsTuple>(
    `SELECT ${keyedSumsAgg(engine, split)} AS j FROM (${inner}) s`,
    values,
  );
}

export type DayCursor = [
  day: string,
  memberKey: string,
  product: string,
  model: string,
  provider: string,
];

/** The daily rollup's primary key, in its order. */
export const PK_ORDER = `"day", "memberKey", "product", "model", "provider"`;

/**
 * The rollup rows of a period in primary-key order, as pages of about `size` DayTuples
 * (keyset pagination; see keyRangePages).
 */
export function rollupPages(
  src: JsonSource,
  workspaceId: string,
  period: Period,
  size: number,
): AsyncGenerator<DayTuple[]> {
  return keyRangePages(src, workspaceId, period, size, {
    read: (range) => rollupRange(src, range),
    rows: (batch) => batch.length,
    lastKey: (batch) => {
      const last = batch[batch.length - 1]!;
      return [last[0], last[1], last[2], last[3], last[4]];
    },
  });
}

/** How one kind of page is read and measured (rollupPages' DayTuples, focus-pages' flat rows). */
export interface PageReader<B> {
  /** the rows of one key range */
  read: (range: KeyRange) => Promise<B>;
  rows: (batch: B) => number;
  lastKey: (batch: B) => DayCursor;
}

/**
 * Pages of about `size` rollup rows of a period, in primary-key order (keyset pagination).
 * Each page is a key range (after, upTo] whose end is found first by a cheap index-only read
 * (pageEnd), so the next page and the end of the one after it are requested before the
 * current page is handed out: on the export's worker connection (json-read.ts) the database
 * reads ahead while the caller formats. Rows written between the two reads of a range can
 * make it larger; a page is capped at 2 × size and a capped page resumes after its own last
 * row, so nothing is skipped and memory stays bounded.
 */
export async function* keyRangePages<B>(
  src: JsonSource,
  workspaceId: string,
  period: Period,
  size: number,
  reader: PageReader<B>,
): AsyncGenerator<B> {
  const cap = size * 2;
  const plan = (after: DayCursor | null, upTo: DayCursor | null) => ({
    after,
    upTo,
    batch: quiet(reader.read({ workspaceId, period, after, upTo, limit: cap })),
    nextEnd: upTo ? quiet(pageEnd(src, workspaceId, period, upTo, size)) : null,
  });
  let page = plan(null, await pageEnd(src, workspaceId, period, null, size));
  for (;;) {
    const batch = await page.batch;
    const current = page;
    const rows = reader.rows(batch);
    if (rows >= cap) {
      await current.nextEnd; // read ahead for a range that has to be re-planned
      const after = reader.lastKey(batch);
      page = plan(after, await pageEnd(src, workspaceId, period, after, size));
    } else if (current.upTo) {
      page = plan(current.upTo, await current.nextEnd);
    }
    if (rows) yield batch;
    if (!current.upTo && rows < cap) return;
  }
}

/** A promise read later: a rejection while the generator waits is not "unhandled" (it is rethrown when awaited). */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/**
 * A page's key range of the daily rollup: the rows after `after` up to `upTo` inclusive, in
 * the period (after null: from its start; upTo null: to its end), at most `limit`.
 */
export interface KeyRange {
  workspaceId: string;
  period: Period;
  after: DayCursor | null;
  upTo: DayCursor | null;
  limit: number;
}

/** The WHERE of a key range (its limit aside), with its positional values. */
export function rangeWhere(
  p: (i: number) => string,
  { workspaceId, period, after, upTo }: Omit<KeyRange, "limit">,
): { where: string; values: unknown[] } {
  const terms = [`"workspaceId" = ${p(1)}`];
  const values: unknown[] = [workspaceId];
  const add = (term: (n: number) => string, ...vs: unknown[]) => {
    terms.push(term(values.length + 1));
    values.push(...vs);
  };
  const row = (n: number) => `(${[0, 1, 2, 3, 4].map((i) => p(n + i)).join(", ")})`;
  if (after) add((n) => `(${PK_ORDER}) > ${row(n)}`, ...after);
  else add((n) => `"day" >= ${p(n)}`, period.start);
  // with both ends as key tuples the index range is exactly the page (a "day <=" term would
  // make SQLite scan to the period's end instead); upTo never lies beyond the period
  if (upTo) add((n) => `(${PK_ORDER}) <= ${row(n)}`, ...upTo);
  else add((n) => `"day" <= ${p(n)}`, period.end);
  return { where: terms.join(" AND "), values };
}

/** The key of the `size`-th row after `after` (the end of the page starting there), or null if fewer rows remain. */
export async function pageEnd(
  src: JsonSource,
  workspaceId: string,
  period: Period,
  after: DayCursor | null,
  size: number,
): Promise<DayCursor | null> {
  const engine = src.engine;
  const { where, values } = rangeWhere(params(engine), { workspaceId, period, after, upTo: null });
  const keys = `SELECT ${PK_ORDER} FROM "UsageDailyRollup" WHERE ${where} ORDER BY ${PK_ORDER} LIMIT 1 OFFSET ${Number(size) - 1}`;
  const rows = await src.rows<DayCursor>(
    `SELECT ${jsonRowsAgg(engine, [`k."day"`, `k."memberKey"`, `k."product"`, `k."model"`, `k."provider"`])} AS j FROM (${keys}) k`,
    values,
  );
  return rows[0] ?? null;
}

/**
 * The rollup rows of a key range, in primary-key order.
 * PostgreSQL orders inside json_agg (the only guarantee it gives); SQLite aggregates the
 * ordered subquery's rows as they come (it runs as a co-routine), which spares a sort.
 *
 * The integers are read as plain JSON numbers first: the per-value exactInt CASE costs the
 * database about as much as the rest of the page. JSON.parse turns any integer beyond ±2^53
 * into a number that is not a safe integer, so such a page is detected and read again exactly.
 */
export async function rollupRange(src: JsonSource, range: KeyRange): Promise<DayTuple[]> {
  const rows = await readRollupRange(src, range, false);
  return rows.every(safeSums) ? rows : readRollupRange(src, range, true);
}

function safeSums(row: DayTuple): boolean {
  for (let i = 5; i < row.length; i++) if (!Number.isSafeInteger(row[i])) return false;
  return true;
}

function readRollupRange(src: JsonSource, range: KeyRange, exact: boolean): Promise<DayTuple[]> {
  const engine = src.engine;
  const { where, values } = rangeWhere(params(engine), range);
  const sums = exact
    ? sumParts(engine, (c) => `r."${c}"`, SUM_COLUMNS)
    : SUM_COLUMNS.map((c) => `r."${c}"`);
  const parts = [`r."day"`, `r."memberKey"`, `r."product"`, `r."model"`, `r."provider"`, ...sums];
  const order =
    engine === "postgres"
      ? `r."day", r."memberKey", r."product", r."model", r."provider"`
      : undefined;
  const page = `SELECT ${PK_ORDER}, ${SUM_COLUMNS.map((c) => `"${c}"`).join(", ")} FROM "UsageDailyRollup" WHERE ${where} ORDER BY ${PK_ORDER} LIMIT ${Number(range.limit)}`;
  return src.rows<DayTuple>(
    `SELECT ${jsonRowsAgg(engine, parts, order)} AS j FROM (${page}) r`,
    values,
  );
}
