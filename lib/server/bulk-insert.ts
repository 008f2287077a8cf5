/**
 * Many rows into one table in few statements, outside the ORM (whose per-statement and
 * per-value work costs ~0.5–1 ms of CPU per created row): on SQLite through the driver's own
 * connection (lib/server/db.ts sqliteDriverOf) with one prepared statement run per row,
 * values bound as they are; on PostgreSQL, and on SQLite when the driver is not at hand,
 * 5,000 rows per statement passed as one JSON parameter (lib/server/sql.ts jsonRows).
 * Inside a transaction the rows are part of it on both engines.
 */
import type BetterSqlite3 from "better-sqlite3";

import { toJsonText } from "../core/json";
import { engineOf, sqliteDriverOf, type Tx } from "./db";
import { chunks, jsonRows, type JsonCell } from "./sql";

export type BulkColumns = readonly (readonly [name: string, cell: JsonCell])[];

/** Rows per JSON statement: large enough that the per-statement cost vanishes, small enough for the parameter. */
const JSON_ROWS = 5_000;

// prepared statements per driver connection (the same few bulk statements are run again and again)
const prepared = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

function statementOf(driver: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
  let statements = prepared.get(driver);
  if (!statements) prepared.set(driver, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = driver.prepare(sql)));
  return statement;
}

/**
 * Inserts `rows` (arrays in `columns` order: text as string or null, integers as bigint,
 * booleans as true/false or 1/0, timestamps as lib/server/sql.ts storedTime text) into `table`. `conflict` is
 * appended to the statement as is (an `ON CONFLICT … DO …` clause written for both engines).
 */
export async function insertRows(
  tx: Tx,
  table: string,
  columns: BulkColumns,
  rows: readonly (readonly unknown[])[],
  conflict = "",
): Promise<void> {
  if (!rows.length) return;
  const names = columns.map(([name]) => `"${name}"`).join(", ");
  const driver = sqliteDriverOf(tx);
  if (driver) {
    const statement = statementOf(
      driver,
      `INSERT INTO "${table}" (${names}) VALUES (${columns.map(() => "?").join(", ")}) ${conflict}`,
    );
    // the driver binds no booleans: true/false become 1/0 (a 0/1 number is bound as it is)
    const booleans = columns.flatMap(([, cell], i) => (cell === "boolean" ? [i] : []));
    for (const row of rows) {
      if (booleans.some((i) => typeof row[i] === "boolean")) {
        const values = [...row];
        for (const i of booleans) values[i] = values[i] ? 1 : 0;
        statement.run(values);
      } else statement.run(row);
    }
    return;
  }
  const { select, from } = jsonRows(
    engineOf(tx),
    1,
    columns.map(([, cell]) => cell),
  );
  const sql = `INSERT INTO "${table}" (${names}) SELECT ${select} FROM ${from} WHERE true ${conflict}`;
  for (const batch of chunks(rows, JSON_ROWS)) await tx.$executeRawUnsafe(sql, toJsonText(batch));
}
