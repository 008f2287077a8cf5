/**
 * PostgreSQL: a first load into an empty usage table (deferred-indexes.ts says when) checks
 * the usage tables' foreign keys once at its end instead of row by row. `EXPLAIN ANALYZE` of a
 * bulk batch's fact insert: the three foreign-key triggers on UsageRecord took 38 % of it, and
 * every rollup table checks its own workspace key (19 µs a row on the daily rollup).
 *
 * At the end, what each key's ON DELETE would have done to rows written while it was away (a
 * member or a workspace deleted during the load) is done first, with the referenced tables
 * locked against deletes, and the key is added back, validated in one join. The sync puts
 * back, before it starts, any that a crashed load left out. SQLite keeps its keys: they are
 * switched per connection and not inside a transaction.
 */
import { engineOf, type Db } from "../server/db";
import { inList } from "../server/sql";

const ROLLUP_TABLES = [
  "UsageDailyRollup",
  "UsageDayTotal",
  "UsageMemberMonth",
  "UsageMemberDayTotal",
  "UsageMemberMonthTotal",
  "UsageMemberMonthDays",
  "UsageGroupDayTotal",
  "UsageGroupMonthTotal",
  "UsageCostCenterDayTotal",
  "UsageCostCenterMonthTotal",
] as const;

interface ForeignKey {
  name: string;
  table: string;
  column: string;
  references: "Workspace" | "Connection" | "Member";
  onDelete: "CASCADE" | "SET NULL";
}

const key = (
  table: string,
  column: string,
  references: ForeignKey["references"],
  onDelete: ForeignKey["onDelete"] = "CASCADE",
): ForeignKey => ({ name: `${table}_${column}_fkey`, table, column, references, onDelete });

/** Exactly as the migrations create them (ON UPDATE CASCADE, Prisma's default); an integration test compares. */
export const DEFERRED_FOREIGN_KEYS: readonly ForeignKey[] = [
  key("UsageRecord", "workspaceId", "Workspace"),
  key("UsageRecord", "connectionId", "Connection"),
  key("UsageRecord", "memberId", "Member", "SET NULL"),
  ...ROLLUP_TABLES.map((table) => key(table, "workspaceId", "Workspace")),
];

/** Drops the usage tables' foreign keys on PostgreSQL (the caller found the usage table empty). */
export async function deferForeignKeys(db: Db): Promise<void> {
  if (engineOf(db) !== "postgres") return;
  for (const k of DEFERRED_FOREIGN_KEYS)
    await db.$executeRawUnsafe(`ALTER TABLE "${k.table}" DROP CONSTRAINT IF EXISTS "${k.name}"`);
}

/** Adds back any deferred foreign key that is missing (a catalog read when none is); the names added. */
export async function restoreForeignKeys(db: Db): Promise<string[]> {
  if (engineOf(db) !== "postgres") return [];
  const names = DEFERRED_FOREIGN_KEYS.map((k) => k.name);
  const present = await db.$queryRawUnsafe<{ name: string }[]>(
    `SELECT conname AS name FROM pg_constraint WHERE contype = 'f' AND conname IN ${inList("postgres", names.length)}`,
    ...names,
  );
  const have = new Set(present.map((r) => r.name));
  const missing = DEFERRED_FOREIGN_KEYS.filter((k) => !have.has(k.name));
  if (!missing.length) return [];
  await db.$transaction(
    async (tx) => {
      // no referenced row may go between the clean-up and the check (adding a key takes this lock too)
      const referenced = [...new Set(missing.map((k) => `"${k.references}"`))].join(", ");
      await tx.$executeRawUnsafe(`LOCK TABLE ${referenced} IN SHARE ROW EXCLUSIVE MODE`);
      await tx.$executeRawUnsafe(`SET LOCAL work_mem = '256MB'`);
      for (const k of missing) {
        // what the key's ON DELETE would have done to rows written while it was away
        const orphan = `t."${k.column}" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "${k.references}" x WHERE x."id" = t."${k.column}")`;
        await tx.$executeRawUnsafe(
          k.onDelete === "CASCADE"
            ? `DELETE FROM "${k.table}" t WHERE ${orphan}`
            : `UPDATE "${k.table}" t SET "${k.column}" = NULL WHERE ${orphan}`,
        );
        await tx.$executeRawUnsafe(
          `ALTER TABLE "${k.table}" ADD CONSTRAINT "${k.name}" FOREIGN KEY ("${k.column}") REFERENCES "${k.references}"("id") ON DELETE ${k.onDelete} ON UPDATE CASCADE`,
        );
      }
    },
    { maxWait: 30_000, timeout: 1_800_000 },
  );
  return missing.map((k) => k.name);
}
