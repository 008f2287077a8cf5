import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { schedulerTick } from "@/lib/scheduler/tick";
import type { Db } from "@/lib/server/db";

import { isolatedDb } from "../helpers/db";
import { simulatedWorkspace } from "../helpers/simulator";

// A pass walks every workspace in the database, so it gets a database of its own: on the
// shared one its cost would grow with every test file that ran before it.
let iso: Awaited<ReturnType<typeof isolatedDb>>;
let testDb: () => Promise<Db>;
beforeAll(async () => {
  iso = await isolatedDb();
  testDb = async () => iso.db;
}, 120_000);
afterAll(async () => {
  await iso?.close();
});

describe("scheduler", () => {
  it("runs a due sync once, then waits for its schedule, also when two processes tick at once", async () => {
    const db = await testDb();
    const { connection } = await simulatedWorkspace(db, { members: 8 });
    await db.connection.update({
      where: { id: connection.id },
      data: { scheduleMinutes: 60, backfillFrom: "2026-11-20", nextSyncAt: null },
    });
    const now = new Date("2026-11-22T10:00:00Z");

    const [a, b] = await Promise.all([schedulerTick(db, { now }), schedulerTick(db, { now })]);
    // the losing process sees the connection claimed and skips it
    const mine = [...a.syncs, ...b.syncs].filter(
      (s) => s.connection === "sim" && s.status !== "SKIPPED",
    );
    expect(mine).toEqual([{ connection: "sim", status: "SUCCEEDED" }]);
    expect(await db.syncRun.count({ where: { connectionId: connection.id } })).toBe(1);
    const after = await db.connection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(after.nextSyncAt?.toISOString()).toBe("2026-11-22T11:00:00.000Z");
    expect(after.syncedThrough).toBe("2026-11-22");

    const later = await schedulerTick(db, {
      now: new Date("2026-11-22T10:30:00Z"),
    });
    expect(later.syncs.filter((s) => s.connection === "sim")).toEqual([]);
    const next = await schedulerTick(db, {
      now: new Date("2026-11-22T11:00:00Z"),
    });
    expect(next.syncs.filter((s) => s.connection === "sim")).toEqual([
      { connection: "sim", status: "SUCCEEDED" },
    ]);
    expect(await db.syncRun.count({ where: { connectionId: connection.id } })).toBe(2);
  });

  it("leaves disabled and unscheduled connections alone", async () => {
    const db = await testDb();
    const { connection } = await simulatedWorkspace(db, { members: 5 });
    await db.connection.update({
      where: { id: connection.id },
      data: { scheduleMinutes: 60, enabled: false },
    });
    const other = await simulatedWorkspace(db, { members: 5 });
    await db.connection.update({
      where: { id: other.connection.id },
      data: { scheduleMinutes: null },
    });
    await schedulerTick(db, {
      now: new Date("2026-11-22T10:00:00Z"),
    });
    expect(
      await db.syncRun.count({
        where: { connectionId: { in: [connection.id, other.connection.id] } },
      }),
    ).toBe(0);
  });
});
