/**
 * The Cursor adapter through the real sync engine into the test database (SQLite or
 * PostgreSQL, whichever DATABASE_URL names), against the local Cursor fake whose truth is
 * summed from its own integer micro-cent records: per day, person and model the stored
 * cost equals the fake's exact sum rounded once to the micro-dollar, fractional cents included.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createConnection, syncConnection } from "@/lib/connections/connections";
import { divRoundHalfEven } from "@/lib/core/money";
import { cursorAdapter } from "@/lib/ingest/adapters/cursor";
import { runSync } from "@/lib/ingest/sync";
import type { Db } from "@/lib/server/db";

import { cursorUsage, startCursorFake, type CursorFake } from "../fake-vendors/cursor";
import { TEST_NOW } from "../helpers/clock";
import { makeMember, makeWorkspace, testDatabaseUrl, testDb } from "../helpers/db";

const KEY = "key_cursor_ingest_0123456789";
const WINDOW = { start: "2026-11-01", end: "2026-11-07" };
const FROM_MS = Date.UTC(2026, 10, 1);
const PEOPLE = ["ada@cursor.test", "ben@cursor.test", "cy@cursor.test"];
const members = PEOPLE.map((email, i) => ({
  id: `user_${i}`,
  email,
  name: email.split("@")[0]!,
  role: i === 0 ? "owner" : "member",
  isRemoved: false,
}));
/** a member of the Cursor team who is not (yet) an Allotment member: the directory adds them */
const OUTSIDER = "dee@cursor.test";

let fake: CursorFake;

beforeAll(async () => {
  // many syncs within one real minute: this fake's windows are wide (the rate test has its own)
  fake = await startCursorFake({
    keys: [KEY],
    perMinute: { "/teams/filtered-usage-events": 10_000, "/teams/members": 10_000 },
    members: [
      ...members,
      { id: "user_9", email: OUTSIDER, name: "Dee", role: "member", isRemoved: false },
    ],
  });
});
afterAll(() => fake.close());

function resetUsage(seed: number) {
  fake.state.events = cursorUsage({
    seed,
    emails: [...PEOPLE, OUTSIDER],
    fromMs: FROM_MS,
    days: 7,
    perDay: 40,
  });
  // the reference's own example amount, and one below a micro-dollar
  fake.state.events.push(
    {
      timestampMs: Date.UTC(2026, 10, 3, 9),
      email: PEOPLE[0]!,
      model: "claude-4.5-sonnet",
      kind: "Usage-based",
      maxMode: true,
      isChargeable: true,
      chargedMicroCents: 21_362_320n,
      tokens: { input: 126, output: 450, cacheWrite: 6112, cacheRead: 11964 },
    },
    {
      timestampMs: Date.UTC(2026, 10, 3, 10),
      email: PEOPLE[0]!,
      model: "claude-4.5-sonnet",
      kind: "Usage-based",
      maxMode: false,
      isChargeable: true,
      chargedMicroCents: 37n,
      tokens: { input: 1, output: 1, cacheWrite: 0, cacheRead: 0 },
    },
  );
  fake.state.faults = [];
}

async function setup(db: Db) {
  const workspace = await makeWorkspace(db, { budgetUnit: "USD", usdPerCreditMicros: 1_000_000n });
  for (const email of PEOPLE) await makeMember(db, workspace.id, { email });
  const connection = await db.connection.create({
    data: { workspaceId: workspace.id, kind: "cursor", name: "Cursor", baseUrl: fake.url },
  });
  const sleeps: number[] = [];
  const adapter = cursorAdapter({
    baseUrl: fake.url,
    apiKey: KEY,
    config: { pageSize: 25 },
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { workspace, connection, adapter, sleeps };
}

const sync = (db: Db, s: Awaited<ReturnType<typeof setup>>) =>
  runSync({
    db,
    databaseUrl: testDatabaseUrl(),
    connectionId: s.connection.id,
    adapter: s.adapter,
    window: WINDOW,
  });

/** micro-cents → micro-USD, rounded half-even once (1 µ¢ = 0.01 µ$) */
const usd = (microCents: bigint) => divRoundHalfEven(microCents, 100n);

/** stored rows per day|email|model: cost (on-demand), seat estimate (included), requests */
async function stored(db: Db, workspaceId: string) {
  const rows = await db.usageRecord.findMany({
    where: { workspaceId },
    include: { member: { select: { email: true } } },
  });
  const out = new Map<string, { cost: bigint; included: bigint; requests: bigint }>();
  for (const r of rows) {
    expect(r.product).toBe("cursor");
    const k = `${r.day}|${r.member?.email ?? ""}|${r.model}`;
    const v = out.get(k) ?? { cost: 0n, included: 0n, requests: 0n };
    v.cost += r.costMicros;
    v.included += r.seatEstimateMicros;
    v.requests += r.requests;
    out.set(k, v);
  }
  return out;
}

function expectEqualsTruth(got: Map<string, { cost: bigint; included: bigint; requests: bigint }>) {
  const truth = fake.truth();
  expect([...got.keys()].sort()).toEqual([...truth.keys()].sort());
  let fractional = 0;
  for (const [k, t] of truth) {
    const g = got.get(k)!;
    expect({ k, cost: g.cost, included: g.included, requests: g.requests }).toEqual({
      k,
      cost: usd(t.chargeable),
      included: usd(t.included),
      requests: BigInt(t.events),
    });
    if (t.chargeable % 100n !== 0n) fractional++;
  }
  // the comparison covers amounts finer than a micro-dollar
  expect(fractional).toBeGreaterThan(10);
  return truth;
}

describe("Cursor ingestion", () => {
  it("stores each day, person and model equal to Cursor's own sums to the micro-dollar; people by email", async () => {
    resetUsage(11);
    const db = await testDb();
    const s = await setup(db);
    const r = await sync(db, s);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe("SUCCEEDED");
    expect(r.pages).toBe(7);
    const got = await stored(db, s.workspace.id);
    const truth = expectEqualsTruth(got);
    // per day and person: the sum of the rows equals the sum of the fake's per-model figures
    const perPerson = new Map<string, bigint>();
    for (const [k, t] of truth) {
      const [day, email] = k.split("|");
      perPerson.set(
        `${day}|${email}`,
        (perPerson.get(`${day}|${email}`) ?? 0n) + usd(t.chargeable),
      );
    }
    const rollups = await db.usageDailyRollup.groupBy({
      by: ["day", "memberKey"],
      where: { workspaceId: s.workspace.id },
      _sum: { costMicros: true },
    });
    const emails = new Map(
      (await db.member.findMany({ where: { workspaceId: s.workspace.id } })).map((m) => [
        m.id,
        m.email,
      ]),
    );
    for (const row of rollups)
      expect(row._sum.costMicros).toBe(
        perPerson.get(`${row.day}|${emails.get(row.memberKey) ?? ""}`),
      );
    // the directory added the team member Allotment did not know, and mapped everyone by email
    expect(emails.size).toBe(4);
    const ids = await db.memberIdentity.findMany({
      where: { workspaceId: s.workspace.id, provider: "cursor", kind: "email" },
    });
    expect(ids.map((i) => i.externalId).sort()).toEqual([...PEOPLE, OUTSIDER].sort());
    // the example event: $0.2136232 + 37 µ¢, tokens counted with the cache
    const ada = await db.usageRecord.findFirst({
      where: {
        workspaceId: s.workspace.id,
        day: "2026-11-03",
        model: "claude-4.5-sonnet",
        member: { email: PEOPLE[0] },
      },
    });
    expect(ada!.cacheWriteTokens).toBeGreaterThanOrEqual(6112n);
    // an idempotent re-sync changes nothing
    const again = await sync(db, s);
    expect(again.rowsInserted).toBe(0);
    expect(again.rowsRemoved).toBe(0);
  });

  it("a restated day replaces the old rows (an event moved, one removed, an amount changed)", async () => {
    resetUsage(12);
    const db = await testDb();
    const s = await setup(db);
    expect((await sync(db, s)).status).toBe("SUCCEEDED");
    const day4 = fake.state.events.filter(
      (e) => new Date(e.timestampMs).toISOString().startsWith("2026-11-04") && e.email,
    );
    fake.state.events = fake.state.events.filter((e) => e !== day4[0]);
    day4[1]!.chargedMicroCents += 123_457n;
    day4[2]!.model = "o3-restated";
    const r = await sync(db, s);
    expect(r.status).toBe("SUCCEEDED");
    expectEqualsTruth(await stored(db, s.workspace.id));
  });

  it("rides out 429 without Retry-After (1 s, 2 s …), 429 with Retry-After, and 5xx", async () => {
    resetUsage(13);
    const db = await testDb();
    const s = await setup(db);
    fake.state.faults.push(
      { match: /filtered-usage-events/, status: 429, times: 2 },
      { match: /filtered-usage-events/, status: 429, retryAfter: "3", times: 1 },
      { match: /filtered-usage-events/, status: 502, times: 1 },
      { match: /teams\/members/, status: 500, times: 1 },
    );
    const r = await sync(db, s);
    expect(r.error).toBeUndefined();
    expect(r.status).toBe("SUCCEEDED");
    // members 500 → 1 s; then the usage read: 1 s, 2 s (no Retry-After: Cursor's backoff), 3 s (sent), 8 s
    expect(s.sleeps).toEqual([1000, 1000, 2000, 3000, 8000]);
    expectEqualsTruth(await stored(db, s.workspace.id));
  });

  it.each([
    ["chargedCents", /usageEvents\[0\]\.chargedCents/],
    ["timestamp", /usageEvents\[0\]\.timestamp/],
    ["pagination", /pagination/],
    ["email", /usageEvents\[0\]\.userEmail/],
  ] as const)(
    "a malformed page (%s) fails the run naming the field and writes nothing",
    async (field, message) => {
      resetUsage(14);
      const db = await testDb();
      const s = await setup(db);
      // the third page of events breaks the format: the first two were fine, yet nothing lands
      fake.state.faults.push({
        match: /filtered-usage-events/,
        malformed: field,
        after: 2,
        times: 1,
      });
      const r = await sync(db, s);
      expect(r.status).toBe("FAILED");
      expect(r.error).toMatch(message);
      expect(r.error).toContain("Cursor usage events page 3");
      expect(await db.usageRecord.count({ where: { workspaceId: s.workspace.id } })).toBe(0);
    },
  );

  it("keeps under Cursor's per-minute limit itself (waits for the next minute instead of drawing 429s)", async () => {
    resetUsage(15);
    const db = await testDb();
    let t = Date.UTC(2026, 10, 18, 12, 0, 5);
    const rateFake = await startCursorFake({
      keys: [KEY],
      members,
      rateClock: () => t,
    });
    try {
      rateFake.state.events = fake.state.events.slice(0, 130);
      const workspace = await makeWorkspace(db, { budgetUnit: "USD" });
      const connection = await db.connection.create({
        data: { workspaceId: workspace.id, kind: "cursor", name: "Cursor", baseUrl: rateFake.url },
      });
      const sleeps: number[] = [];
      const adapter = cursorAdapter({
        baseUrl: rateFake.url,
        apiKey: KEY,
        config: { pageSize: 2 },
        clock: () => t,
        sleep: async (ms) => {
          sleeps.push(ms);
          t += ms;
        },
      });
      const r = await runSync({
        db,
        databaseUrl: testDatabaseUrl(),
        connectionId: connection.id,
        adapter,
        window: WINDOW,
      });
      expect(r.status).toBe("SUCCEEDED");
      // 65 pages at 60 a minute: one wait for the next window, and Cursor never answered 429
      expect(rateFake.state.log.filter((c) => c.status === 429)).toEqual([]);
      expect(sleeps.filter((ms) => ms > 30_000)).toHaveLength(1);
      expect(rateFake.state.log.filter((c) => c.path.includes("usage-events"))).toHaveLength(65);
    } finally {
      await rateFake.close();
    }
  });

  it("syncs through a stored connection (kind cursor, admin key encrypted)", async () => {
    resetUsage(16);
    const db = await testDb();
    const workspace = await makeWorkspace(db, { budgetUnit: "USD" });
    const c = await createConnection(
      db,
      workspace.id,
      {
        kind: "cursor",
        name: "Cursor team",
        baseUrl: fake.url,
        apiKey: KEY,
        backfillFrom: WINDOW.start,
      },
      { memberId: null, label: "owner@test" },
    );
    const r = await syncConnection(db, workspace.id, c.id, {
      now: TEST_NOW,
      since: WINDOW.start,
      until: WINDOW.end,
    });
    expect(r.status).toBe("SUCCEEDED");
    const sum = await db.usageRecord.aggregate({
      where: { workspaceId: workspace.id },
      _sum: { costMicros: true },
    });
    let truth = 0n;
    for (const t of fake.truth().values()) truth += usd(t.chargeable);
    expect(sum._sum.costMicros).toBe(truth);
  });
});
