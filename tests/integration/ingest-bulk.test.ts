/**
 * The bulk path of a first load or a backfill (pages gathered into large transactions,
 * rollups rebuilt once per batch) leaves exactly the rows and rollups that writing page by
 * page leaves — on a plain first load, and on pages that restate, repeat and overlap each
 * other over rows already in the table.
 */
import { describe, expect, it } from "vitest";

import { simulatorAdapter, simulatorConfigSchema } from "@/lib/ingest/adapters/simulator";
import {
  deferForeignKeys,
  DEFERRED_FOREIGN_KEYS,
  restoreForeignKeys,
} from "@/lib/ingest/deferred-foreign-keys";
import { DEFERRED_INDEXES } from "@/lib/ingest/deferred-indexes";
import { usageForDay } from "@/lib/ingest/simulator/enterprise";
import { runSync, type SyncOptions } from "@/lib/ingest/sync";
import type { SourceAdapter, UsagePage, UsageRow } from "@/lib/ingest/types";
import { loadWorkspaceLimits } from "@/lib/limits/load-effective-limits";
import { engineOf, type Db } from "@/lib/server/db";

import { at } from "../helpers/clock";
import { isolatedDb, makeWorkspace, testDb } from "../helpers/db";

const window = { start: "2026-11-01", end: "2026-11-12" };

async function simulated(db: Db) {
  const workspace = await makeWorkspace(db);
  const config = simulatorConfigSchema.parse({
    seed: 23,
    domain: "bulk.example", // the same people in every workspace, so their rows compare
    members: 30,
    groups: 4,
    endDay: window.end,
    demoPeople: true,
  });
  const connection = await db.connection.create({
    data: { workspaceId: workspace.id, kind: "simulator", name: "sim", configJson: "{}" },
  });
  return { workspace, connection, adapter: simulatorAdapter(config) };
}

type Row = Record<string, unknown>;

/** Every fact and derived row of a workspace, with ids replaced by what they name. */
async function snapshot(db: Db, workspaceId: string) {
  const emails = new Map(
    (await db.member.findMany({ where: { workspaceId }, select: { id: true, email: true } })).map(
      (m) => [m.id, m.email],
    ),
  );
  const groups = new Map(
    (await db.group.findMany({ where: { workspaceId }, select: { id: true, name: true } })).map(
      (g) => [g.id, g.name],
    ),
  );
  const name = (r: Row): string => {
    const { id: _id, workspaceId: _w, connectionId: _c, lastRunId: _r, ...rest } = r;
    for (const k of ["memberId", "memberKey"])
      if (k in rest) rest[k] = emails.get(rest[k] as string) ?? rest[k];
    if ("groupId" in rest) rest.groupId = groups.get(rest.groupId as string) ?? rest.groupId;
    return JSON.stringify(rest, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  };
  const where = { where: { workspaceId } };
  const tables = {
    facts: await db.usageRecord.findMany(where),
    daily: await db.usageDailyRollup.findMany(where),
    dayTotals: await db.usageDayTotal.findMany(where),
    memberMonth: await db.usageMemberMonth.findMany(where),
    memberDay: await db.usageMemberDayTotal.findMany(where),
    memberMonthTotal: await db.usageMemberMonthTotal.findMany(where),
    memberMonthDays: await db.usageMemberMonthDays.findMany(where),
    groupDay: await db.usageGroupDayTotal.findMany(where),
    groupMonth: await db.usageGroupMonthTotal.findMany(where),
    costCenterDay: await db.usageCostCenterDayTotal.findMany(where),
    costCenterMonth: await db.usageCostCenterMonthTotal.findMany(where),
  };
  return Object.fromEntries(
    Object.entries(tables).map(([k, rows]) => [k, (rows as Row[]).map(name).sort()]),
  );
}

async function syncBoth(
  db: Db,
  adapterOf: (a: ReturnType<typeof simulatorAdapter>) => SourceAdapter,
  runs: Array<Partial<Pick<SyncOptions, "mode" | "bulkRows" | "window">>>,
) {
  const out = [];
  for (const run of runs) {
    const sim = await simulated(db);
    const result = await runSync({
      db,
      connectionId: sim.connection.id,
      adapter: adapterOf(sim.adapter),
      ...run,
      window: run.window ?? window,
    });
    expect(result.status, result.error).toBe("SUCCEEDED");
    out.push({ sim, result });
  }
  return out;
}

describe("bulk ingestion", () => {
  it("a first load in large batches leaves the rows and rollups of a page-by-page load", async () => {
    const db = await testDb();
    const [pageByPage, oneBatch, batches, auto] = await syncBoth(db, (a) => a, [
      { mode: "incremental" },
      { mode: "bulk" },
      { mode: "bulk", bulkRows: 150 }, // a few days per transaction
      { bulkRows: 150 }, // "auto": a first load takes the bulk path
    ]);
    const expected = await snapshot(db, pageByPage!.sim.workspace.id);
    expect(expected.facts!.length).toBeGreaterThan(300);
    expect(expected.groupDay!.length).toBeGreaterThan(0);
    for (const run of [oneBatch!, batches!, auto!]) {
      expect(run.result.pages).toBe(12);
      expect(run.result.rowsInserted).toBe(pageByPage!.result.rowsInserted);
      expect(await snapshot(db, run.sim.workspace.id)).toEqual(expected);
    }
    // the connection now has rows in the window: "auto" syncs it again page by page, changing nothing
    const again = await runSync({
      db,
      connectionId: auto!.sim.connection.id,
      adapter: auto!.sim.adapter,
      window,
    });
    expect(again.rowsInserted + again.rowsUpdated + again.rowsRemoved).toBe(0);
    expect(await snapshot(db, auto!.sim.workspace.id)).toEqual(expected);
  });

  it("pages that restate, repeat and overlap each other give the same result in one batch as one by one", async () => {
    const db = await testDb();
    const [d1, d2, d3] = ["2026-11-02", "2026-11-03", "2026-11-04"] as const;
    const half = (r: UsageRow): UsageRow => ({
      ...r,
      costMicros: r.costMicros / 2n,
      creditsMicros: r.creditsMicros === null ? null : r.creditsMicros / 2n,
      requests: r.requests + 1n,
    });
    // over rows already written by a first sync of d1..d3: a restatement of d1 that drops two
    // rows and changes one, a non-final page of d2, its restatement without that page's first
    // row (dropped though an earlier page of the same batch wrote it) and with a row reported
    // twice (summed), a later page changing one row of d1 again (replaces), and a complete d3
    // without its first row
    const crafted = (a: ReturnType<typeof simulatorAdapter>): SourceAdapter => ({
      ...a,
      async *pages() {
        const day = (d: string) => usageForDay(a.enterprise, d);
        const pages: UsagePage[] = [
          { completeDays: [d1], rows: [half(day(d1)[2]!), ...day(d1).slice(3)], label: "a" },
          { completeDays: [], rows: day(d2).map(half), label: "b" },
          { completeDays: [d2], rows: [day(d2)[1]!, ...day(d2).slice(1)], label: "c" },
          { completeDays: [], rows: [half(half(day(d1)[4]!))], label: "d" },
          { completeDays: [d3], rows: day(d3).slice(1), label: "e" },
        ].map((p, i, all) => ({ ...p, nextCursor: i < all.length - 1 ? p.label : null }));
        yield* pages;
      },
    });
    const plain = (a: ReturnType<typeof simulatorAdapter>) => a;
    const first = { window: { start: d1, end: d3 } };
    const workspaces = [];
    for (const run of [
      { mode: "incremental" as const },
      { mode: "bulk" as const },
      { mode: "bulk" as const, bulkRows: 40 },
    ]) {
      const [seeded] = await syncBoth(db, plain, [{ mode: "incremental", ...first }]);
      const result = await runSync({
        db,
        connectionId: seeded!.sim.connection.id,
        adapter: crafted(seeded!.sim.adapter),
        window: first.window,
        ...run,
      });
      expect(result.status, result.error).toBe("SUCCEEDED");
      expect(result.pages).toBe(5);
      expect(result.rowsRemoved).toBeGreaterThanOrEqual(4); // two of d1, one of d2, one of d3
      workspaces.push(seeded!.sim.workspace.id);
    }
    const expected = await snapshot(db, workspaces[0]!);
    const d2Rows = usageForDay(
      (await simulated(db)).adapter.enterprise, // the same enterprise (same seed and domain)
      d2,
    ).length;
    expect(expected.facts!.filter((f) => f.includes(`"day":"${d2}"`))).toHaveLength(d2Rows - 1);
    for (const id of workspaces.slice(1)) expect(await snapshot(db, id)).toEqual(expected);
  });

  it("a first load into an empty usage table builds the member-ordered indexes (and on PostgreSQL checks the foreign keys) at its end as the migrations define them, and a sync puts back what a stopped load left out", async () => {
    const postgres = engineOf(await testDb()) === "postgres";
    const names: string[] = [
      ...DEFERRED_INDEXES.map((i) => i.name),
      // SQLite keeps its foreign keys during a load
      ...(postgres ? DEFERRED_FOREIGN_KEYS.map((k) => k.name) : []),
    ];
    /** The deferred indexes' and foreign keys' definitions as the database states them. */
    const definitions = async (db: Db) => {
      const rows = postgres
        ? await db.$queryRawUnsafe<{ name: string; def: string }[]>(
            `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema()
             UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'`,
          )
        : await db.$queryRawUnsafe<{ name: string; def: string }[]>(
            `SELECT name, sql AS def FROM sqlite_master WHERE type = 'index'`,
          );
      return Object.fromEntries(
        rows.filter((r) => names.includes(r.name)).map((r) => [r.name, r.def]),
      );
    };
    const fresh = await isolatedDb();
    const loaded = await isolatedDb();
    try {
      const migrated = await definitions(fresh.db);
      expect(Object.keys(migrated).sort()).toEqual([...names].sort());

      // the load: indexes dropped while it runs (seen from inside a page), built at its end
      const sim = await simulated(loaded.db);
      // a weekly budget: the limits read the period from the daily rollup, whose member index is away
      await loaded.db.workspace.update({
        where: { id: sim.workspace.id },
        data: { budgetPeriod: "WEEKLY" },
      });
      const seen: number[] = [];
      const limitsRead: number[] = [];
      const watched: SourceAdapter = {
        ...sim.adapter,
        async *pages(w, cursor, ctx) {
          for await (const page of sim.adapter.pages(w, cursor, ctx)) {
            seen.push(Object.keys(await definitions(loaded.db)).length);
            // the screens and checks keep answering while the load runs
            const limits = await loadWorkspaceLimits(
              loaded.db,
              sim.workspace.id,
              at(`${window.end}T12:00:00Z`),
            );
            limitsRead.push(limits.members.length);
            yield page;
          }
        },
      };
      const result = await runSync({
        db: loaded.db,
        connectionId: sim.connection.id,
        adapter: watched,
        window,
        bulkRows: 150,
      });
      expect(result.status, result.error).toBe("SUCCEEDED");
      expect(seen).toEqual(Array(12).fill(0));
      expect(limitsRead.length).toBe(12);
      expect(limitsRead.at(-1)).toBeGreaterThan(0);
      expect(await definitions(loaded.db)).toEqual(migrated);
      // the same rows and rollups as a load with the indexes in place (the shared test database)
      const [reference] = await syncBoth(await testDb(), (a) => a, [{ mode: "incremental" }]);
      expect(await snapshot(loaded.db, sim.workspace.id)).toEqual(
        await snapshot(await testDb(), reference!.sim.workspace.id),
      );

      // a load stopped by a crash leaves them out: the next sync of any connection builds them first
      for (const name of DEFERRED_INDEXES.map((i) => i.name))
        await loaded.db.$executeRawUnsafe(`DROP INDEX "${name}"`);
      if (postgres)
        for (const k of DEFERRED_FOREIGN_KEYS)
          await loaded.db.$executeRawUnsafe(`ALTER TABLE "${k.table}" DROP CONSTRAINT "${k.name}"`);
      const again = await runSync({
        db: loaded.db,
        connectionId: sim.connection.id,
        adapter: sim.adapter,
        window,
      });
      expect(again.status, again.error).toBe("SUCCEEDED");
      expect(again.rowsInserted + again.rowsUpdated + again.rowsRemoved).toBe(0);
      expect(await definitions(loaded.db)).toEqual(migrated);
    } finally {
      await fresh.close();
      await loaded.close();
    }
  });

  it("putting the foreign keys back applies their ON DELETE to rows left pointing at nothing while they were away (PostgreSQL; SQLite keeps its keys)", async () => {
    const loaded = await isolatedDb();
    try {
      const [run] = await syncBoth(loaded.db, (a) => a, [{ mode: "incremental" }]);
      const workspaceId = run!.sim.workspace.id;
      const keysOnFacts = async () =>
        engineOf(loaded.db) === "postgres"
          ? (
              await loaded.db.$queryRawUnsafe<{ n: bigint }[]>(
                `SELECT COUNT(*) AS n FROM pg_constraint WHERE contype = 'f' AND conrelid = '"UsageRecord"'::regclass`,
              )
            )[0]!.n
          : BigInt(
              (await loaded.db.$queryRawUnsafe<unknown[]>(`PRAGMA foreign_key_list("UsageRecord")`))
                .length,
            );
      await deferForeignKeys(loaded.db);
      if (engineOf(loaded.db) === "sqlite") {
        expect(await keysOnFacts()).toBe(3n);
        expect(await restoreForeignKeys(loaded.db)).toEqual([]);
        return;
      }
      expect(await keysOnFacts()).toBe(0n);
      // while the keys are away: a person with usage is deleted (no SET NULL fires), and a
      // rollup row is left naming a workspace that does not exist (no CASCADE can reach it)
      const fact = await loaded.db.usageRecord.findFirstOrThrow({
        where: { workspaceId, memberId: { not: null } },
      });
      const theirRows = await loaded.db.usageRecord.count({ where: { memberId: fact.memberId } });
      await loaded.db.member.delete({ where: { id: fact.memberId! } });
      await loaded.db.usageDayTotal.create({
        data: {
          workspaceId: "no-such-workspace",
          day: "2026-11-01",
          product: "codex",
          model: "m",
          provider: "openai",
        },
      });
      expect((await restoreForeignKeys(loaded.db)).sort()).toEqual(
        DEFERRED_FOREIGN_KEYS.map((k) => k.name).sort(),
      );
      expect(await keysOnFacts()).toBe(3n);
      expect(await loaded.db.usageRecord.count({ where: { memberId: fact.memberId } })).toBe(0);
      expect(await loaded.db.usageRecord.count({ where: { id: fact.id, memberId: null } })).toBe(1);
      expect(theirRows).toBeGreaterThan(0);
      expect(
        await loaded.db.usageDayTotal.count({ where: { workspaceId: "no-such-workspace" } }),
      ).toBe(0);
      expect(await restoreForeignKeys(loaded.db)).toEqual([]);
    } finally {
      await loaded.close();
    }
  });
});
