/**
 * The only place a PrismaClient is built. DATABASE_URL picks the engine:
 * `file:…` → SQLite (better-sqlite3 adapter), `postgresql://…` → PostgreSQL (pg adapter).
 * Both generated clients come from the same models file, so they share one shape; the
 * app is typed against the SQLite client and runs either. Which SQL dialect a statement is
 * written in is asked of the client it runs on (engineOf), never of the environment: tests,
 * scripts and the bench hold clients for other URLs than DATABASE_URL.
 */
import "server-only";

import fs from "node:fs";
import path from "node:path";

import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type BetterSqlite3 from "better-sqlite3";

import { PrismaClient as PostgresClient } from "../generated/postgres/client";
import { PrismaClient as SqliteClient } from "../generated/sqlite/client";
import { env, isPostgresUrl } from "./env";

export type Db = SqliteClient;
/** The client inside an interactive transaction. */
export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;
export type Engine = "sqlite" | "postgres";

// Kept on globalThis, not in module scope: Next bundles this module more than once (the
// route bundles, instrumentation and the gateway listener each get an instance), and every
// instance must share the one client, its URL and its readiness.
const globalForDb = globalThis as unknown as {
  allotmentDb?: { url: string; client: Db; ready: Promise<void> };
  allotmentClientUrls?: WeakMap<object, string>;
};

function engineOfUrl(url: string): Engine {
  return isPostgresUrl(url) ? "postgres" : "sqlite";
}

// Stamped on every client createDb builds. A Symbol.for key, not a class check: Next bundles
// this module (and the generated clients) more than once, so an instanceof against one
// bundle's class fails for a client made in another. Transaction clients are proxies over
// their parent and read the stamp through it.
const ENGINE = Symbol.for("allotment.db.engine");

/** The SQL dialect a client (or a transaction client of it) speaks: the one place that decides it. */
export function engineOf(client: Db | Tx): Engine {
  const engine = (client as unknown as { [ENGINE]?: Engine })[ENGINE];
  if (!engine) throw new Error("engineOf: this database client was not built by createDb");
  return engine;
}

function sqliteFilePath(url: string): string {
  return url.replace(/^file:/, "");
}

// The URL each client was built for; transaction clients are not in it.
const clientUrls = (globalForDb.allotmentClientUrls ??= new WeakMap<object, string>());

/** Builds a client for a URL (tests and scripts use this for a second database). */
export function createDb(url: string): Db {
  const engine = engineOfUrl(url);
  const client = engine === "postgres" ? createPostgres(url) : createSqlite(url);
  Object.defineProperty(client, ENGINE, { value: engine });
  clientUrls.set(client, url);
  return client;
}

function createPostgres(url: string): Db {
  const adapter = new PrismaPg({ connectionString: url, max: 10 });
  return new PostgresClient({ adapter }) as unknown as Db;
}

function createSqlite(url: string): Db {
  const file = sqliteFilePath(url);
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // WAL lets readers run while a sync writes; busy_timeout makes concurrent processes wait
  // for the write lock instead of failing at once.
  const adapter = new PrismaBetterSqlite3({ url: file, timeout: 10_000 });
  // The adapter's own connection, kept as it connects (sqliteDriverOf).
  let driver: SqliteDriver | null = null;
  const connect = adapter.connect.bind(adapter);
  adapter.connect = async () => {
    const connected = await connect();
    driver = (connected as unknown as { client?: SqliteDriver }).client ?? null;
    return connected;
  };
  const client = new SqliteClient({ adapter });
  Object.defineProperty(client, DRIVER, { get: () => driver });
  return client;
}

/** The better-sqlite3 connection under a SQLite client (see sqliteDriverOf). */
export type SqliteDriver = BetterSqlite3.Database;
const DRIVER = Symbol.for("allotment.db.sqliteDriver");

/**
 * The better-sqlite3 connection the client (or a transaction client of it) runs its statements
 * on, for bulk writes that the ORM's per-statement and per-value work would slow tenfold
 * (ingestion): a statement run on it inside `$transaction` is part of that transaction, as
 * the adapter runs the transaction on this one connection. Integers come back as bigint.
 * null for PostgreSQL, and before the client's first query.
 */
export function sqliteDriverOf(client: Db | Tx): SqliteDriver | null {
  return (client as unknown as { [DRIVER]?: SqliteDriver | null })[DRIVER] ?? null;
}

/**
 * The SQLite file behind a client made by createDb, for the few hot reads that go to the
 * file through a connection of their own; null for PostgreSQL, in-memory databases and
 * transaction clients (which must see their own uncommitted writes).
 */
export function sqliteFileOf(client: unknown): string | null {
  const url = typeof client === "object" && client !== null ? clientUrls.get(client) : undefined;
  if (!url || engineOfUrl(url) !== "sqlite") return null;
  const file = sqliteFilePath(url);
  return file === ":memory:" ? null : file;
}

/** PRAGMAs the embedded engine wants on every connection. */
export async function prepareDb(db: Db): Promise<void> {
  if (engineOf(db) === "sqlite") {
    await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await db.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
    await db.$executeRawUnsafe("PRAGMA foreign_keys = ON");
    // a 64 MB page cache keeps the usage indexes in memory during large syncs and scans
    await db.$executeRawUnsafe("PRAGMA cache_size = -65536");
    await db.$executeRawUnsafe("PRAGMA temp_store = MEMORY");
  }
}

/** The app's shared client for DATABASE_URL. */
export function db(): Db {
  const url = env().DATABASE_URL;
  const cached = globalForDb.allotmentDb;
  if (cached && cached.url === url) return cached.client;
  const client = createDb(url);
  globalForDb.allotmentDb = { url, client, ready: prepareDb(client) };
  return client;
}

/** Resolves once PRAGMAs are applied; await before the first write in a process. */
export async function dbReady(): Promise<Db> {
  const client = db();
  await globalForDb.allotmentDb?.ready;
  return client;
}
