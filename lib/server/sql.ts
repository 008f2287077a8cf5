/**
 * The few places where SQL text differs between SQLite and PostgreSQL. Raw statements
 * elsewhere use these helpers, so one query string serves both engines.
 */
import { randomBytes } from "node:crypto";

import type { Engine } from "./db";

/** Positional placeholder number i (1-based): `$i` on PostgreSQL, `?` on SQLite. */
export function placeholder(engine: Engine, i: number): string {
  return engine === "postgres" ? `$${i}` : "?";
}

/** "(p1, p2, …)" groups for a multi-row VALUES list, numbering from `start`. */
export function valuesList(engine: Engine, rows: number, columns: number, start = 1): string {
  const groups: string[] = [];
  let n = start;
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < columns; c++) cells.push(placeholder(engine, n++));
    groups.push(`(${cells.join(", ")})`);
  }
  return groups.join(", ");
}

/** "(p, p, …)" for an IN list. */
export function inList(engine: Engine, count: number, start = 1): string {
  return valuesList(engine, 1, count, start);
}

/** Splits a list into chunks so statements stay under the engines' parameter limits. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Sums come back as bigint, number or numeric text depending on engine: normalise to bigint. */
export function toBigInt(value: unknown): bigint {
  if (typeof value === "bigint") return value;
  if (typeof value === "number") return BigInt(Math.trunc(value));
  if (typeof value === "string" && value !== "") return BigInt(value.split(".")[0]!);
  if (value && typeof value === "object" && "toFixed" in value)
    return BigInt((value as { toFixed(n: number): string }).toFixed(0));
  return 0n;
}

/**
 * `IN ${jsonList(…)}`: a list of any length bound as ONE parameter, a JSON array of strings
 * (where an IN list of placeholders binds, and the ORM converts, every value).
 */
export function jsonList(engine: Engine, param: number): string {
  return engine === "postgres"
    ? `(SELECT jsonb_array_elements_text(${placeholder(engine, param)}::jsonb))`
    : `(SELECT value FROM json_each(?))`;
}

/** How one cell of a JSON row array reaches its column (jsonRows). */
export type JsonCell =
  | "text"
  /** an integer sent as a decimal string (exact for any bigint) */
  | "bigint"
  | "boolean"
  /** a PostgreSQL timestamp sent as ISO text; SQLite keeps the text as the ORM writes it */
  | "timestamp"
  /** a PostgreSQL enum type (text on SQLite) */
  | { enum: string };

/**
 * The select list and FROM source that expand ONE bound parameter, a JSON array of row
 * arrays, into rows (SQLite json_each, PostgreSQL jsonb_array_elements): a batch of any size
 * in one statement with one value to bind, where a VALUES list binds (and the ORM converts)
 * every cell. `param` is the parameter's number (its `$n` on PostgreSQL; on SQLite the `?`
 * is positional, so the other parameters must keep their order around it).
 */
export function jsonRows(
  engine: Engine,
  param: number,
  cells: readonly JsonCell[],
): { select: string; from: string } {
  const pg = engine === "postgres";
  const select = cells.map((cell, i) => {
    const v = pg ? `(e->>${i})` : `value->>${i}`;
    if (cell === "text") return v;
    if (cell === "bigint") return pg ? `${v}::bigint` : `CAST(${v} AS INTEGER)`;
    if (cell === "boolean") return pg ? `${v}::boolean` : `CASE WHEN ${v} THEN 1 ELSE 0 END`;
    if (cell === "timestamp") return pg ? `${v}::timestamp(3)` : v;
    return pg ? `${v}::"${cell.enum}"` : v;
  });
  return {
    select: select.join(", "),
    from: pg ? `jsonb_array_elements(${placeholder(engine, param)}::jsonb) AS e` : `json_each(?)`,
  };
}

/** A DateTime as the ORM stores it (SQLite: ISO text with "+00:00"; PostgreSQL: UTC timestamp(3) text), for jsonRows' "timestamp" cells. */
export function storedTime(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

let idCounter = 0;
// randomBytes per id costs ~50 µs (a job each); ids take 8 bytes at a time from a pool
const idRandom = { pool: Buffer.alloc(0), at: 0 };

/**
 * A row id for rows inserted outside the ORM (which fills `@default(cuid())` itself): 25
 * characters like a cuid, a time prefix so ids sort roughly by creation, then a counter and
 * randomness so two in the same millisecond, or two processes, never collide.
 */
export function newRowId(): string {
  if (idRandom.at + 8 > idRandom.pool.length) {
    idRandom.pool = randomBytes(8 * 1024);
    idRandom.at = 0;
  }
  const random = idRandom.pool.readBigUInt64BE(idRandom.at);
  idRandom.at += 8;
  idCounter = (idCounter + 1) % 1_679_616; // 36^4
  return (
    "c" +
    Date.now().toString(36).padStart(9, "0") +
    idCounter.toString(36).padStart(4, "0") +
    random.toString(36).padStart(11, "0").slice(-11)
  );
}
