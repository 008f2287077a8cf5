import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createConnection } from "@/lib/connections/connections";
import { runDueSyncs } from "@/lib/connections/scheduler";

import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import { makeWorkspace, testDb } from "../helpers/db";

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
});

describe("scheduled syncs", () => {
  it("run each due connection once even when two schedulers race, then wait for the next slot", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const dto = await createConnection(
      db,
      ws.id,
      {
        kind: "openai",
        name: "sched",
        baseUrl: fake.openaiBase,
        apiKey: "sk-admin-fake-openai",
        backfillFrom: "2026-11-01",
        scheduleMinutes: 60,
      },
      { memberId: null, label: "test" },
    );
    const now = new Date("2026-11-10T12:00:00Z");
    const [a, b] = await Promise.all([runDueSyncs(db, now), runDueSyncs(db, now)]);
    const mine = [...a, ...b].filter((o) => o.connectionId === dto.id);
    expect(mine.filter((o) => o.result?.status === "SUCCEEDED")).toHaveLength(1);
    expect(await db.syncRun.count({ where: { connectionId: dto.id } })).toBe(1);
    const c = await db.connection.findUniqueOrThrow({ where: { id: dto.id } });
    expect(c.nextSyncAt?.toISOString()).toBe("2026-11-10T13:00:00.000Z");
    expect(c.syncedThrough).toBe("2026-11-10");

    const later = await runDueSyncs(db, new Date("2026-11-10T12:30:00Z"));
    expect(later.some((o) => o.connectionId === dto.id)).toBe(false);
    const next = await runDueSyncs(db, new Date("2026-11-10T13:00:00Z"));
    expect(next.find((o) => o.connectionId === dto.id)?.result?.status).toBe("SUCCEEDED");
    // incremental: re-reads the trailing days only
    const runs = await db.syncRun.findMany({
      where: { connectionId: dto.id },
      orderBy: { startedAt: "asc" },
    });
    expect(runs.map((r) => [r.windowStart, r.trigger])).toEqual([
      ["2026-11-01", "schedule"],
      ["2026-11-07", "schedule"],
    ]);
  });
});
