/**
 * A first load into an empty usage table (a new installation's first connection, the
 * benchmark's enterprise) builds three member-ordered indexes (and the member month totals'
 * two top-spender indexes) once at its end instead of row by row. Every day's rows land at
 * every member's place in them, so once the tables outgrow
 * the page cache each bulk batch rewrites nearly all of their pages: measured on 20,000
 * people, rows per CPU-second fell from 23,000 to 13,000 over the first 1.15 M rows with
 * them, and stayed at ~25,000 without them, which were then built in 4.4 s.
 *
 * Only when the usage table holds no row at all: the indexes are table-wide, and other
 * workspaces' screens and budget checks read through them. The sync puts back, before it
 * starts, any that a load stopped by a crash left out (lib/ingest/sync.ts).
 */
import { engineOf, type Db } from "../server/db";
import { inList } from "../server/sql";

interface DeferredIndex {
  name: string;
  table: string;
  columns: readonly string[];
}

/** An index named as Prisma names it (table, columns, "idx") unless the schema maps a name. */
const index = (
  table: string,
  columns: readonly string[],
  name = `${table}_${columns.join("_")}_idx`,
): DeferredIndex => ({ name, table, columns });

/** Exactly as the migrations create them (both engines); an integration test compares. */
export const DEFERRED_INDEXES: readonly DeferredIndex[] = [
  index("UsageRecord", ["workspaceId", "memberId", "day"]),
  index("UsageDailyRollup", ["workspaceId", "memberKey", "day"]),
  index(
    "UsageMemberDayTotal",
    [
      "workspaceId",
      "memberKey",
      "day",
      "creditsMicros",
      "costMicros",
      "estimatedCostMicros",
      "inputTokens",
      "cachedInputTokens",
      "outputTokens",
      "requests",
      "unpricedRequests",
      "seatEstimateMicros",
      "seatCreditsMicros",
    ],
    "UsageMemberDayTotal_member_day_all",
  ),
  // a month's top spenders: every batch moves each member's entry (their month's amount grew)
  index("UsageMemberMonthTotal", ["workspaceId", "month", "creditsMicros"]),
  index("UsageMemberMonthTotal", ["workspaceId", "month", "costMicros"]),
];

const NAMES = DEFERRED_INDEXES.map((i) => i.name);

async function presentIndexes(db: Db): Promise<Set<string>> {
  const sql =
    engineOf(db) === "postgres"
      ? `SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN ${inList("postgres", NAMES.length)}`
      : `SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ${inList("sqlite", NAMES.length)}`;
  const rows = await db.$queryRawUnsafe<{ name: string }[]>(sql, ...NAMES);
  return new Set(rows.map((r) => r.name));
}

/**
 * Drops the deferred indexes when no usage row exists yet in any workspace; whether it did
 * (then the caller builds them again with restoreDeferredIndexes when the load ends).
 */
export async function deferIndexesIfEmpty(db: Db): Promise<boolean> {
  const any = await db.$queryRawUnsafe<unknown[]>(`SELECT 1 AS one FROM "UsageRecord" LIMIT 1`);
  if (any.length) return false;
  for (const index of DEFERRED_INDEXES)
    await db.$executeRawUnsafe(`DROP INDEX IF EXISTS "${index.name}"`);
  return true;
}

/** Builds any deferred index that is missing (a catalog read when none is); the names built. */
export async function restoreDeferredIndexes(db: Db): Promise<string[]> {
  const present = await presentIndexes(db);
  const missing = DEFERRED_INDEXES.filter((i) => !present.has(i.name));
  if (!missing.length) return [];
  await db.$transaction(
    async (tx) => {
      // PostgreSQL sorts the index in memory instead of on disk (the default is 64 MB)
      if (engineOf(db) === "postgres")
        await tx.$executeRawUnsafe(`SET LOCAL maintenance_work_mem = '512MB'`);
      for (const index of missing)
        await tx.$executeRawUnsafe(
          `CREATE INDEX IF NOT EXISTS "${index.name}" ON "${index.table}"(${index.columns.map((c) => `"${c}"`).join(", ")})`,
        );
    },
    { maxWait: 30_000, timeout: 1_800_000 },
  );
  return missing.map((i) => i.name);
}
