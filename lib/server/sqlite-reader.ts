/**
 * Hot reads on the embedded SQLite file through a read-only connection of their own, with
 * prepared statements kept: the ORM costs ~0.25 ms and a statement prepare per raw query
 * plus a per-value conversion of every row, which on the dashboard's aggregate reads is
 * about as much again as the query itself. In WAL mode this connection sees every
 * committed write at once, so a root client's reads (never a transaction's, which must see
 * its own uncommitted writes) can come from here. PostgreSQL and in-memory databases keep
 * going through the ORM.
 *
 * Integers come back as bigint (safeIntegers), text as string, so callers read values
 * through toBigInt / String / Number as they do for the ORM's results.
 */
import "server-only";

import Database from "better-sqlite3";

import { sqliteFileOf, type Db, type Tx } from "./db";

/** Page cache of the reader connection (the same size as the app's own connection). */
const CACHE_KIB = 65_536;
/** Prepared statements kept per connection; the dashboards' statements vary with list lengths. */
const MAX_STATEMENTS = 500;

interface Reader {
  conn: Database.Database;
  statements: Map<string, Database.Statement>;
}

// on globalThis for the same reason as lib/server/db.ts's client: one per process, not per bundle copy
const globalForReaders = globalThis as unknown as { allotmentSqliteReaders?: Map<string, Reader> };
const readers = (globalForReaders.allotmentSqliteReaders ??= new Map<string, Reader>());

function readerFor(file: string): Reader {
  let reader = readers.get(file);
  if (!reader) {
    const conn = new Database(file, { readonly: true, fileMustExist: true, timeout: 10_000 });
    conn.pragma(`cache_size = -${CACHE_KIB}`);
    reader = { conn, statements: new Map() };
    readers.set(file, reader);
  }
  return reader;
}

/** A prepared statement on the reader of `file` (kept for the next call). */
export function readerStatement(file: string, sql: string): Database.Statement {
  const reader = readerFor(file);
  let statement = reader.statements.get(sql);
  if (!statement) {
    statement = reader.conn.prepare(sql);
    if (reader.statements.size >= MAX_STATEMENTS) reader.statements.clear();
    reader.statements.set(sql, statement);
  }
  return statement;
}

function driverCanBind(value: unknown): boolean {
  return (
    value === null ||
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "bigint"
  );
}

/**
 * Rows of a read-only statement with positional parameters: from the reader connection
 * for a root SQLite client, otherwise (PostgreSQL, transactions, in-memory, or parameters
 * the driver cannot bind as they are) through the client's $queryRawUnsafe.
 */
export async function readRows<T = Record<string, unknown>>(
  db: Db | Tx,
  sql: string,
  params: readonly unknown[],
): Promise<T[]> {
  const file = sqliteFileOf(db);
  if (file && params.every(driverCanBind)) {
    const statement = readerStatement(file, sql);
    if (statement.reader) return statement.safeIntegers(true).all(...params) as T[];
  }
  return (db as Db).$queryRawUnsafe<T[]>(sql, ...params);
}

/**
 * readRows of a statement that tells SQLite which index to use (`sqlFor` puts the hint, `
 * INDEXED BY "…"`, after its table), read again without it where the index is not there:
 * a first load into an empty usage table builds some indexes only at its end
 * (lib/ingest/deferred-indexes.ts), and an index named in INDEXED BY must exist.
 */
export async function readRowsPreferringIndex<T = Record<string, unknown>>(
  db: Db | Tx,
  index: string | null,
  sqlFor: (hint: string) => string,
  params: readonly unknown[],
): Promise<T[]> {
  if (!index) return readRows<T>(db, sqlFor(""), params);
  try {
    return await readRows<T>(db, sqlFor(` INDEXED BY "${index}"`), params);
  } catch (error) {
    if (!/no such index/i.test(error instanceof Error ? error.message : String(error))) throw error;
    return readRows<T>(db, sqlFor(""), params);
  }
}
