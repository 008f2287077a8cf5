/**
 * GitHub Copilot ingestion against the fake GitHub: totals per person and day equal the
 * fake's own truth to the micro-dollar, cost centers become groups, a restated day
 * replaces, rate limits (429 with and without Retry-After, 403 secondary) and 5xx are
 * ridden out with the documented waits, and a malformed page fails naming the field and
 * writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { githubCopilotAdapter } from "@/lib/ingest/adapters/github-copilot";
import { runSync } from "@/lib/ingest/sync";

import { madeUpUsage, startGithubFake, type GithubFake } from "../fake-vendors/github";
import { testDb } from "../helpers/db";
import { copilotWorkspace } from "./ingest-helpers";

const WINDOW = { start: "2026-11-01", end: "2026-11-05" };
const USERS = [
  { login: "ada", email: "ada@example.test", name: "Ada" },
  { login: "bob", email: "bob@example.test", name: "Bob" },
  { login: "cy", email: "cy@example.test", name: "Cy" },
];

const usage = () =>
  madeUpUsage({
    users: USERS,
    days: ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-05"],
    seed: 7,
    discountDivisor: 2,
  });

let fake: GithubFake;
const waits: number[] = [];

beforeAll(async () => {
  fake = await startGithubFake({
    users: USERS,
    costCenters: [
      { id: "cc-eng", name: "Engineering", users: ["ada", "bob"] },
      { id: "cc-ops", name: "Operations", users: ["cy"] },
    ],
    usage: usage(),
  });
  fake.state.seatsPerPage = 2; // the seat list spans pages (Link header)
});
afterAll(async () => {
  await fake.close();
});

async function setup() {
  const db = await testDb();
  return { db, ...(await copilotWorkspace(db, fake.url, waits)) };
}

async function totals(workspaceId: string) {
  const db = await testDb();
  const rows = await db.usageRecord.findMany({ where: { workspaceId }, include: { member: true } });
  const out = new Map<string, { netMicros: bigint; grossMicros: bigint }>();
  for (const r of rows) {
    expect(r.provider).toBe("github");
    expect(r.product).toBe("copilot");
    const k = `${r.member?.email.split("@")[0] ?? "?"}|${r.day}`;
    const x = out.get(k) ?? { netMicros: 0n, grossMicros: 0n };
    x.netMicros += r.costMicros;
    x.grossMicros += r.costMicros + r.seatEstimateMicros;
    out.set(k, x);
  }
  return { out, rows };
}

function truthInWindow() {
  const t = fake.truth();
  return new Map([...t.entries()].filter(([k]) => k.split("|")[1]! <= WINDOW.end));
}

describe("GitHub Copilot ingestion", () => {
  it("imports usage per person and day equal to the fake's truth, and cost centers as groups", async () => {
    const { db, workspace, connection, adapter } = await setup();
    const r = await runSync({ db, connectionId: connection.id, adapter, window: WINDOW });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe("SUCCEEDED");
    const { out, rows } = await totals(workspace.id);
    const truth = truthInWindow();
    expect(out.size).toBe(truth.size);
    for (const [k, v] of truth) {
      expect(out.get(k), k).toEqual({ netMicros: v.netMicros, grossMicros: v.grossMicros });
    }
    expect(new Set(rows.map((x) => x.model))).toEqual(new Set(["GPT-5", "Claude Sonnet 4.5"]));
    const groups = await db.group.findMany({
      where: { workspaceId: workspace.id },
      include: { members: { include: { member: true } } },
      orderBy: { name: "asc" },
    });
    expect(
      groups.map((g) => [g.name, g.source, g.members.map((m) => m.member.email).sort()]),
    ).toEqual([
      ["Engineering", "github", ["ada@example.test", "bob@example.test"]],
      ["Operations", "github", ["cy@example.test"]],
    ]);
    const ids = await db.memberIdentity.findMany({
      where: { workspaceId: workspace.id, provider: "github" },
    });
    expect(ids.map((i) => i.externalId).sort()).toEqual(["ada", "bob", "cy"]);
  });

  it("a restated day replaces the old rows", async () => {
    const { db, workspace, connection, adapter } = await setup();
    await runSync({ db, connectionId: connection.id, adapter, window: WINDOW });
    const saved = fake.state.usage;
    try {
      // GitHub restates Nov 2: Ada's usage is gone, Bob's doubled
      fake.state.usage = saved
        .filter((u) => !(u.day === "2026-11-02" && u.login === "ada"))
        .map((u) =>
          u.day === "2026-11-02" && u.login === "bob"
            ? { ...u, centiCredits: u.centiCredits * 2 }
            : u,
        );
      const r = await runSync({ db, connectionId: connection.id, adapter, window: WINDOW });
      expect(r.status).toBe("SUCCEEDED");
      const { out } = await totals(workspace.id);
      const truth = truthInWindow();
      expect(out.has("ada|2026-11-02")).toBe(false);
      for (const [k, v] of truth) expect(out.get(k), k).toEqual(v);
      expect(out.size).toBe(truth.size);
    } finally {
      fake.state.usage = saved;
    }
  });

  it("rides out 429 with and without Retry-After, a 403 secondary limit and 5xx, waiting as GitHub documents", async () => {
    const { db, workspace, connection, adapter } = await setup();
    waits.length = 0;
    fake.state.faults.push(
      { match: /ai_credit\/usage/, status: 429, times: 1 },
      { match: /ai_credit\/usage/, status: 429, retryAfter: "7", times: 1 },
      { match: /ai_credit\/usage/, status: 403, retryAfter: "3", times: 1 },
      { match: /ai_credit\/usage/, status: 502, times: 2 },
    );
    const r = await runSync({ db, connectionId: connection.id, adapter, window: WINDOW });
    expect(r.error).toBeUndefined();
    expect(waits.slice(0, 3)).toEqual([60_000, 7_000, 3_000]);
    expect(waits).toHaveLength(5);
    const { out } = await totals(workspace.id);
    for (const [k, v] of truthInWindow()) expect(out.get(k), k).toEqual(v);
  });

  it("a malformed page fails the run naming the field and writes nothing", async () => {
    const { db, workspace, connection, adapter } = await setup();
    fake.state.faults.push({ match: /ai_credit\/usage/, status: "malformed", times: 1 });
    const r = await runSync({ db, connectionId: connection.id, adapter, window: WINDOW });
    expect(r.status).toBe("FAILED");
    expect(r.error).toMatch(/usageItems\[0\]\.grossAmount/);
    expect(await db.usageRecord.count({ where: { workspaceId: workspace.id } })).toBe(0);
  });

  it("a refused token fails with GitHub's message", async () => {
    const { db, connection } = await setup();
    const adapter = githubCopilotAdapter({
      baseUrl: fake.url,
      token: "ghp_wrong",
      config: { target: "enterprise:acme", trailingDays: 3 },
    });
    const r = await runSync({ db, connectionId: connection.id, adapter, window: WINDOW });
    expect(r.status).toBe("FAILED");
    expect(r.error).toMatch(/HTTP 401 — Bad credentials/);
  });
});
