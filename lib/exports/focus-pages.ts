/**
 * The daily rollup's rows for the FOCUS export as FLAT pages: one JSON array holding every
 * row's 13 values one after the other (a DayTuple's order), instead of an array of row
 * arrays. JSON.parse of a flat page costs about half as much (measured on 1,000-row pages of
 * the 180-day bench dataset: 0.32 against 0.63 µs a row): no small array per row, and a
 * page leaves one object for the collector instead of a thousand.
 *
 * On SQLite the database writes the flat text itself (each row's json_array without its
 * brackets, joined by commas: about the cost of the nested aggregate); the pages are the
 * same key ranges, read ahead the same way, as rollupPages (rollup-reads.ts), whose
 * pageEnd finds each range's end. A page with an integer beyond ±2^53 is read again exactly
 * by rollupRange. PostgreSQL reads rollupPages and flattens them.
 */
import "server-only";

import type { Period } from "../core/period";
import type { IntValue } from "./csv";
import { params, type JsonSource } from "./json-read";
import {
  keyRangePages,
  PK_ORDER,
  rangeWhere,
  rollupPages,
  rollupRange,
  SUM_COLUMNS,
  type DayCursor,
  type DayTuple,
  type KeyRange,
} from "./rollup-reads";

/** Values per row in a flat page: day, memberKey, product, model, provider, then the sums (SUM_COLUMNS). */
export const ROW_WIDTH = 13;

/** Rows one after the other, ROW_WIDTH values each, in DayTuple order. */
export type FlatRows = (string | IntValue)[];

/**
 * The rollup rows of a period in primary-key order, as flat pages of about `size` rows
 * (at most 2 × size: the same key ranges as rollupPages, through keyRangePages).
 */
export function flatRollupPages(
  src: JsonSource,
  workspaceId: string,
  period: Period,
  size: number,
): AsyncGenerator<FlatRows> {
  if (src.engine !== "sqlite") return flattened(rollupPages(src, workspaceId, period, size));
  return keyRangePages(src, workspaceId, period, size, {
    read: (range) => flatRange(src, range),
    rows: (flat) => flat.length / ROW_WIDTH,
    lastKey: (flat) => {
      const at = flat.length - ROW_WIDTH;
      return flat.slice(at, at + 5) as DayCursor;
    },
  });
}

async function* flattened(pages: AsyncGenerator<DayTuple[]>): AsyncGenerator<FlatRows> {
  for await (const batch of pages) yield batch.flat();
}

/** The rows of a key range, flat (SQLite). */
async function flatRange(src: JsonSource, range: KeyRange): Promise<FlatRows> {
  const { where, values } = rangeWhere(params(src.engine), range);
  const columns = [PK_ORDER, ...SUM_COLUMNS.map((c) => `"${c}"`)].join(", ");
  const page = `SELECT ${columns} FROM "UsageDailyRollup" WHERE ${where} ORDER BY ${PK_ORDER} LIMIT ${Number(range.limit)}`;
  // json_array's text always starts with "[" then the day's opening quote and ends with the
  // last sum's digit (or null) then "]": trimming one bracket each side leaves the values.
  // An empty page gives NULL (no rows).
  const row = `json_array(r."day", r."memberKey", r."product", r."model", r."provider", ${SUM_COLUMNS.map((c) => `r."${c}"`).join(", ")})`;
  const flat = (await src.rows(
    `SELECT '[' || group_concat(rtrim(ltrim(${row}, '['), ']'), ',') || ']' AS j FROM (${page}) r`,
    values,
  )) as unknown as FlatRows;
  if (safeSums(flat)) return flat;
  const exact: DayTuple[] = await rollupRange(src, range);
  return exact.flat();
}

function safeSums(flat: FlatRows): boolean {
  for (let at = 0; at < flat.length; at += ROW_WIDTH)
    for (let i = at + 5; i < at + ROW_WIDTH; i++) if (!Number.isSafeInteger(flat[i])) return false;
  return true;
}
