/**
 * Claude Code outcome facts (issue 20) through the real sync against the fake provider: the
 * fixture's sessions / lines / commits / pull requests land per person and day, a re-sync
 * leaves the same rows, a page that breaks the format fails naming the field and writes
 * nothing, and a key that may not read the report (403) still syncs the costs with a note.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { anthropicAnalyticsAdapter } from "@/lib/ingest/adapters/anthropic-analytics";
import { runSync } from "@/lib/ingest/sync";
import type { SourceAdapter } from "@/lib/ingest/types";
import type { Db } from "@/lib/server/db";

import { loadFixtureData } from "../fake-provider/data";
import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import { makeWorkspace, testDb } from "../helpers/db";
import { FAST_RETRY, FIXTURE_WINDOW, providerWorkspace } from "./ingest-helpers";

/**
 * Per person over 2026-11-01..10, added up by hand (a Python loop over the fixture files
 * ../shared/fixtures/anthropic/claude-code/*.json, not with the app's code):
 * [sessions, lines added, lines removed, commits, pull requests].
 */
const TRUTH: Record<string, [number, number, number, number, number]> = {
  "alice@acme.example": [33, 4636, 3383, 27, 10],
  "erin@acme.example": [38, 7600, 3228, 58, 14],
  "carol@acme.example": [32, 3959, 2158, 27, 7],
};

let fake: FakeProvider;
beforeAll(async () => {
  // two records per page: every day with more than two people takes a second page
  fake = await startFakeProvider({ claudeCodePageSize: 2 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.data = loadFixtureData();
  fake.faults.length = 0;
  fake.requests.length = 0;
});

async function factsOf(db: Db, connectionId: string) {
  const rows = await db.outcomeDaily.findMany({
    where: { connectionId },
    orderBy: [{ day: "asc" }, { identityExternalId: "asc" }, { source: "asc" }],
  });
  return rows.map(({ lastRunId: _run, ...rest }) => rest);
}

/** One sync of the connection over one day. */
function syncDay(db: Db, connectionId: string, adapter: SourceAdapter, day: string) {
  return runSync({ db, connectionId, adapter, window: { start: day, end: day } });
}

/** A sync of the fixture window by a key that may not read the Claude Code report (HTTP 403). */
function syncForbiddenTheReport(db: Db, connectionId: string, adapter: SourceAdapter) {
  fake.faults.push({
    path: "/organizations/usage_report/claude_code",
    kind: "403",
    times: Infinity,
  });
  return runSync({ db, connectionId, adapter, window: FIXTURE_WINDOW });
}

/** What a sync of a broken page must name: the page and the field. */
interface Broken {
  page: string;
  field: string;
}

/** Sets a core metric of the day's `index`th Claude Code record to a value the format forbids. */
function breakCoreMetric(day: string, index: number, metric: string, value: unknown): Broken {
  const record = fake.data.anthropic.claudeCode.get(day)![index]!;
  (record.core_metrics as Record<string, unknown>)[metric] = value;
  return {
    page: `anthropic claude code ${day} page 1`,
    field: `data[${index}].core_metrics.${metric}`,
  };
}

/** The sync failed naming the page and the field, and wrote no facts and no usage. */
async function expectFailedWritingNothing(
  db: Db,
  connectionId: string,
  res: { status: string; error?: string },
  { page, field }: Broken,
) {
  expect(res.status).toBe("FAILED");
  expect(res.error).toContain(page);
  expect(res.error).toContain(field);
  expect(await db.outcomeDaily.count({ where: { connectionId } })).toBe(0);
  expect(await db.usageRecord.count({ where: { connectionId } })).toBe(0);
}

/** A second, incremental sync of the fixture window succeeds and leaves the same facts. */
async function expectResyncLeaves(
  db: Db,
  connectionId: string,
  adapter: SourceAdapter,
  rows: Awaited<ReturnType<typeof factsOf>>,
) {
  const again = await runSync({
    db,
    connectionId,
    adapter,
    window: FIXTURE_WINDOW,
    mode: "incremental",
  });
  expect(again.status).toBe("SUCCEEDED");
  expect(await factsOf(db, connectionId)).toEqual(rows);
}

function totalsByPerson(rows: Awaited<ReturnType<typeof factsOf>>) {
  const out: Record<string, number[]> = {};
  for (const r of rows) {
    const t = (out[r.identityExternalId] ??= [0, 0, 0, 0, 0]);
    t[0]! += r.sessions;
    t[1]! += r.linesAdded;
    t[2]! += r.linesRemoved;
    t[3]! += r.commits;
    t[4]! += r.pullRequests;
  }
  return out;
}

describe("Claude Code outcome facts", () => {
  it("stores the fixture's outcomes per person and day, and a re-sync leaves the same rows", async () => {
    const db = await testDb();
    const { connection, adapter } = await providerWorkspace(db, fake, "anthropic");
    const first = await runSync({
      db,
      connectionId: connection.id,
      adapter,
      window: FIXTURE_WINDOW,
    });
    expect(first.error).toBeUndefined();
    const rows = await factsOf(db, connection.id);
    expect(rows).toHaveLength(20); // 20 records, one per person-day, none sharing a key
    expect(totalsByPerson(rows)).toEqual(TRUTH);
    expect(rows.every((r) => r.product === "claude_code" && r.identityKind === "email")).toBe(true);
    // the fixture's records say nothing of local/remote: the source stays ""
    expect(new Set(rows.map((r) => r.source))).toEqual(new Set([""]));
    // the pagination was followed with the opaque cursor
    expect(fake.requests.some((r) => r.includes("claude_code") && r.includes("page=page_"))).toBe(
      true,
    );

    await expectResyncLeaves(db, connection.id, adapter, rows);
  });

  it("a restated day replaces that day's facts", async () => {
    const db = await testDb();
    const { connection, adapter } = await providerWorkspace(db, fake, "anthropic");
    await runSync({ db, connectionId: connection.id, adapter, window: FIXTURE_WINDOW });
    const day = fake.data.anthropic.claudeCode.get("2026-11-02")!;
    const alice = day.find(
      (r) => (r.actor as { email_address?: string }).email_address === "alice@acme.example",
    )!;
    const before = (alice.core_metrics as { pull_requests_by_claude_code: number })
      .pull_requests_by_claude_code;
    (alice.core_metrics as { pull_requests_by_claude_code: number }).pull_requests_by_claude_code =
      before + 5;
    alice.is_remote = true;
    const res = await syncDay(db, connection.id, adapter, "2026-11-02");
    expect(res.status).toBe("SUCCEEDED");
    const rows = await factsOf(db, connection.id);
    expect(rows).toHaveLength(20);
    const restated = rows.filter(
      (r) => r.day === "2026-11-02" && r.identityExternalId === "alice@acme.example",
    );
    expect(restated.map((r) => [r.source, r.pullRequests])).toEqual([["remote", before + 5]]);
    expect(totalsByPerson(rows)["alice@acme.example"]![4]).toBe(
      TRUTH["alice@acme.example"]![4] + 5,
    );
  });

  it("a page that breaks the format fails the sync naming the field and writes nothing", async () => {
    const db = await testDb();
    const { connection, adapter } = await providerWorkspace(db, fake, "anthropic");
    const broken = breakCoreMetric("2026-11-03", 0, "commits_by_claude_code", "3");
    const res = await syncDay(db, connection.id, adapter, "2026-11-03");
    await expectFailedWritingNothing(db, connection.id, res, broken);
  });

  it("optional fields left out are handled: no core_metrics, no lines, an API key actor", async () => {
    const db = await testDb();
    const { connection, adapter } = await providerWorkspace(db, fake, "anthropic");
    const day = fake.data.anthropic.claudeCode.get("2026-11-04")!;
    delete day[0]!.core_metrics;
    const metrics = day[1]!.core_metrics as Record<string, unknown>;
    delete metrics.lines_of_code;
    delete metrics.num_sessions;
    day.push({
      date: "2026-11-04T00:00:00Z",
      actor: { type: "api_actor", api_key_name: "ci-bot" },
      customer_type: "api",
      is_remote: false,
      core_metrics: { commits_by_claude_code: 4, pull_requests_by_claude_code: 1 },
    });
    const res = await syncDay(db, connection.id, adapter, "2026-11-04");
    expect(res.error).toBeUndefined();
    const rows = await factsOf(db, connection.id);
    expect(rows).toHaveLength(day.length - 1); // the record without core_metrics has no fact
    const second = (day[1]!.actor as { email_address: string }).email_address;
    const partial = rows.find((r) => r.identityExternalId === second)!;
    expect([partial.sessions, partial.linesAdded, partial.linesRemoved]).toEqual([0, 0, 0]);
    expect(partial.commits).toBe(metrics.commits_by_claude_code);
    const bot = rows.find((r) => r.identityExternalId === "ci-bot")!;
    expect([bot.identityKind, bot.source, bot.commits, bot.pullRequests]).toEqual([
      "api_key_id",
      "local",
      4,
      1,
    ]);
  });

  it("a key that may not read the report (403) syncs the costs, with a note and no facts", async () => {
    const db = await testDb();
    const { connection, adapter } = await providerWorkspace(db, fake, "anthropic");
    const res = await syncForbiddenTheReport(db, connection.id, adapter);
    expect(res.status).toBe("SUCCEEDED");
    expect(res.warnings.join("\n")).toContain(
      "Claude Code analytics not available to this key (HTTP 403",
    );
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: res.runId } });
    expect(run.warnings).toContain("Claude Code analytics not available");
    expect(await db.outcomeDaily.count({ where: { connectionId: connection.id } })).toBe(0);
    const billed = await db.usageRecord.aggregate({
      where: { connectionId: connection.id },
      _sum: { costMicros: true },
    });
    expect(billed._sum.costMicros).toBeGreaterThan(0n);
    // asked once, then left alone for the rest of the run
    expect(fake.requests.filter((r) => r.includes("claude_code"))).toHaveLength(1);
  });
});

/** An Anthropic connection on the Usage & Cost Analytics API (its own fake, on the same server). */
async function analyticsWorkspace(db: Db) {
  const workspace = await makeWorkspace(db, { budgetUnit: "USD", usdPerCreditMicros: 1_000_000n });
  const connection = await db.connection.create({
    data: {
      workspaceId: workspace.id,
      kind: "anthropic",
      name: "anthropic-analytics",
      baseUrl: fake.anthropicBase,
      configJson: JSON.stringify({ api: "analytics" }),
    },
  });
  const adapter = anthropicAnalyticsAdapter({
    baseUrl: fake.anthropicBase,
    apiKey: "sk-ant-admin-fake",
    retry: FAST_RETRY,
  });
  return { workspace, connection, adapter };
}

describe("Claude Code outcome facts on an Analytics API connection", () => {
  it("reads the same outcomes from the Claude Code report, day by day, and adds no seat rows", async () => {
    const db = await testDb();
    const { connection, adapter } = await analyticsWorkspace(db);
    const res = await runSync({ db, connectionId: connection.id, adapter, window: FIXTURE_WINDOW });
    expect(res.error).toBeUndefined();
    const rows = await factsOf(db, connection.id);
    expect(totalsByPerson(rows)).toEqual(TRUTH);
    // every day of the window asked (the fake pages two records at a time)
    const asked = fake.requests.filter((r) => r.includes("usage_report/claude_code"));
    expect(new Set(asked.map((r) => /starting_at=([\d-]+)/.exec(r)![1]))).toEqual(
      new Set(Array.from({ length: 10 }, (_, i) => `2026-11-${String(i + 1).padStart(2, "0")}`)),
    );
    // the money is the Analytics API's (billed per actor); the report adds no seat estimate
    const usage = await db.usageRecord.aggregate({
      where: { connectionId: connection.id },
      _sum: { costMicros: true, seatEstimateMicros: true },
    });
    expect(usage._sum.costMicros).toBeGreaterThan(0n);
    expect(usage._sum.seatEstimateMicros).toBe(0n);
    await expectResyncLeaves(db, connection.id, adapter, rows);
  });

  it("a Claude Code page that breaks the format fails the range naming the field, writing nothing", async () => {
    const db = await testDb();
    const { connection, adapter } = await analyticsWorkspace(db);
    const broken = breakCoreMetric("2026-11-05", 1, "num_sessions", -2);
    const res = await runSync({ db, connectionId: connection.id, adapter, window: FIXTURE_WINDOW });
    await expectFailedWritingNothing(db, connection.id, res, broken);
  });

  it("a key that may not read the report (403) syncs the costs, with a note and no facts", async () => {
    const db = await testDb();
    const { connection, adapter } = await analyticsWorkspace(db);
    const res = await syncForbiddenTheReport(db, connection.id, adapter);
    expect(res.status).toBe("SUCCEEDED");
    const note = res.warnings.join("\n");
    expect(note).toContain("Claude Code analytics not available to this key (HTTP 403");
    expect(note).toContain("outcomes (commits, pull requests) were not synced");
    expect(note).not.toContain("seat estimates");
    expect(await db.outcomeDaily.count({ where: { connectionId: connection.id } })).toBe(0);
    expect(await db.usageRecord.count({ where: { connectionId: connection.id } })).toBeGreaterThan(
      0,
    );
    expect(fake.requests.filter((r) => r.includes("claude_code"))).toHaveLength(1);
  });
});
