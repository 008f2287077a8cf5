import { afterEach, describe, expect, it } from "vitest";

import { listRuns } from "@/lib/connections/connections";
import { eachDay } from "@/lib/core/period";
import { usageForDay } from "@/lib/ingest/simulator/enterprise";
import { runSync, SyncBusyError } from "@/lib/ingest/sync";
import type { SourceAdapter, UsagePage } from "@/lib/ingest/types";
import { acquireLease, releaseLease } from "@/lib/server/lease";

import { resetAppNow, setAppNow } from "../helpers/app-clock";
import { at, msFrom, TEST_NOW } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { simulatedWorkspace } from "../helpers/simulator";

const window = { start: "2026-11-01", end: "2026-11-10" };
const NOW = TEST_NOW;

async function usageTotals(workspaceId: string) {
  const db = await testDb();
  const raw = await db.usageRecord.aggregate({
    where: { workspaceId },
    _sum: { costMicros: true, creditsMicros: true, inputTokens: true },
    _count: true,
  });
  const rolled = await db.usageDailyRollup.aggregate({
    where: { workspaceId },
    _sum: { costMicros: true, creditsMicros: true, inputTokens: true },
  });
  return { raw, rolled };
}

describe("sync engine", () => {
  it("ingests the simulator, attributes usage to members and keeps rollups equal to the facts", async () => {
    const db = await testDb();
    const { workspace, connection, adapter } = await simulatedWorkspace(db);
    const result = await runSync({
      db,
      connectionId: connection.id,
      adapter,
      window,
    });
    expect(result.status).toBe("SUCCEEDED");
    expect(result.pages).toBe(10);
    expect(result.rowsInserted).toBe(result.rowsRead);
    const { raw, rolled } = await usageTotals(workspace.id);
    expect(raw._count).toBe(result.rowsRead);
    expect(rolled._sum.costMicros).toBe(raw._sum.costMicros);
    expect(rolled._sum.creditsMicros).toBe(raw._sum.creditsMicros);
    expect(rolled._sum.inputTokens).toBe(raw._sum.inputTokens);
    expect(await db.member.count({ where: { workspaceId: workspace.id } })).toBe(25);
    const attributed = await db.usageRecord.count({
      where: { workspaceId: workspace.id, memberId: { not: null } },
    });
    const unattributed = await db.usageRecord.count({
      where: { workspaceId: workspace.id, memberId: null },
    });
    expect(attributed).toBeGreaterThan(0);
    expect(unattributed).toBeGreaterThan(0); // the shared CI key stays visible, never dropped
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: result.runId } });
    expect(run.status).toBe("SUCCEEDED");
    expect((await db.connection.findUniqueOrThrow({ where: { id: connection.id } })).dataAsOf).toBe(
      "2026-11-10",
    );
  });

  it("changes nothing when the same window is synced again", async () => {
    const db = await testDb();
    const { workspace, connection, adapter } = await simulatedWorkspace(db);
    const first = await runSync({
      db,
      connectionId: connection.id,
      adapter,
      window,
    });
    const before = await usageTotals(workspace.id);
    for (let i = 0; i < 2; i++) {
      const again = await runSync({
        db,
        connectionId: connection.id,
        adapter,
        window,
      });
      expect(again.status).toBe("SUCCEEDED");
      expect(again.rowsInserted).toBe(0);
      expect(again.rowsUpdated).toBe(0);
      expect(again.rowsUnchanged).toBe(first.rowsRead);
    }
    expect(await usageTotals(workspace.id)).toEqual(before);
  });

  it("replaces a restated day instead of adding to it, and drops rows the provider no longer reports", async () => {
    const db = await testDb();
    const { workspace, connection, adapter } = await simulatedWorkspace(db);
    await runSync({
      db,
      connectionId: connection.id,
      adapter,
      window,
    });
    const day = "2026-11-04";
    const original = await db.usageRecord.findMany({ where: { connectionId: connection.id, day } });
    // The provider restates 2026-11-04: every row halves and one row disappears.
    const restating: SourceAdapter = {
      ...adapter,
      directory: undefined,
      async *pages(w, cursor, ctx) {
        for await (const page of adapter.pages(w, cursor, ctx)) {
          if (!page.completeDays.includes(day)) continue;
          const rows = page.rows.slice(1).map((r) => ({
            ...r,
            costMicros: r.costMicros / 2n,
            estimatedCostMicros: r.estimatedCostMicros / 2n,
            creditsMicros: r.creditsMicros === null ? null : r.creditsMicros / 2n,
          }));
          yield { ...page, rows } satisfies UsagePage;
        }
      },
    };
    const result = await runSync({
      db,
      connectionId: connection.id,
      adapter: restating,
      window: { start: day, end: day },
    });
    expect(result.status).toBe("SUCCEEDED");
    expect(result.rowsRemoved).toBe(1);
    const after = await db.usageRecord.findMany({ where: { connectionId: connection.id, day } });
    expect(after).toHaveLength(original.length - 1);
    const rolled = await db.usageDailyRollup.aggregate({
      where: { workspaceId: workspace.id, day },
      _sum: { costMicros: true },
    });
    expect(rolled._sum.costMicros).toBe(after.reduce((s, r) => s + r.costMicros, 0n));
  });

  it("fails a run on a bad page, keeps earlier pages and resumes from the cursor", async () => {
    const db = await testDb();
    const { workspace, connection, adapter } = await simulatedWorkspace(db);
    let failOn: string | null = "2026-11-06";
    const flaky: SourceAdapter = {
      ...adapter,
      async *pages(w, cursor, ctx) {
        for await (const page of adapter.pages(w, cursor, ctx)) {
          if (page.label === failOn)
            throw new Error("usage page 2026-11-06: data[3].input_tokens: expected number");
          yield page;
        }
      },
    };
    const failed = await runSync({
      db,
      connectionId: connection.id,
      adapter: flaky,
      window,
    });
    expect(failed.status).toBe("FAILED");
    expect(failed.error).toMatch(/input_tokens/);
    expect(failed.pages).toBe(5);
    const days = await db.usageRecord.groupBy({
      by: ["day"],
      where: { workspaceId: workspace.id },
    });
    expect(
      days
        .map((d) => d.day)
        .sort()
        .at(-1),
    ).toBe("2026-11-05");
    const saved = await db.connection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(saved.lastStatus).toBe("failed");
    expect(saved.cursorJson).toContain("2026-11-06");

    failOn = null;
    const resumed = await runSync({
      db,
      connectionId: connection.id,
      adapter: flaky,
      window,
    });
    expect(resumed.status).toBe("SUCCEEDED");
    expect(resumed.pages).toBe(5); // only 11-06 .. 11-10
    const expected = eachDay(window.start, window.end).reduce(
      (n, d) => n + usageForDay(adapter.enterprise, d).length,
      0,
    );
    expect(failed.rowsRead + resumed.rowsRead).toBe(expected);
    expect(await db.usageRecord.count({ where: { workspaceId: workspace.id } })).toBe(expected);
  });

  it("refuses a second concurrent sync of one connection", async () => {
    const db = await testDb();
    const { connection, adapter } = await simulatedWorkspace(db);
    // runSync takes its lease on the machine's clock: held 10 minutes, longer than this test may run
    expect(await acquireLease(db, `sync:${connection.id}`, "other-process", 600_000)).toBe(true);
    await expect(
      runSync({ db, connectionId: connection.id, adapter, window }),
    ).rejects.toBeInstanceOf(SyncBusyError);
    await releaseLease(db, `sync:${connection.id}`, "other-process");
    const results = await Promise.allSettled([
      runSync({ db, connectionId: connection.id, adapter, window }),
      runSync({ db, connectionId: connection.id, adapter, window }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(
      results.filter((r) => r.status === "rejected" && r.reason instanceof SyncBusyError),
    ).toHaveLength(1);
  });

  it("takes over an expired lease", async () => {
    const db = await testDb();
    const { connection } = await simulatedWorkspace(db);
    const name = `sync:${connection.id}`;
    // leases compare the `now` they are given: a 1 ms lease taken at NOW has run out 10 s later
    expect(await acquireLease(db, name, "crashed", 1, NOW)).toBe(true);
    expect(await acquireLease(db, name, "too-early", 60_000, NOW)).toBe(false);
    expect(await acquireLease(db, name, "new-holder", 60_000, msFrom(NOW, 10_000))).toBe(true);
    expect(await acquireLease(db, name, "third", 60_000, msFrom(NOW, 10_000))).toBe(false);
  });
});

describe("sync runs on the app's clock", () => {
  afterEach(() => resetAppNow());

  it("stamps a run and its connection with the app's clock, a failed run too", async () => {
    const db = await testDb();
    const { connection, adapter } = await simulatedWorkspace(db);
    const pinned = at("2026-11-05T08:00:00Z"); // weeks from TEST_NOW and from the machine's date
    const soon = (d: Date | null) =>
      d !== null && d >= pinned && d.getTime() - pinned.getTime() < 600_000;
    setAppNow(pinned);
    const ok = await runSync({ db, connectionId: connection.id, adapter, window });
    expect(ok.status).toBe("SUCCEEDED");
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: ok.runId } });
    expect([soon(run.startedAt), soon(run.finishedAt)]).toEqual([true, true]);
    expect(run.finishedAt!.getTime()).toBeGreaterThanOrEqual(run.startedAt.getTime());
    const c = await db.connection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(soon(c.lastSyncAt)).toBe(true);

    const broken: SourceAdapter = {
      ...adapter,
      async *pages() {
        throw new Error("usage page: expected number");
      },
    };
    const failed = await runSync({ db, connectionId: connection.id, adapter: broken, window });
    expect(failed.status).toBe("FAILED");
    const bad = await db.syncRun.findUniqueOrThrow({ where: { id: failed.runId } });
    expect([soon(bad.startedAt), soon(bad.finishedAt)]).toEqual([true, true]);
    const after = await db.connection.findUniqueOrThrow({ where: { id: connection.id } });
    expect([after.lastStatus, soon(after.lastSyncAt)]).toEqual(["failed", true]);
  });

  it("lists runs started at the same instant by id, newest first: one order on every read, on either engine", async () => {
    const db = await testDb();
    const { workspace, connection } = await simulatedWorkspace(db);
    const instant = at("2026-11-05T08:00:00Z");
    const run = (id?: string) =>
      db.syncRun.create({
        data: {
          ...(id ? { id } : {}),
          workspaceId: workspace.id,
          connectionId: connection.id,
          windowStart: window.start,
          windowEnd: window.end,
          startedAt: instant,
        },
      });
    // ids that do not sort in the order the runs were written: without the tie-break the rows
    // of one instant come back in storage order (SQLite: written order, or its reverse through
    // the (connectionId, startedAt) index), which is neither of these ids' orders
    const scrambled = ["g", "c", "k", "a", "i", "e", "b", "l", "f", "j", "d", "h"].map(
      (x) => `${connection.id}-${x}`,
    );
    for (const id of scrambled) await run(id);
    const byIdNewestFirst = [...scrambled].sort().reverse();
    expect(byIdNewestFirst).not.toEqual(scrambled);
    expect(byIdNewestFirst).not.toEqual([...scrambled].reverse());
    const listed = await listRuns(db, workspace.id, connection.id);
    expect(listed.map((r) => r.id)).toEqual(byIdNewestFirst);
    // and the same order on every read
    expect((await listRuns(db, workspace.id, connection.id)).map((r) => r.id)).toEqual(
      byIdNewestFirst,
    );
  });

  it("lists runs the app created at the same instant newest created first (cuid ids sort by creation)", async () => {
    const db = await testDb();
    const { workspace, connection } = await simulatedWorkspace(db);
    const instant = at("2026-11-05T08:00:00Z");
    const made: string[] = [];
    for (let i = 0; i < 12; i++)
      made.push(
        (
          await db.syncRun.create({
            data: {
              workspaceId: workspace.id,
              connectionId: connection.id,
              windowStart: window.start,
              windowEnd: window.end,
              startedAt: instant,
            },
          })
        ).id,
      );
    const listed = await listRuns(db, workspace.id, connection.id);
    expect(listed.map((r) => r.id)).toEqual([...made].reverse());
  });
});
