/**
 * The raw reads behind the exports, written once for both engines. Each returns one
 * bounded chunk as a JSON document built by the database (json-read.ts): the ORM's
 * per-row materialisation was the export's cost, not the query. Integers arrive as
 * IntValue (exact), rows as plain arrays in the column order documented per function.
 */
import "server-only";

import { periodContaining, type Period } from "../core/period";
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
 * Members in a by-member chargeback file's order — by cost center when it is a column
 * ("(no cost center)" for none), then email (unique per workspace) — keyset after `after`.
 * Byte order on both engines, so pages follow the order JavaScript sorts each page in.
 */
export async function memberPageInFileOrder(
  src: JsonSource,
  workspaceId: string,
  after: [string, string] | null,
  limit: number,
  byCostCenter: boolean,
  noCostCenter: string,
): Promise<MemberTuple[]> {
  const engine = src.engine;
  // placeholders are numbered as the text is built, left to right: SQLite's "?" binds in text order
  const values: unknown[] = [];
  const v = (x: unknown) => (values.push(x), placeholder(engine, values.length));
  const collate = engine === "postgres" ? ` COLLATE "C"` : "";
  const cc = () => (byCostCenter ? `COALESCE("costCenter", ${v(noCostCenter)})${collate}` : `''`);
  const email = `"email"${collate}`;
  const sql = `SELECT "id", "email", "name", "costCenter", ${cc()} AS k1, ${email} AS k2 FROM "Member" WHERE "workspaceId" = ${v(workspaceId)}${
    after
      ? ` AND (${cc()} > ${v(after[0])} OR (${cc()} = ${v(after[0])} AND ${email} > ${v(after[1])}))`
      : ""
  } ORDER BY k1, k2 LIMIT ${Number(limit)}`;
  const agg = jsonRowsAgg(engine, [`"id"`, `"email"`, `"name"`, `"costCenter"`], `k1, k2`);
  return src.rows<MemberTuple>(`SELECT ${agg} AS j FROM (${sql}) page`, values);
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
 * Where a period's sums per member come from: the member-month rollup when the period is whole
 * calendar months (the daily rollup summed by month, kept in the same sync transaction; its key
 * starts (workspaceId, month, memberKey), so a chunk of members reads only its rows of the
 * period), else the daily rollup. Read through the daily rollup, a month of 20,000 people
 * walked every member's 180 days in the (workspaceId, memberKey, day) index: ~5 s.
 */
function periodSource(period: Period): { table: string; column: string; from: string; to: string } {
  const wholeMonths =
    periodContaining(period.start, "MONTHLY").start === period.start &&
    periodContaining(period.end, "MONTHLY").end === period.end;
  return wholeMonths
    ? {
        table: `"UsageMemberMonth"`,
        column: `"month"`,
        from: period.start.slice(0, 7),
        to: period.end.slice(0, 7),
      }
    : { table: `"UsageDailyRollup"`, column: `"day"`, from: period.start, to: period.end };
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
  const p = params(engine);
  const dims = (["product", "model", "provider"] as const).filter((d) => split[d]);
  const source = periodSource(period);
  const inner = `SELECT r."memberKey" AS m${dims.map((d) => `, r."${d}" AS ${d}`).join("")}, ${SUM_COLUMNS.map((c) => `SUM(r."${c}") AS ${c}`).join(", ")}
    FROM ${idList(engine, p(1))} ${source.table} r ON r."workspaceId" = ${p(2)} AND r."memberKey" = k."value" AND r.${source.column} >= ${p(3)} AND r.${source.column} <= ${p(4)}
    GROUP BY r."memberKey"${dims.map((d) => `, r."${d}"`).join("")}`;
  const parts = [
    "s.m",
    ...(["product", "model", "provider"] as const).map((d) => (split[d] ? `s.${d}` : `''`)),
    ...sumParts(engine, (c) => `s.${c}`),
  ];
  // ids in key order walk the (workspaceId, memberKey, day) index forward: ~1.6× faster than file order
  const sorted = [...ids].sort();
  return src.rows<KeyedSumsTuple>(`SELECT ${jsonRowsAgg(engine, parts)} AS j FROM (${inner}) s`, [
    JSON.stringify(sorted),
    workspaceId,
    source.from,
    source.to,
  ]);
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
 * A key range reads one index range of the period's source (periodSource).
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
  const p = params(engine);
  const dims = (["product", "model", "provider"] as const).filter((d) => split[d]);
  const keyWhere =
    after === null
      ? `"memberKey" = ''`
      : upTo === null
        ? `"memberKey" > ${p(4)}`
        : `"memberKey" > ${p(4)} AND "memberKey" <= ${p(5)}`;
  const source = periodSource(period);
  const values: unknown[] = [workspaceId, source.from, source.to];
  if (after !== null) values.push(after);
  if (after !== null && upTo !== null) values.push(upTo);
  const inner = `SELECT "memberKey" AS m${dims.map((d) => `, "${d}" AS ${d}`).join("")}, ${SUM_COLUMNS.map((c) => `SUM("${c}") AS ${c}`).join(", ")}
    FROM ${source.table}
    WHERE "workspaceId" = ${p(1)} AND ${source.column} >= ${p(2)} AND ${source.column} <= ${p(3)} AND ${keyWhere}
    GROUP BY "memberKey"${dims.map((d) => `, "${d}"`).join("")}`;
  const parts = [
    "s.m",
    ...(["product", "model", "provider"] as const).map((d) => (split[d] ? `s.${d}` : `''`)),
    ...sumParts(engine, (c) => `s.${c}`),
  ];
  return src.rows<KeyedSumsTuple>(
    `SELECT ${jsonRowsAgg(engine, parts)} AS j FROM (${inner}) s`,
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

const PK_ORDER = `"day", "memberKey", "product", "model", "provider"`;

/**
 * The rollup rows of a period in primary-key order, as pages of about `size` DayTuples
 * (keyset pagination). Each page is a key range (after, upTo] whose end is found first by
 * a cheap index-only read (pageEnd), so the next page and the end of the one after it are
 * requested before the current page is handed out: on the export's worker connection
 * (json-read.ts) the database reads ahead while the caller formats. Rows written between
 * the two reads of a range can make it larger; a page is capped at 2 × size and a capped
 * page resumes after its own last row, so nothing is skipped and memory stays bounded.
 */
export async function* rollupPages(
  src: JsonSource,
  workspaceId: string,
  period: Period,
  size: number,
): AsyncGenerator<DayTuple[]> {
  const cap = size * 2;
  const plan = (after: DayCursor | null, upTo: DayCursor | null) => ({
    after,
    upTo,
    rows: quiet(rollupRange(src, workspaceId, period, after, upTo, cap)),
    nextEnd: upTo ? quiet(pageEnd(src, workspaceId, period, upTo, size)) : null,
  });
  let page = plan(null, await pageEnd(src, workspaceId, period, null, size));
  for (;;) {
    const batch = await page.rows;
    const current = page;
    if (batch.length >= cap) {
      await current.nextEnd; // read ahead for a range that has to be re-planned
      const last = batch[batch.length - 1]!;
      const after: DayCursor = [last[0], last[1], last[2], last[3], last[4]];
      page = plan(after, await pageEnd(src, workspaceId, period, after, size));
    } else if (current.upTo) {
      page = plan(current.upTo, await current.nextEnd);
    }
    if (batch.length) yield batch;
    if (!current.upTo && batch.length < cap) return;
  }
}

/** A promise read later: a rejection while the generator waits is not "unhandled" (it is rethrown when awaited). */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

function rangeWhere(
  p: (i: number) => string,
  workspaceId: string,
  period: Period,
  after: DayCursor | null,
  upTo: DayCursor | null,
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
  const { where, values } = rangeWhere(params(engine), workspaceId, period, after, null);
  const keys = `SELECT ${PK_ORDER} FROM "UsageDailyRollup" WHERE ${where} ORDER BY ${PK_ORDER} LIMIT 1 OFFSET ${Number(size) - 1}`;
  const rows = await src.rows<DayCursor>(
    `SELECT ${jsonRowsAgg(engine, [`k."day"`, `k."memberKey"`, `k."product"`, `k."model"`, `k."provider"`])} AS j FROM (${keys}) k`,
    values,
  );
  return rows[0] ?? null;
}

/**
 * The rollup rows in the key range (after, upTo] of the period (after null: from its start;
 * upTo null: to its end), at most `limit`, in primary-key order.
 * PostgreSQL orders inside json_agg (the only guarantee it gives); SQLite aggregates the
 * ordered subquery's rows as they come (it runs as a co-routine), which spares a sort.
 *
 * The integers are read as plain JSON numbers first: the per-value exactInt CASE costs the
 * database about as much as the rest of the page. JSON.parse turns any integer beyond ±2^53
 * into a number that is not a safe integer, so such a page is detected and read again exactly.
 */
export async function rollupRange(
  src: JsonSource,
  workspaceId: string,
  period: Period,
  after: DayCursor | null,
  upTo: DayCursor | null,
  limit: number,
): Promise<DayTuple[]> {
  const rows = await readRollupRange(src, workspaceId, period, after, upTo, limit, false);
  return rows.every(safeSums)
    ? rows
    : readRollupRange(src, workspaceId, period, after, upTo, limit, true);
}

function safeSums(row: DayTuple): boolean {
  for (let i = 5; i < row.length; i++) if (!Number.isSafeInteger(row[i])) return false;
  return true;
}

function readRollupRange(
  src: JsonSource,
  workspaceId: string,
  period: Period,
  after: DayCursor | null,
  upTo: DayCursor | null,
  limit: number,
  exact: boolean,
): Promise<DayTuple[]> {
  const engine = src.engine;
  const { where, values } = rangeWhere(params(engine), workspaceId, period, after, upTo);
  const sums = exact
    ? sumParts(engine, (c) => `r."${c}"`, SUM_COLUMNS)
    : SUM_COLUMNS.map((c) => `r."${c}"`);
  const parts = [`r."day"`, `r."memberKey"`, `r."product"`, `r."model"`, `r."provider"`, ...sums];
  const order =
    engine === "postgres"
      ? `r."day", r."memberKey", r."product", r."model", r."provider"`
      : undefined;
  const page = `SELECT ${PK_ORDER}, ${SUM_COLUMNS.map((c) => `"${c}"`).join(", ")} FROM "UsageDailyRollup" WHERE ${where} ORDER BY ${PK_ORDER} LIMIT ${Number(limit)}`;
  return src.rows<DayTuple>(
    `SELECT ${jsonRowsAgg(engine, parts, order)} AS j FROM (${page}) r`,
    values,
  );
}
