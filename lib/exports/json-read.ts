/**
 * Reads a chunk of rows as ONE JSON text built by the database (SQLite json_group_array,
 * PostgreSQL json_agg) and parses it with JSON.parse: the ORM materialises rows one value
 * at a time, which at export volumes costs ~20× more than the query itself. Integers stay
 * exact (exactInt).
 */
import "server-only";

import Database from "better-sqlite3";

import { engineOf, sqliteFileOf, type Db, type Engine, type Tx } from "../server/db";
import { placeholder } from "../server/sql";
import { startSqliteWorker } from "./sqlite-worker";

const SAFE = "9007199254740991";

/**
 * An integer expression inside the JSON, exact: a JSON number while it is a safe integer
 * (JSON.parse reads those exactly and without allocating a string, which is most of the
 * parse cost), decimal text beyond ±2^53. Readers accept both (csv.ts IntValue).
 */
export function exactInt(engine: Engine, expr: string): string {
  return engine === "postgres"
    ? `CASE WHEN ${expr} BETWEEN -${SAFE} AND ${SAFE} THEN to_json(${expr}) ELSE to_json((${expr})::text) END`
    : `CASE WHEN ${expr} BETWEEN -${SAFE} AND ${SAFE} THEN ${expr} ELSE CAST(${expr} AS TEXT) END`;
}

/** The aggregate that turns each row's `parts` into one JSON array of arrays, in `orderBy` order. */
export function jsonRowsAgg(engine: Engine, parts: readonly string[], orderBy?: string): string {
  const order = orderBy ? ` ORDER BY ${orderBy}` : "";
  return engine === "postgres"
    ? `COALESCE(json_agg(json_build_array(${parts.join(", ")})${order}), '[]'::json)::text`
    : `json_group_array(json_array(${parts.join(", ")})${order})`;
}

/** Numbered placeholders for a statement: p(1), p(2)… ($n on PostgreSQL, ? on SQLite). */
export function params(engine: Engine): (i: number) => string {
  return (i) => placeholder(engine, i);
}

/** Runs a statement whose single column `j` is a JSON array of row arrays, and parses it. */
export async function readJsonRows<T extends unknown[]>(
  db: Db | Tx,
  sql: string,
  values: unknown[],
): Promise<T[]> {
  const result = await db.$queryRawUnsafe<{ j: string | null }[]>(sql, ...values);
  const text = result[0]?.j;
  return text ? (JSON.parse(text) as T[]) : [];
}

/** Where an export's reads go: an engine and one JSON-document read (see readJsonRows). */
export interface JsonSource {
  readonly engine: Engine;
  rows<T extends unknown[]>(sql: string, values: unknown[]): Promise<T[]>;
  /** Releases the source's own connection, if it has one (idempotent). */
  close(): void;
}

/** The app's client as a source (no connection of its own). */
export function clientSource(db: Db | Tx): JsonSource {
  return {
    engine: engineOf(db),
    rows: (sql, values) => readJsonRows(db, sql, values),
    close: () => {},
  };
}

/** Page cache of an export's own SQLite connection: a scan reads each page once, so a small cache loses nothing. */
const EXPORT_CACHE_KIB = 2048;

/**
 * The source for one export. On SQLite it is a read-only connection of its own with a small
 * page cache, on a worker thread (sqlite-worker.ts) so the database works on the next page
 * while this thread formats the current one. Through the app's connection a full scan would
 * also fill its 64 MB page cache (resident memory the export does not need) and evict the
 * dashboards' hot index pages. Each read is one short statement (keyset pages), so the
 * connection never pins an old WAL snapshot between pages. If no worker can start, the same
 * connection is opened on this thread. PostgreSQL (and an in-memory SQLite) read through
 * the client. Close it when the export ends.
 */
export async function openExportSource(db: Db): Promise<JsonSource> {
  if (engineOf(db) !== "sqlite") return clientSource(db);
  const file = sqliteFileOf(db);
  if (!file) return clientSource(db); // in-memory database: only the client's connection sees it
  try {
    const worker = await startSqliteWorker(file, { cacheKib: EXPORT_CACHE_KIB, timeoutMs: 10_000 });
    return {
      engine: "sqlite",
      async rows<T extends unknown[]>(sql: string, values: unknown[]): Promise<T[]> {
        const text = await worker.text(sql, values);
        return text ? (JSON.parse(text) as T[]) : [];
      },
      close: () => worker.close(),
    };
  } catch {
    return localSqliteSource(file);
  }
}

function localSqliteSource(file: string): JsonSource {
  let conn: Database.Database | null = new Database(file, {
    readonly: true,
    fileMustExist: true,
    timeout: 10_000,
  });
  conn.pragma(`cache_size = -${EXPORT_CACHE_KIB}`);
  const statements = new Map<string, Database.Statement>();
  return {
    engine: "sqlite",
    async rows<T extends unknown[]>(sql: string, values: unknown[]): Promise<T[]> {
      if (!conn) throw new Error("export source is closed");
      let statement = statements.get(sql);
      if (!statement) {
        statement = conn.prepare(sql).pluck();
        statements.set(sql, statement);
      }
      const text = statement.get(...values) as string | null | undefined;
      return text ? (JSON.parse(text) as T[]) : [];
    },
    close() {
      statements.clear();
      conn?.close();
      conn = null;
    },
  };
}
