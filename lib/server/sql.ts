/**
 * The few places where SQL text differs between SQLite and PostgreSQL. Raw statements
 * elsewhere use these helpers, so one query string serves both engines.
 */
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
