/**
 * Hand-written SQL on the same database, outside the app's query layer: a raw prepared
 * statement through the engine's own driver (better-sqlite3 / pg). Used as the "best
 * possible" baseline and as the naive scan of the raw usage table.
 */
import Database from "better-sqlite3";
import pg from "pg";

export interface RawSql {
  engine: "sqlite" | "postgres";
  /** rows of a query with positional parameters written as ? */
  all(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export function openRawSql(url: string): RawSql {
  if (url.startsWith("file:")) {
    const sqlite = new Database(url.slice("file:".length), { readonly: true });
    const cache = new Map<string, Database.Statement>();
    return {
      engine: "sqlite",
      async all(sql, params) {
        let stmt = cache.get(sql);
        if (!stmt) {
          stmt = sqlite.prepare(sql).safeIntegers(true);
          cache.set(sql, stmt);
        }
        return stmt.all(...params) as Record<string, unknown>[];
      },
      async close() {
        sqlite.close();
      },
    };
  }
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const names = new Map<string, string>();
  return {
    engine: "postgres",
    async all(sql, params) {
      let i = 0;
      const text = sql.replace(/\?/g, () => `$${++i}`);
      let name = names.get(text);
      if (!name) {
        name = `bench_${names.size}`;
        names.set(text, name);
      }
      const res = await pool.query({ name, text, values: params as unknown[] });
      return res.rows as Record<string, unknown>[];
    },
    async close() {
      await pool.end();
    },
  };
}

export function big(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return BigInt(v);
  if (typeof v === "string") return BigInt(v.split(".")[0] || "0");
  return 0n;
}

export interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * The raw SQL statements one call runs — through `db.$queryRawUnsafe` (PostgreSQL, Prisma
 * paths) or through the SQLite reader's prepared statements (lib/server/sqlite-reader.ts) — in the
 * order run. Replayed through the driver (replay below) they are the "best hand-written
 * SQL" for the same numbers: the statements the app chose over the rollups it maintains,
 * without the app's own JavaScript or its few model reads (workspace row, labels).
 */
export async function captureStatements<T>(
  db: object,
  fn: () => Promise<T>,
): Promise<{ value: T; statements: Statement[] }> {
  const client = db as { $queryRawUnsafe: (sql: string, ...params: unknown[]) => Promise<unknown> };
  const originalRaw = client.$queryRawUnsafe;
  type DriverStatement = {
    all: (...params: unknown[]) => unknown[];
    source: string;
    reader: boolean;
    database: { readonly: boolean };
  };
  const statementProto = Object.getPrototypeOf(
    sqliteProbe().prepare("SELECT 1"),
  ) as DriverStatement;
  const originalAll = statementProto.all;
  const statements: Statement[] = [];
  client.$queryRawUnsafe = (sql: string, ...params: unknown[]) => {
    statements.push({ sql, params });
    return originalRaw.call(db, sql, ...params);
  };
  statementProto.all = function (this: DriverStatement, ...params: unknown[]) {
    // the reader's queries (a read-only connection); the ORM's own connection is not one
    if (this.reader && this.database.readonly && !/^\s*PRAGMA/i.test(this.source))
      statements.push({ sql: this.source, params });
    return originalAll.apply(this, params);
  };
  try {
    return { value: await fn(), statements };
  } finally {
    client.$queryRawUnsafe = originalRaw;
    statementProto.all = originalAll;
  }
}

let probe: Database.Database | null = null;
/** An in-memory connection, only to reach the driver's Statement prototype. */
function sqliteProbe(): Database.Database {
  return (probe ??= new Database(":memory:"));
}

/** Runs captured statements one after another as prepared statements of the driver. */
export async function replay(raw: RawSql, statements: Statement[]): Promise<number> {
  let rows = 0;
  for (const s of statements) rows += (await raw.all(s.sql, s.params)).length;
  return rows;
}
