import { performance } from "node:perf_hooks";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { runSync, SyncBusyError } from "@/lib/ingest/sync";

import { expectedFigures, loadFixtureData } from "../fake-provider/data";
import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import { testDb } from "../helpers/db";
import {
  addTo,
  asBigInts,
  FIXTURE_WINDOW,
  providerWorkspace,
  TIMEOUT_FAULT_MS,
} from "./ingest-helpers";

const expected = expectedFigures() as {
  openai: { billed_cost_micros_by_day: Record<string, number>; rows: number };
};
const expectedByDay = asBigInts(expected.openai.billed_cost_micros_by_day);
let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
});
afterEach(() => {
  fake.faults.length = 0;
  fake.data = loadFixtureData();
});
afterAll(async () => {
  await fake.close();
});

async function snapshot(workspaceId: string) {
  const db = await testDb();
  const rows = await db.usageRecord.findMany({ where: { workspaceId }, orderBy: { id: "asc" } });
  const byDay: Record<string, bigint> = {};
  for (const r of rows) addTo(byDay, r.day, r.costMicros);
  const keys = new Set(
    rows.map((r) =>
      [r.day, r.identityKey, r.product, r.model, r.project, r.apiKey, r.lineItem].join("|"),
    ),
  );
  const rolled = await db.usageDailyRollup.aggregate({
    where: { workspaceId },
    _sum: { costMicros: true, inputTokens: true },
  });
  const raw = rows.reduce(
    (a, r) => ({ cost: a.cost + r.costMicros, input: a.input + r.inputTokens }),
    { cost: 0n, input: 0n },
  );
  return { rows, byDay, distinctKeys: keys.size, rolled: rolled._sum, raw };
}

function pick(byDay: Record<string, bigint>, days: string[]) {
  return Object.fromEntries(days.map((d) => [d, byDay[d]]));
}

const sync = async (connectionId: string, adapter: Parameters<typeof runSync>[0]["adapter"]) =>
  runSync({
    db: await testDb(),
    connectionId,
    adapter,
    window: FIXTURE_WINDOW,
  });

describe("OpenAI sync: idempotence and restatement", () => {
  it("syncing the same window three times changes nothing", async () => {
    const db = await testDb();
    const { workspace, connection, adapter } = await providerWorkspace(db, fake, "openai");
    const first = await sync(connection.id, adapter);
    expect(first.status).toBe("SUCCEEDED");
    const before = await snapshot(workspace.id);
    for (let i = 0; i < 3; i++) {
      const again = await sync(connection.id, adapter);
      expect(again.status).toBe("SUCCEEDED");
      expect([again.rowsInserted, again.rowsUpdated, again.rowsRemoved]).toEqual([0, 0, 0]);
      expect(again.rowsUnchanged).toBe(first.rowsRead);
    }
    const after = await snapshot(workspace.id);
    expect(after.rows).toEqual(before.rows);
    expect(after.byDay).toEqual(expectedByDay);
  });

  it("a restated day replaces the old values (changed, dropped and re-billed rows)", async () => {
    const db = await testDb();
    const { workspace, connection, adapter } = await providerWorkspace(db, fake, "openai");
    await sync(connection.id, adapter);
    const day = "2026-11-03";
    const usage = fake.data.openai.usage.get(day)!;
    const dropped = usage.pop()!;
    usage[0]!.input_tokens = (usage[0]!.input_tokens as number) + 1000;
    const costs = fake.data.openai.costs.get(day)!;
    (costs[0]!.amount as { value: number }).value += 1.5; // the bill for that day rises by $1.50
    const result = await sync(connection.id, adapter);
    expect(result.status).toBe("SUCCEEDED");
    const snap = await snapshot(workspace.id);
    expect(snap.byDay[day]).toBe(expectedByDay[day]! + 1_500_000n);
    const others = Object.keys(expectedByDay).filter((d) => d !== day);
    expect(pick(snap.byDay, others)).toEqual(pick(expectedByDay, others));
    expect(
      snap.rows.some(
        (r) =>
          r.day === day &&
          r.identityKey === `user_id:${dropped.user_id}` &&
          r.model === dropped.model &&
          r.project === dropped.project_id &&
          r.apiKey === dropped.api_key_id,
      ),
    ).toBe(false);
    expect(snap.rows.filter((r) => !r.lineItem)).toHaveLength(expected.openai.rows - 1);
    expect(snap.rolled.costMicros).toBe(snap.raw.cost);
    expect(snap.rolled.inputTokens).toBe(snap.raw.input);
  });
});

describe("Anthropic sync: idempotence and restatement", () => {
  it("three syncs change nothing; a restated cost day replaces the old bill", async () => {
    const db = await testDb();
    const { workspace, connection, adapter } = await providerWorkspace(db, fake, "anthropic");
    const first = await sync(connection.id, adapter);
    expect(first.status).toBe("SUCCEEDED");
    const before = await snapshot(workspace.id);
    for (let i = 0; i < 3; i++) {
      const again = await sync(connection.id, adapter);
      expect([again.status, again.rowsInserted, again.rowsUpdated, again.rowsRemoved]).toEqual([
        "SUCCEEDED",
        0,
        0,
        0,
      ]);
    }
    expect((await snapshot(workspace.id)).rows).toEqual(before.rows);

    const day = "2026-11-08";
    const costs = fake.data.anthropic.costs.get(day)!;
    costs[0]!.amount = (Number(costs[0]!.amount) + 250).toFixed(5); // +250 cents = +$2.50
    const restated = await sync(connection.id, adapter);
    expect(restated.status).toBe("SUCCEEDED");
    expect(restated.rowsInserted).toBe(0);
    const after = await snapshot(workspace.id);
    expect(after.byDay[day]! - before.byDay[day]!).toBe(2_500_000n);
    expect(after.rows.length).toBe(before.rows.length);
    expect(after.rolled.costMicros).toBe(after.raw.cost);
  });
});

describe("OpenAI sync under provider faults", () => {
  it.each([
    {
      name: "429 with Retry-After",
      fault: {
        path: "/organization/usage/completions",
        kind: "429" as const,
        skip: 1,
        times: 1,
        retryAfter: 1,
      },
    },
    { name: "500 twice", fault: { path: "/organization/costs", kind: "500" as const, times: 2 } },
    {
      name: "a timeout",
      fault: {
        path: "/organization/usage/completions",
        kind: "timeout" as const,
        skip: 1,
        delayMs: TIMEOUT_FAULT_MS,
      },
    },
    {
      name: "a dropped connection",
      fault: { path: "/organization/costs", kind: "crash" as const, skip: 1, times: 1 },
    },
  ])("$name → retried, complete and duplicate-free", async ({ fault }) => {
    const db = await testDb();
    const { workspace, connection, adapter } = await providerWorkspace(db, fake, "openai");
    fake.faults.push(fault);
    const started = performance.now();
    const result = await sync(connection.id, adapter);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe("SUCCEEDED");
    // honoured Retry-After: a lower bound only (a slow machine takes longer, never less); the
    // monotonic clock, so a wall-clock step cannot shorten it. 990: timers may fire a hair early
    if (fault.kind === "429") expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    const snap = await snapshot(workspace.id);
    expect(snap.byDay).toEqual(expectedByDay);
    expect(snap.distinctKeys).toBe(snap.rows.length);
  });

  it("a malformed page fails the run naming the field, commits nothing from it, and a rerun completes", async () => {
    const db = await testDb();
    const { workspace, connection, adapter } = await providerWorkspace(db, fake, "openai");
    fake.faults.push({ path: "/organization/usage/completions", kind: "malformed", skip: 1 });
    const failed = await sync(connection.id, adapter);
    expect(failed.status).toBe("FAILED");
    expect(failed.error).toMatch(
      /^openai usage page 2: data\[2\]\.results\[0\]\.input_tokens: .*expected number/,
    );
    expect(failed.pages).toBe(1);
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: failed.runId } });
    expect(run.status).toBe("FAILED");
    expect(run.error).toContain("input_tokens");
    const partial = await snapshot(workspace.id);
    const firstPage = [
      "2026-11-01",
      "2026-11-02",
      "2026-11-03",
      "2026-11-04",
      "2026-11-05",
      "2026-11-06",
      "2026-11-07",
    ];
    expect(Object.keys(partial.byDay).sort()).toEqual(firstPage); // the bad page wrote nothing
    expect(partial.byDay).toEqual(pick(expectedByDay, firstPage));

    const rerun = await sync(connection.id, adapter);
    expect(rerun.status).toBe("SUCCEEDED");
    expect((await snapshot(workspace.id)).byDay).toEqual(expectedByDay);
  });

  it("a crash between pages leaves the first page committed with its cursor; the next run resumes there", async () => {
    const db = await testDb();
    const { workspace, connection, adapter } = await providerWorkspace(db, fake, "openai", {
      attempts: 2,
    });
    fake.faults.push({
      path: "/organization/usage/completions",
      kind: "crash",
      skip: 1,
      times: Infinity,
    });
    const failed = await sync(connection.id, adapter);
    expect(failed.status).toBe("FAILED");
    expect(failed.pages).toBe(1);
    const saved = await db.connection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(JSON.parse(saved.cursorJson!)).toMatchObject({ cursor: "2026-11-08" });

    fake.faults.length = 0;
    fake.requests.length = 0;
    const resumed = await sync(connection.id, adapter);
    expect(resumed.status).toBe("SUCCEEDED");
    expect(resumed.pages).toBe(1);
    const usageCalls = fake.requests.filter((r) =>
      r.startsWith("/openai/v1/organization/usage/completions"),
    );
    expect(usageCalls[0]).toContain(`start_time=${Date.parse("2026-11-08T00:00:00Z") / 1000}`);
    const snap = await snapshot(workspace.id);
    expect(snap.byDay).toEqual(expectedByDay);
    expect(snap.distinctKeys).toBe(snap.rows.length);
    expect(snap.rows.filter((r) => !r.lineItem)).toHaveLength(expected.openai.rows);
  });

  it("a persistent 500 fails the run after bounded retries and writes nothing", async () => {
    const db = await testDb();
    const { workspace, connection, adapter } = await providerWorkspace(db, fake, "anthropic", {
      attempts: 3,
    });
    fake.faults.push({ path: "/organizations/cost_report", kind: "500", times: Infinity });
    const failed = await sync(connection.id, adapter);
    expect(failed.status).toBe("FAILED");
    expect(failed.error).toMatch(/anthropic cost report .* HTTP 500.*gave up after 3 attempts/);
    expect(await db.usageRecord.count({ where: { workspaceId: workspace.id } })).toBe(0);
  });

  it("two concurrent syncs of one connection: one runs, one is refused", async () => {
    const db = await testDb();
    const { workspace, connection, adapter } = await providerWorkspace(db, fake, "openai");
    const outcomes = await Promise.allSettled([
      sync(connection.id, adapter),
      sync(connection.id, adapter),
    ]);
    const ok = outcomes.filter((o) => o.status === "fulfilled");
    const refused = outcomes.filter((o) => o.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(SyncBusyError);
    expect((ok[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof sync>>>).value.status).toBe(
      "SUCCEEDED",
    );
    expect((await snapshot(workspace.id)).byDay).toEqual(expectedByDay);
  });
});
