/**
 * The Anthropic Usage & Cost Analytics adapter through the real sync engine into the test
 * database (SQLite or PostgreSQL, whichever DATABASE_URL names), against the local fake
 * whose truth is computed from its own records.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createConnection,
  createConnectionSchema,
  syncConnection,
  updateConnection,
} from "@/lib/connections/connections";
import { scaledToText } from "@/lib/currency/convert";
import {
  anthropicAnalyticsAdapter,
  type AnalyticsUsageRow,
  type SeatUsage,
} from "@/lib/ingest/adapters/anthropic-analytics";
import { runSync } from "@/lib/ingest/sync";
import type { SourceAdapter, UsagePage } from "@/lib/ingest/types";
import type { Db } from "@/lib/server/db";

import {
  ANALYTICS_PEOPLE,
  ANALYTICS_WINDOW,
  analyticsTruth,
  FAKE_ANALYTICS_KEY,
  generateAnalyticsData,
  startAnalyticsFake,
  type RunningAnalyticsFake,
} from "../fake-provider/anthropic-analytics";
import { makeMember, makeWorkspace, testDb } from "../helpers/db";
import { addTo, FAST_RETRY, tap } from "./ingest-helpers";

/** Wraps an adapter so a test sees every page it produced and every line it logged. */
function collect(adapter: SourceAdapter): {
  adapter: SourceAdapter;
  pages: UsagePage[];
  log: string[];
} {
  const pages: UsagePage[] = [];
  const log: string[] = [];
  return {
    pages,
    log,
    adapter: {
      kind: adapter.kind,
      testConnection: (ctx) => adapter.testConnection(ctx),
      async *pages(window, cursor, ctx) {
        for await (const page of adapter.pages(window, cursor, {
          ...ctx,
          log: (l) => log.push(l),
        })) {
          pages.push(page);
          yield page;
        }
      },
    },
  };
}

let server: RunningAnalyticsFake;
beforeAll(async () => {
  server = await startAnalyticsFake();
});
afterAll(async () => {
  await server.close();
});

function resetFake() {
  server.fake.records = generateAnalyticsData();
  server.fake.faults.length = 0;
  server.fake.requests.length = 0;
  server.fake.options = {
    defaultLimit: 25,
    amountsAsNumbers: false,
    omitHasMore: false,
    sparse: false,
  };
}

/** A workspace with every person of the fake as a member; keys and service accounts mapped explicitly. */
async function analyticsWorkspace(db: Db, seatUsage: SeatUsage = "invoiced") {
  const workspace = await makeWorkspace(db, { budgetUnit: "USD", usdPerCreditMicros: 1_000_000n });
  const memberOf: Record<string, string> = {};
  for (const p of ANALYTICS_PEOPLE) {
    const m = await makeMember(db, workspace.id, { email: p.email, name: p.name });
    memberOf[p.actorId] = m.id;
  }
  // users and federated people map by their email on first sight; these two need an identity
  for (const provider of ["anthropic", "claude_code"]) {
    await db.memberIdentity.create({
      data: {
        workspaceId: workspace.id,
        memberId: memberOf.svac_01BuildBot!,
        provider,
        kind: "service_account_id",
        externalId: "svac_01BuildBot",
      },
    });
  }
  await db.memberIdentity.create({
    data: {
      workspaceId: workspace.id,
      memberId: memberOf.apikey_01SearchProd!,
      provider: "anthropic",
      kind: "api_key_id",
      externalId: "apikey_01SearchProd",
    },
  });
  const connection = await db.connection.create({
    data: {
      workspaceId: workspace.id,
      kind: "anthropic",
      name: "anthropic-analytics",
      baseUrl: server.baseUrl,
      configJson: JSON.stringify({ api: "analytics", seatUsage }),
    },
  });
  const adapter = anthropicAnalyticsAdapter({
    baseUrl: server.baseUrl,
    apiKey: FAKE_ANALYTICS_KEY,
    seatUsage,
    pageLimit: 40,
    retry: FAST_RETRY,
  });
  const actorOfMember = Object.fromEntries(
    Object.entries(memberOf).map(([actor, id]) => [id, actor]),
  );
  return { workspace, connection, adapter, memberOf, actorOfMember };
}

async function stored(db: Db, workspaceId: string, actorOfMember: Record<string, string>) {
  const rows = await db.usageRecord.findMany({ where: { workspaceId } });
  const byDay: Record<string, bigint> = {};
  const byActor: Record<string, bigint> = {};
  const byDayActor: Record<string, bigint> = {};
  for (const r of rows) {
    if (r.costMicros === 0n) continue;
    // an unmapped actor is known by its identity key
    const actor = r.memberId
      ? actorOfMember[r.memberId]!
      : r.identityKey.replace(/^[a-z_]+_id:/, "");
    addTo(byDay, r.day, r.costMicros);
    addTo(byActor, actor, r.costMicros);
    addTo(byDayActor, `${r.day}|${actor}`, r.costMicros);
  }
  return {
    rows,
    byDay,
    byActor,
    byDayActor,
    total: Object.values(byDay).reduce((a, b) => a + b, 0n),
  };
}

describe("Anthropic Usage & Cost Analytics API", () => {
  it("reproduces the fake's billed cost to the micro-dollar per day and per person, actors mapped through identities", async () => {
    resetFake();
    const db = await testDb();
    const ws = await analyticsWorkspace(db);
    const tapped = tap(ws.adapter);
    const seen = tapped.rows;
    const { adapter, pages } = collect(tapped.adapter);
    const result = await runSync({
      db,
      connectionId: ws.connection.id,
      adapter,
      window: ANALYTICS_WINDOW,
    });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe("SUCCEEDED");
    // the cost lines (per day, workspace, product) add up to the same bill
    const lineByDay: Record<string, bigint> = {};
    for (const l of pages.flatMap((p) => p.costLines ?? [])) addTo(lineByDay, l.day, l.usdMicros!);
    expect(Object.fromEntries(Object.entries(lineByDay).filter(([, v]) => v !== 0n))).toEqual(
      analyticsTruth(server.fake.records).billedByDay,
    );
    // 41 days: a 31-day range and a 10-day range, one committed page each
    expect(result.pages).toBe(2);

    const truth = analyticsTruth(server.fake.records);
    const got = await stored(db, ws.workspace.id, ws.actorOfMember);
    expect(got.byDay).toEqual(truth.billedByDay);
    expect(got.byActor).toEqual(truth.billedByActor);
    expect(got.byDayActor).toEqual(truth.billedByDayActor);
    expect(got.total).toBe(truth.billedTotal);
    expect(truth.billedTotal).toBeGreaterThan(0n);

    // every actor kind mapped: users and the federated person by email, the service account and the key by identity
    const mapped = new Set(
      got.rows.filter((r) => r.memberId).map((r) => ws.actorOfMember[r.memberId!]),
    );
    expect([...mapped].sort()).toEqual(ANALYTICS_PEOPLE.map((p) => p.actorId).sort());
    // the orphan key stays unattributed, never dropped
    const orphan = got.rows.filter((r) => r.identityKey === "api_key_id:apikey_01Orphan");
    expect(orphan.length).toBeGreaterThan(0);
    expect(orphan.every((r) => r.memberId === null)).toBe(true);

    // Claude Code is its own product, per person
    const cc = new Set(
      got.rows
        .filter((r) => r.product === "claude_code")
        .map((r) => (r.memberId ? ws.actorOfMember[r.memberId] : r.identityKey)),
    );
    expect([...cc].sort()).toEqual(truth.claudeCodeActors);
    const outByProduct: Record<string, bigint> = {};
    for (const r of got.rows) addTo(outByProduct, r.product, r.outputTokens);
    expect(outByProduct).toEqual(truth.outputTokensByProduct);

    // tiers, context windows and regions come through on the rows
    const analyticsRows = seen as AnalyticsUsageRow[];
    expect(new Set(analyticsRows.map((r) => r.serviceTier))).toEqual(
      new Set(["standard", "batch", "priority"]),
    );
    expect(analyticsRows.some((r) => r.contextWindow === "200k-1M")).toBe(true);
    expect(new Set(analyticsRows.map((r) => r.inferenceGeo))).toEqual(new Set(["global", "us"]));

    // the rollups agree with the facts
    const rolled = await db.usageDailyRollup.aggregate({
      where: { workspaceId: ws.workspace.id },
      _sum: { costMicros: true },
    });
    expect(rolled._sum.costMicros).toBe(truth.billedTotal);

    // requests: beta paths, ≤31 days each, every dimension asked of both endpoints, more than one page
    for (const req of server.fake.requests) {
      const q = new URL(req, "http://x").searchParams;
      const days =
        (Date.parse(q.get("ending_at")!) - Date.parse(q.get("starting_at")!)) / 86_400_000;
      expect(days).toBeLessThanOrEqual(31);
      expect(q.getAll("group_by[]")).toEqual(
        expect.arrayContaining([
          "actor",
          "product",
          "model",
          "service_tier",
          "context_window",
          "inference_geo",
        ]),
      );
    }
    expect(server.fake.requests.filter((r) => r.includes("page=")).length).toBeGreaterThan(0);
  });

  it("a restated day replaces what was stored, never adds to it", async () => {
    resetFake();
    const db = await testDb();
    const ws = await analyticsWorkspace(db);
    const first = await runSync({
      db,
      connectionId: ws.connection.id,
      adapter: ws.adapter,
      window: ANALYTICS_WINDOW,
    });
    expect(first.status).toBe("SUCCEEDED");

    // the provider restates 2026-11-15: one record disappears, every other cost of the day halves
    const day = "2026-11-15";
    const ofDay = server.fake.records.filter((r) => r.day === day && r.costMicros);
    expect(ofDay.length).toBeGreaterThan(2);
    server.fake.records = server.fake.records
      .filter((r) => r !== ofDay[0])
      .map((r) => (r.day === day && r.costMicros ? { ...r, costMicros: r.costMicros / 2n } : r));
    const truth = analyticsTruth(server.fake.records);
    const before = (await stored(db, ws.workspace.id, ws.actorOfMember)).byDay[day]!;
    expect(truth.billedByDay[day]).toBeLessThan(before);

    const again = await runSync({
      db,
      connectionId: ws.connection.id,
      adapter: ws.adapter,
      window: { start: "2026-11-13", end: "2026-11-19" },
    });
    expect(again.status).toBe("SUCCEEDED");
    expect(again.rowsRemoved).toBeGreaterThan(0);
    const got = await stored(db, ws.workspace.id, ws.actorOfMember);
    expect(got.byDay).toEqual(truth.billedByDay);
    expect(got.byDayActor).toEqual(truth.billedByDayActor);
  });

  it.each([
    ["cost", "amount", /cost data\[0\]\.cost\.amount|data\[0\]\.cost\.amount/],
    ["usage", "tokens", /data\[0\]\.usage\.output_tokens/],
    ["usage", "actor", /data\[0\]\.group\.actor/],
    ["cost", "data", /: data: /],
  ] as const)(
    "a malformed %s page (%s) fails the sync naming the field and writes nothing",
    async (endpoint, field, message) => {
      resetFake();
      const db = await testDb();
      const ws = await analyticsWorkspace(db);
      server.fake.faults.push({ kind: "malformed", endpoint, field });
      const result = await runSync({
        db,
        connectionId: ws.connection.id,
        adapter: ws.adapter,
        window: ANALYTICS_WINDOW,
      });
      expect(result.status).toBe("FAILED");
      expect(result.error).toMatch(message);
      expect(result.error).toContain(`anthropic analytics ${endpoint}`);
      expect(await db.usageRecord.count({ where: { workspaceId: ws.workspace.id } })).toBe(0);
    },
  );

  it("handles what the format allows: numbers for amounts, paging by next_page alone, optional fields absent, another currency", async () => {
    resetFake();
    server.fake.options = {
      defaultLimit: 25,
      amountsAsNumbers: true,
      omitHasMore: true,
      sparse: true,
    };
    // one cost of 2026-11-02 arrives in euros
    const eur = server.fake.records.find(
      (r) => r.day === "2026-11-02" && r.costMicros && r.product === "claude_code",
    )!;
    eur.currency = "EUR";
    const db = await testDb();
    const ws = await analyticsWorkspace(db);
    const tapped = tap(ws.adapter);
    const seen = tapped.rows;
    const { adapter, pages } = collect(tapped.adapter);
    const result = await runSync({
      db,
      connectionId: ws.connection.id,
      adapter,
      window: ANALYTICS_WINDOW,
    });
    expect(result.error).toBeUndefined();
    const truth = analyticsTruth(server.fake.records);
    const got = await stored(db, ws.workspace.id, ws.actorOfMember);
    // amounts as JSON numbers: cents with up to four decimals are exact in a double's shortest text
    expect(got.byDay).toEqual(truth.billedByDay);
    expect(got.total).toBe(truth.billedTotal);
    // the euro amount (no rate given) is never booked as dollars: its cost line keeps it in euros, a run-log warning says so
    const eurLines = pages.flatMap((p) => p.costLines ?? []).filter((l) => l.currency === "EUR");
    expect(eurLines).toHaveLength(1);
    expect(eurLines[0]!.usdMicros).toBeNull();
    expect(truth.otherCurrency.EUR).toBeGreaterThan(0n);
    expect(eurLines[0]!.amount).toBe(scaledToText(truth.otherCurrency.EUR!, 6));
    expect(
      pages
        .flatMap((p) => p.warnings ?? [])
        .some((w) => w.includes("no exchange rate for EUR on 2026-11-02")),
    ).toBe(true);
    // requests null and list_amount absent: requests 0, estimate = the amount
    expect((seen as AnalyticsUsageRow[]).every((r) => r.requests === 0n)).toBe(true);
  });

  it("on a seat plan, people's claude.ai products are a seat estimate, not billed; keys and service accounts stay billed", async () => {
    resetFake();
    const db = await testDb();
    const ws = await analyticsWorkspace(db, "included");
    const { adapter, rows: seen } = tap(ws.adapter);
    const result = await runSync({
      db,
      connectionId: ws.connection.id,
      adapter,
      window: ANALYTICS_WINDOW,
    });
    expect(result.status).toBe("SUCCEEDED");
    const truth = analyticsTruth(server.fake.records, "included");
    const got = await stored(db, ws.workspace.id, ws.actorOfMember);
    expect(got.byDay).toEqual(truth.billedByDay);
    expect(got.byActor).toEqual(truth.billedByActor);
    const seat = (seen as AnalyticsUsageRow[]).reduce(
      (a, r) => a + (r.seatEstimateMicros ?? 0n),
      0n,
    );
    expect(seat).toBe(truth.seatEstimateTotal);
    expect(seat).toBeGreaterThan(0n);
    // stored apart from billed cost
    const seatStored = await db.usageRecord.aggregate({
      where: { workspaceId: ws.workspace.id },
      _sum: { seatEstimateMicros: true, costMicros: true },
    });
    expect(seatStored._sum.seatEstimateMicros).toBe(truth.seatEstimateTotal);
    expect(seatStored._sum.costMicros).toBe(truth.billedTotal);
    // the service account's Claude Code is still billed
    expect(truth.billedByActor.svac_01BuildBot).toBeGreaterThan(0n);
    expect(
      got.rows
        .filter((r) => r.product === "claude_code" && r.costMicros > 0n)
        .every((r) => ws.actorOfMember[r.memberId ?? ""] === "svac_01BuildBot"),
    ).toBe(true);
  });

  it("restarts a range whose cursor expired (410) and reports provider errors in their own words", async () => {
    resetFake();
    const db = await testDb();
    const ws = await analyticsWorkspace(db);
    server.fake.faults.push({ kind: "expire-cursor", endpoint: "cost", times: 1 });
    const ok = await runSync({
      db,
      connectionId: ws.connection.id,
      adapter: ws.adapter,
      window: ANALYTICS_WINDOW,
    });
    expect(ok.status).toBe("SUCCEEDED");
    expect((await stored(db, ws.workspace.id, ws.actorOfMember)).total).toBe(
      analyticsTruth(server.fake.records).billedTotal,
    );

    resetFake();
    server.fake.faults.push({
      kind: "error",
      endpoint: "usage",
      status: 400,
      type: "invalid_request_error",
      message: "not available to organizations with HIPAA readiness enabled",
    });
    const hipaa = await runSync({
      db,
      connectionId: ws.connection.id,
      adapter: ws.adapter,
      window: ANALYTICS_WINDOW,
    });
    expect(hipaa.status).toBe("FAILED");
    expect(hipaa.error).toMatch(
      /HTTP 400 — not available to organizations with HIPAA readiness enabled/,
    );

    // without the beta header the fake refuses, as the API does
    const bare = await fetch(
      `${server.baseUrl}/organizations/analytics/usage?starting_at=2026-11-01T00:00:00Z`,
      { headers: { "x-api-key": FAKE_ANALYTICS_KEY, "anthropic-version": "2023-06-01" } },
    );
    expect(bare.status).toBe(400);
    expect(((await bare.json()) as { error: { type: string } }).error.type).toBe(
      "invalid_request_error",
    );
  });

  it("a connection created with the analytics option syncs through it; bad options are refused", async () => {
    resetFake();
    const db = await testDb();
    const workspace = await makeWorkspace(db, { budgetUnit: "USD" });
    const actor = { memberId: null, label: "test" };
    const dto = await createConnection(
      db,
      workspace.id,
      {
        kind: "anthropic",
        name: "Claude analytics",
        baseUrl: server.baseUrl,
        apiKey: FAKE_ANALYTICS_KEY,
        anthropic: { api: "analytics", seatUsage: "included" },
      },
      actor,
    );
    expect(dto.anthropic).toEqual({ api: "analytics", seatUsage: "included" });
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { workspaceId: workspace.id, action: "connection.create" },
    });
    expect(audit.afterJson).toContain("analytics");
    const result = await syncConnection(db, workspace.id, dto.id, {
      since: "2026-11-01",
      until: "2026-11-10",
      now: new Date("2026-11-18T14:30:00Z"),
    });
    expect(result.error).toBeUndefined();
    const truth = analyticsTruth(server.fake.records, "included", {
      start: "2026-11-01",
      end: "2026-11-10",
    });
    const sums = await db.usageRecord.aggregate({
      where: { workspaceId: workspace.id },
      _sum: { costMicros: true, seatEstimateMicros: true },
    });
    expect(sums._sum.costMicros).toBe(truth.billedTotal);
    expect(sums._sum.seatEstimateMicros).toBe(truth.seatEstimateTotal);
    expect(server.fake.requests.every((r) => r.startsWith("/v1/organizations/analytics/"))).toBe(
      true,
    );

    // switching back to the legacy reports is an edit of the option, audited
    const edited = await updateConnection(
      db,
      workspace.id,
      { id: dto.id, anthropic: { api: "admin" } },
      actor,
    );
    expect(edited.anthropic).toEqual({ api: "admin", seatUsage: "included" });
    expect(
      createConnectionSchema.safeParse({
        kind: "anthropic",
        name: "x",
        apiKey: "k",
        anthropic: { api: "graphql" },
      }).success,
    ).toBe(false);
    await expect(
      createConnection(
        db,
        workspace.id,
        { kind: "openai", name: "o", apiKey: "k", anthropic: { api: "analytics" } },
        actor,
      ),
    ).rejects.toThrow(/Anthropic connections only/);
  });
});
