/**
 * The month tables kept by deltas of a day table: UsageMemberMonth (of the daily rollup),
 * UsageMemberMonthTotal and UsageMemberMonthDays (of the member-day totals). Rebuilding a whole
 * month per sync page would re-read ~30 days of rows for every day written, so a rebuild of
 * some days takes those days' rows out of their months before they are deleted (sign -1),
 * puts the new rows in after (sign 1), and at the end drops the month rows it left empty —
 * so each month table always equals its day table grouped by month (the migrations'
 * backfills). One statement shape for all three; each table's file says what it sums.
 */
import type { DayKey } from "../core/period";
import type { Engine, Tx } from "../server/db";
import { inList, placeholder } from "../server/sql";
import { addOnConflict, allZero } from "./metrics";

/** A month table and the day table it sums, their month being SUBSTR("day", 1, 7). */
export interface MonthTable {
  table: string;
  from: string;
  /** The key columns besides "workspaceId" and "month", the same in both tables. */
  by: readonly string[];
  /** The summed columns; a row with all of them at 0 is empty. */
  columns: readonly string[];
  /**
   * Whether an empty month row stays while a day row of its key is behind it (a day of
   * zeros is still a row of the daily rollup), or goes as soon as it is empty.
   */
  keepWhileDays: boolean;
  /**
   * Whether the day table's rows are read with the days' range beside their list (daysOf):
   * for the member-day totals, whose covering member-ordered index SQLite otherwise walks.
   * The daily rollup's key is found by the list alone, which seeks only the days asked
   * (the range would scan every day between scattered ones, as an identity mapping writes).
   */
  dayRange: boolean;
}

/** What one delta statement adds; by default every column, summing the same column of the day rows. */
export interface MonthDelta {
  /** The month table's columns set, each with what it sums of a day row. */
  sums?: readonly (readonly [column: string, of: string])[];
  /** One more key column, set to a constant (column, SQL literal). */
  tag?: readonly [column: string, literal: string];
  /** Leaves out the groups that fail it. */
  having?: string;
}

/**
 * Some days' rows of a day table (parameters: daysParams; `alias` qualifies the columns, e.g.
 * `r.`). The range beside the list makes SQLite seek the key (workspaceId, day) for each day:
 * with the list alone it walked the workspace's whole member-ordered index (every day it
 * holds) — measured on 20,000 people, five days' member-day rows took 420 ms a statement that
 * way and 125–175 ms by the key; the cost-center day totals of one day 478 ms against 11 ms.
 */
export function daysOf(engine: Engine, alias = "") {
  return (count: number) =>
    `${alias}"workspaceId" = ${placeholder(engine, 1)} AND ${alias}"day" >= ${placeholder(engine, 2)} AND ${alias}"day" <= ${placeholder(engine, 3)} AND ${alias}"day" IN ${inList(engine, count, 4)}`;
}

/** The parameters of daysOf: the workspace, the first and last day, the days. */
export function daysParams(workspaceId: string, days: readonly DayKey[]): string[] {
  const sorted = [...days].sort();
  return [workspaceId, sorted[0]!, sorted[sorted.length - 1]!, ...days];
}

/** Adds (sign 1, after they are rebuilt) or takes out (-1, before they are deleted) the day rows of `days` in their months. */
export async function addDaysToMonths(
  tx: Tx,
  engine: Engine,
  t: MonthTable,
  workspaceId: string,
  days: readonly DayKey[],
  sign: 1 | -1,
  delta: MonthDelta = {},
): Promise<void> {
  if (!days.length) return;
  const neg = sign < 0 ? "-" : "";
  const sums = delta.sums ?? t.columns.map((c) => [c, `"${c}"`] as const);
  const tag = delta.tag ? [delta.tag] : [];
  const by = t.by.map((c) => `"${c}"`).join(", ");
  const table = `"${t.table}"`;
  const key = [`"workspaceId", "month"`, by, ...tag.map(([c]) => `"${c}"`)].join(", ");
  await tx.$executeRawUnsafe(
    `INSERT INTO ${table} (${key}, ${sums.map(([c]) => `"${c}"`).join(", ")})
     SELECT "workspaceId", SUBSTR("day", 1, 7), ${[by, ...tag.map(([, v]) => v)].join(", ")}, ${sums.map(([, of]) => `${neg}SUM(${of})`).join(", ")}
     FROM "${t.from}"
     WHERE ${t.dayRange ? daysOf(engine)(days.length) : `"workspaceId" = ${placeholder(engine, 1)} AND "day" IN ${inList(engine, days.length, 2)}`}
     GROUP BY "workspaceId", SUBSTR("day", 1, 7), ${by}${delta.having ? ` HAVING ${delta.having}` : ""}
     ${addOnConflict(
       table,
       key,
       sums.map(([c]) => c),
     )}`,
    ...(t.dayRange ? daysParams(workspaceId, days) : [workspaceId, ...days]),
  );
}

/** Drops the empty rows of these months (and, with keepWhileDays, only those no day row is behind). */
export async function pruneEmptyMonths(
  tx: Tx,
  engine: Engine,
  t: MonthTable,
  workspaceId: string,
  months: readonly string[],
): Promise<void> {
  if (!months.length) return;
  const m = `"${t.table}"`;
  const behind = t.keepWhileDays
    ? `AND NOT EXISTS (SELECT 1 FROM "${t.from}" d
         WHERE d."workspaceId" = ${m}."workspaceId" AND d."day" >= ${m}."month" || '-01' AND d."day" <= ${m}."month" || '-31'
           ${t.by.map((c) => `AND d."${c}" = ${m}."${c}"`).join(" ")})`
    : "";
  await tx.$executeRawUnsafe(
    `DELETE FROM ${m}
     WHERE "workspaceId" = ${placeholder(engine, 1)} AND "month" IN ${inList(engine, months.length, 2)}
       AND ${allZero(t.columns)} ${behind}`,
    workspaceId,
    ...months,
  );
}
