/**
 * GitHub Copilot usage through the enterprise usage-report export (§2.3) against the fake
 * GitHub: the same usage rows and rollups as the per-user REST path for the same facts (a
 * 47-day window, so two reports of at most 31 days), with and without the unconfirmed
 * `model` column, restated days replacing, rate limits while polling, both readings of the
 * download URLs, and the faults: a failed report, a report that never finishes, a malformed
 * CSV (named by row and column, nothing written), a malformed report answer. "auto" picks
 * the export above EXPORT_MIN_CALLS per-user calls and falls back when GitHub refuses it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { EXPORT_MIN_CALLS, type GithubCopilotConfig } from "@/lib/ingest/adapters/github-copilot";
import { runSync } from "@/lib/ingest/sync";
import { REPORT_PLACEHOLDER_MODEL } from "@/lib/vendors/github/usage-report-csv";

import {
  defaultReportOptions,
  madeUpUsage,
  startGithubFake,
  type GithubFake,
} from "../fake-vendors/github";
import { testDb } from "../helpers/db";
import { copilotWorkspace } from "./ingest-helpers";

// 47 days: the export asks for 2026-09-20..2026-10-20 and 2026-10-21..2026-11-05
const WINDOW = { start: "2026-09-20", end: "2026-11-05" };
const USERS = [
  { login: "ada", email: "ada@example.test", name: "Ada" },
  { login: "bob", email: "bob@example.test", name: "Bob" },
  { login: "cy", email: "cy@example.test", name: "Cy" },
];
const DAYS = ["2026-09-20", "2026-09-30", "2026-10-20", "2026-10-21", "2026-11-02", "2026-11-05"];

const usage = () => madeUpUsage({ users: USERS, days: DAYS, seed: 11, discountDivisor: 3 });

let fake: GithubFake;
const waits: number[] = [];

beforeAll(async () => {
  fake = await startGithubFake({
    users: USERS,
    costCenters: [{ id: "cc-eng", name: "Engineering", users: ["ada", "bob"] }],
    usage: usage(),
  });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.state.reportOptions = defaultReportOptions();
  fake.state.reports.clear();
  fake.state.reportDownloads.length = 0;
  fake.state.faults.length = 0;
  fake.state.usage = usage();
  waits.length = 0;
});

async function setup(usageSource: GithubCopilotConfig["usageSource"]) {
  const db = await testDb();
  const { workspace, connection, adapter } = await copilotWorkspace(
    db,
    fake.url,
    waits,
    usageSource,
  );
  const sync = () => runSync({ db, connectionId: connection.id, adapter, window: WINDOW });
  return { db, workspace, sync };
}

const k = (...parts: (string | bigint)[]) => parts.map(String).join("|");

/** Rows and rollups of a workspace, keyed by what they mean (member email, not id). */
async function snapshot(workspaceId: string) {
  const db = await testDb();
  const members = await db.member.findMany({ where: { workspaceId } });
  const who = new Map(members.map((m) => [m.id, m.email]));
  const rows = await db.usageRecord.findMany({ where: { workspaceId } });
  const daily = await db.usageDailyRollup.findMany({ where: { workspaceId } });
  const month = await db.usageMemberMonth.findMany({ where: { workspaceId } });
  const dayTotals = await db.usageDayTotal.findMany({ where: { workspaceId } });
  const money = (r: {
    costMicros: bigint;
    seatEstimateMicros: bigint;
    estimatedCostMicros: bigint;
  }) => k(r.costMicros, r.seatEstimateMicros, r.estimatedCostMicros);
  return {
    rows: rows
      .map((r) => k(r.day, who.get(r.memberId ?? "") ?? "-", r.product, r.model, money(r)))
      .sort(),
    daily: daily
      .map((r) => k(r.day, who.get(r.memberKey) ?? r.memberKey, r.product, r.model, money(r)))
      .sort(),
    month: month
      .map((r) => k(r.month, who.get(r.memberKey) ?? r.memberKey, r.model, money(r)))
      .sort(),
    dayTotals: dayTotals.map((r) => k(r.day, r.model, money(r))).sort(),
  };
}

/** Net and gross per person and day, from the fake's facts. */
function truth() {
  return new Map(
    [...fake.truth().entries()].filter(([key]) => {
      const day = key.split("|")[1]!;
      return day >= WINDOW.start && day <= WINDOW.end;
    }),
  );
}
async function totals(workspaceId: string) {
  const db = await testDb();
  const rows = await db.usageRecord.findMany({ where: { workspaceId }, include: { member: true } });
  const out = new Map<string, { grossMicros: bigint; netMicros: bigint }>();
  for (const r of rows) {
    const key = `${r.member!.email.split("@")[0]}|${r.day}`;
    const x = out.get(key) ?? { grossMicros: 0n, netMicros: 0n };
    x.netMicros += r.costMicros;
    x.grossMicros += r.costMicros + r.seatEstimateMicros;
    out.set(key, x);
  }
  return { out, rows };
}

describe("GitHub Copilot usage through the usage-report export", () => {
  it("yields the same usage rows and rollups as the per-user REST path, over two reports of at most 31 days", async () => {
    const rest = await setup("per_user");
    const r1 = await rest.sync();
    expect(r1.error).toBeUndefined();
    expect(fake.state.reports.size).toBe(0);

    const exp = await setup("export");
    const restCalls = fake.state.log.length;
    const r2 = await exp.sync();
    expect(r2.error).toBeUndefined();
    expect(r2.status).toBe("SUCCEEDED");
    expect(r2.pages).toBe(r1.pages);
    // two reports (the fake refuses more than 31 days), polled until done, files fetched without the token
    expect(
      [...fake.state.reports.values()].map((r) => [
        r.report_type,
        r.start_date,
        r.end_date,
        r.status,
      ]),
    ).toEqual([
      ["ai_credit", "2026-09-20", "2026-10-20", "completed"],
      ["ai_credit", "2026-10-21", "2026-11-05", "completed"],
    ]);
    expect(fake.state.reportDownloads.map((d) => d.withToken)).toEqual([false, false]);
    // and no per-user usage calls: the seat list, two reports and their polls
    expect(
      fake.state.log.slice(restCalls).filter((l) => l.path.includes("/ai_credit/usage")),
    ).toHaveLength(0);
    expect(waits).toEqual([1_000, 2_000, 4_000, 1_000, 2_000, 4_000]);

    const a = await snapshot(rest.workspace.id);
    const b = await snapshot(exp.workspace.id);
    expect(b.rows.length).toBeGreaterThan(20);
    expect(b).toEqual(a);
    const { out } = await totals(exp.workspace.id);
    for (const [key, v] of truth()) expect(out.get(key), key).toEqual(v);
    expect(out.size).toBe(truth().size);
  });

  it("without a model column, usage lands under the placeholder model with the same totals, and the run says so", async () => {
    fake.state.reportOptions.modelColumn = false;
    const { workspace, sync } = await setup("export");
    const r = await sync();
    expect(r.status).toBe("SUCCEEDED");
    expect(r.warnings.join("\n")).toContain(`"${REPORT_PLACEHOLDER_MODEL}"`);
    const { out, rows } = await totals(workspace.id);
    expect(new Set(rows.map((x) => x.model))).toEqual(new Set([REPORT_PLACEHOLDER_MODEL]));
    for (const [key, v] of truth()) expect(out.get(key), key).toEqual(v);
    expect(out.size).toBe(truth().size);
  });

  it("a restated day replaces the old rows", async () => {
    const { workspace, sync } = await setup("export");
    expect((await sync()).status).toBe("SUCCEEDED");
    fake.state.usage = usage()
      .filter((u) => !(u.day === "2026-10-21" && u.login === "ada"))
      .map((u) =>
        u.day === "2026-10-21" && u.login === "bob"
          ? { ...u, centiCredits: u.centiCredits * 2 }
          : u,
      );
    expect((await sync()).status).toBe("SUCCEEDED");
    const { out } = await totals(workspace.id);
    expect(out.has("ada|2026-10-21")).toBe(false);
    for (const [key, v] of truth()) expect(out.get(key), key).toEqual(v);
    expect(out.size).toBe(truth().size);
  });

  it("rides out rate limits while asking and polling (429 without Retry-After, 403 secondary with one), and several files per report", async () => {
    fake.state.reportOptions.rowsPerFile = 7;
    fake.state.faults.push(
      { match: /^POST .*\/settings\/billing\/reports$/, status: 429, times: 1 },
      { match: /^GET .*\/settings\/billing\/reports\//, status: 403, retryAfter: "9", times: 1 },
    );
    const { workspace, sync } = await setup("export");
    const r = await sync();
    expect(r.error).toBeUndefined();
    expect(waits).toContain(60_000); // GitHub's "at least a minute" without Retry-After
    expect(waits).toContain(9_000);
    expect(fake.state.reportDownloads.length).toBeGreaterThan(2);
    const { out } = await totals(workspace.id);
    for (const [key, v] of truth()) expect(out.get(key), key).toEqual(v);
  });

  it("reads download URLs that want the token too (the other reading), sending it to GitHub's own host only", async () => {
    fake.state.reportOptions.downloadNeedsToken = true;
    const { workspace, sync } = await setup("export");
    const r = await sync();
    expect(r.error).toBeUndefined();
    // each file: first without the token (refused), then with it — same host as the API
    expect(fake.state.reportDownloads.map((d) => d.withToken)).toEqual([false, true, false, true]);
    const { out } = await totals(workspace.id);
    for (const [key, v] of truth()) expect(out.get(key), key).toEqual(v);
  });

  it("a failed report fails the sync naming the report, and writes nothing", async () => {
    fake.state.reportOptions.outcome = "failed";
    const { db, workspace, sync } = await setup("export");
    const r = await sync();
    expect(r.status).toBe("FAILED");
    const first = [...fake.state.reports.values()][0]!;
    expect(r.error).toContain(
      `GitHub usage report ${first.id} (ai_credit 2026-09-20..2026-10-20) failed`,
    );
    expect(await db.usageRecord.count({ where: { workspaceId: workspace.id } })).toBe(0);
  });

  it("a report that never finishes: the sync gives up after a bounded wait, naming it, and writes nothing", async () => {
    fake.state.reportOptions.pollsUntilDone = 1_000_000;
    const { db, workspace, sync } = await setup("export");
    const r = await sync();
    expect(r.status).toBe("FAILED");
    expect(r.error).toMatch(
      /GitHub usage report [0-9a-f-]{36} \(ai_credit 2026-09-20\.\.2026-10-20\) is still "processing" after \d+ s of waiting: gave up/,
    );
    const waited = waits.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThanOrEqual(15 * 60_000);
    expect(waited).toBeLessThan(15 * 60_000 + 30_000);
    expect(Math.max(...waits)).toBe(30_000);
    expect(await db.usageRecord.count({ where: { workspaceId: workspace.id } })).toBe(0);
  });

  it("a malformed CSV fails the sync naming the file, row and column, and writes nothing (even from the good files)", async () => {
    fake.state.reportOptions.rowsPerFile = 7;
    // the second report's second file: its 4th data row's net_amount is not a number
    let reportsSeen = 0;
    fake.state.reportOptions.mutate = (csv, n) => {
      if (n === 0) reportsSeen++;
      if (reportsSeen < 2 || n !== 1) return csv;
      const lines = csv.split("\n");
      const header = lines[0]!.split(",");
      const col = header.indexOf("net_amount");
      const cells = lines[4]!.split(",");
      cells[col] = "1.2.3";
      lines[4] = cells.join(",");
      return lines.join("\n");
    };
    const { db, workspace, sync } = await setup("export");
    const r = await sync();
    expect(r.status).toBe("FAILED");
    expect(r.error).toMatch(
      /GitHub usage report [0-9a-f-]{36} \(ai_credit 2026-10-21\.\.2026-11-05\) file 2: row 5, column net_amount: expected a dollar amount/,
    );
    expect(await db.usageRecord.count({ where: { workspaceId: workspace.id } })).toBe(0);
  });

  it("a CSV without a required column, or with a short row, fails naming it", async () => {
    fake.state.reportOptions.mutate = (csv) => csv.replace("username", "user_login");
    const one = await setup("export");
    const r1 = await one.sync();
    expect(r1.status).toBe("FAILED");
    expect(r1.error).toMatch(/file 1: row 1, column username: missing from the header/);

    fake.state.reports.clear();
    fake.state.reportOptions.mutate = (csv) => {
      const lines = csv.split("\n");
      lines[2] = lines[2]!.split(",").slice(0, 5).join(",");
      return lines.join("\n");
    };
    const two = await setup("export");
    const r2 = await two.sync();
    expect(r2.status).toBe("FAILED");
    expect(r2.error).toMatch(/file 1: row 3: 5 cells where the header has 15/);
    expect(await two.db.usageRecord.count({ where: { workspaceId: two.workspace.id } })).toBe(0);
  });

  it("a report answer that breaks the documented shape fails naming the field", async () => {
    fake.state.faults.push({
      match: /^GET .*\/settings\/billing\/reports\//,
      status: "malformed",
      times: 1,
    });
    const { db, workspace, sync } = await setup("export");
    const r = await sync();
    expect(r.status).toBe("FAILED");
    expect(r.error).toMatch(/GitHub usage report [0-9a-f-]{36}.*\bid\b/);
    expect(await db.usageRecord.count({ where: { workspaceId: workspace.id } })).toBe(0);
  });

  it(`"auto" reads the export above ${EXPORT_MIN_CALLS} per-user calls and per user below; it falls back to per user when GitHub refuses the export`, async () => {
    // 3 seats × 47 days = 141 calls: per user
    const small = await setup("auto");
    expect((await small.sync()).status).toBe("SUCCEEDED");
    expect(fake.state.reports.size).toBe(0);

    // 8 seats × 47 days = 376 calls: the export
    const saved = fake.state.users;
    fake.state.users = [
      ...USERS,
      ...["d", "e", "f", "g", "h"].map((l) => ({ login: l, email: `${l}@example.test`, name: l })),
    ];
    try {
      const big = await setup("auto");
      expect((await big.sync()).status).toBe("SUCCEEDED");
      expect(fake.state.reports.size).toBe(2);
      expect(await snapshot(big.workspace.id)).toEqual(await snapshot(small.workspace.id));

      // the token may not make reports: per user instead, same rows; "export" itself fails
      fake.state.reports.clear();
      fake.state.reportOptions.enabled = false;
      const refused = await setup("auto");
      expect((await refused.sync()).status).toBe("SUCCEEDED");
      expect(fake.state.reports.size).toBe(0);
      expect(await snapshot(refused.workspace.id)).toEqual(await snapshot(small.workspace.id));
      const strict = await setup("export");
      const r = await strict.sync();
      expect(r.status).toBe("FAILED");
      expect(r.error).toMatch(/GitHub usage report ai_credit 2026-09-20\.\.2026-10-20: HTTP 403/);
    } finally {
      fake.state.users = saved;
    }
  });
});
