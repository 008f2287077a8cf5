/**
 * Cost per outcome (lib/analytics/outcomes.ts) over rows written by the real sync: billed cost
 * per commit / per PR by person, group and product, seat estimates apart, other products and
 * days outside the range left out, a manager's scope, and the request-context line; Codex
 * (threads and lines, no commits or PRs) beside Claude Code. Every expected figure is worked
 * out by hand in the comments.
 */
import { describe, expect, it } from "vitest";

import { getCostPerPrContext, getOutcomeReport } from "@/lib/analytics/outcomes";
import type { Actor } from "@/lib/auth/actor";
import { spendScopeFor } from "@/lib/auth/scope";
import { runSync } from "@/lib/ingest/sync";
import type { OutcomeFact, SourceAdapter, UsageRow } from "@/lib/ingest/types";
import type { Db } from "@/lib/server/db";

import { TEST_NOW } from "../helpers/clock";
import { makeMember, makeWorkspace, testDb } from "../helpers/db";
import { actorOf as fixtureActor, platformAndMobile } from "./limits-fixtures";

const NOV = { range: "custom", from: "2026-11-01", to: "2026-11-30" } as const;

function usage(
  email: string,
  day: string,
  product: string,
  costMicros: bigint,
  seat = 0n,
): UsageRow {
  return {
    day,
    provider: "anthropic",
    identity: { provider: "claude_code", kind: "email", externalId: email, email },
    product,
    model: "claude-sonnet-4-5",
    project: "",
    apiKey: "",
    lineItem: "",
    inputTokens: 1_000n,
    cachedInputTokens: 0n,
    outputTokens: 100n,
    requests: 1n,
    estimatedCostMicros: costMicros,
    costMicros,
    creditsMicros: null,
    seatEstimateMicros: seat,
    unpriced: false,
  };
}

function fact(
  email: string,
  day: string,
  commits: number,
  pullRequests: number,
  source = "local",
): OutcomeFact {
  return {
    day,
    identity: { provider: "claude_code", kind: "email", externalId: email, email },
    product: "claude_code",
    source,
    sessions: 1,
    linesAdded: 10 * commits,
    linesRemoved: commits,
    commits,
    pullRequests,
  };
}

/** Codex spend as the ChatGPT connection books it, and Codex Analytics' facts (threads, lines). */
function codexUsage(email: string, day: string, costMicros: bigint): UsageRow {
  return {
    ...usage(email, day, "codex", costMicros),
    provider: "chatgpt",
    identity: { provider: "chatgpt", kind: "email", externalId: email, email },
    model: "gpt-5-codex",
  };
}

function codexFact(email: string, day: string, threads: number, added: number): OutcomeFact {
  return {
    day,
    identity: { provider: "chatgpt", kind: "user_id", externalId: `user-${email}`, email },
    product: "codex",
    source: "",
    sessions: threads,
    linesAdded: added,
    linesRemoved: Math.floor(added / 10),
    commits: 0,
    pullRequests: 0,
  };
}

async function scenario(db: Db, opts: { codexFacts?: boolean } = {}) {
  const workspace = await makeWorkspace(db, { budgetUnit: "USD", usdPerCreditMicros: 1_000_000n });
  const mk = (name: string) =>
    makeMember(db, workspace.id, { name, email: `${name.toLowerCase()}@outcomes.test` });
  const [ana, ben, cy, dee, mgr] = [
    await mk("Ana"),
    await mk("Ben"),
    await mk("Cy"),
    await mk("Dee"),
    await mk("Mgr"),
  ];
  const { platform, mobile } = await platformAndMobile(db, workspace.id, {
    platform: [ana.id, ben.id],
    mobile: [cy.id, dee.id],
    platformManager: mgr.id,
  });

  const rows: UsageRow[] = [
    usage(ana.email, "2026-11-03", "claude_code", 30_000_000n),
    usage(ana.email, "2026-11-10", "claude_code", 12_500_000n),
    usage(ana.email, "2026-11-10", "api", 100_000_000n), // another product: not in cost per PR
    usage(ana.email, "2026-07-31", "claude_code", 99_000_000n), // outside both ranges
    usage(ben.email, "2026-11-05", "claude_code", 10_000_000n),
    usage(cy.email, "2026-11-06", "claude_code", 7_000_000n),
    usage(dee.email, "2026-11-07", "claude_code", 0n, 20_000_000n), // a seat: estimate only
    codexUsage(ana.email, "2026-11-04", 20_000_000n),
    codexUsage(ben.email, "2026-11-05", 8_000_000n),
    codexUsage(cy.email, "2026-11-06", 5_000_000n),
  ];
  const outcomes: OutcomeFact[] = [
    fact(ana.email, "2026-11-03", 4, 2),
    fact(ana.email, "2026-11-03", 1, 1, "remote"),
    fact(ana.email, "2026-11-10", 2, 0),
    fact(ana.email, "2026-07-31", 9, 10),
    fact(ben.email, "2026-11-05", 3, 1),
    fact(cy.email, "2026-11-06", 2, 0),
    fact(dee.email, "2026-11-07", 1, 2),
    fact("ghost@elsewhere.test", "2026-11-08", 5, 1), // nobody's: Unattributed
    // Codex outcomes only when asked: without them Codex reports nothing and its spend is left out
    ...(opts.codexFacts
      ? [codexFact(ana.email, "2026-11-04", 3, 400), codexFact(cy.email, "2026-11-06", 1, 100)]
      : []),
  ];
  const connection = await db.connection.create({
    data: { workspaceId: workspace.id, kind: "anthropic", name: "outcomes" },
  });
  const days = [...new Set([...rows, ...outcomes].map((r) => r.day))].sort();
  const adapter: SourceAdapter = {
    kind: "anthropic",
    testConnection: async () => ({ ok: true, detail: "" }),
    async *pages() {
      yield { completeDays: days, rows, outcomes, nextCursor: null, label: "outcomes" };
    },
  };
  const res = await runSync({
    db,
    connectionId: connection.id,
    adapter,
    window: { start: days[0]!, end: days.at(-1)! },
  });
  expect(res.error).toBeUndefined();
  const actorOf = (m: typeof ana, role: Actor["role"], managed: string[] = []): Actor => ({
    ...fixtureActor({ ...m, role }, managed),
    workspaceSlug: workspace.slug,
    workspaceName: workspace.name,
  });
  return { workspace, ana, ben, cy, dee, mgr, platform, mobile, actorOf };
}

describe("cost per outcome", () => {
  it("billed cost per commit and per PR by person, group and product, for the workspace", async () => {
    const db = await testDb();
    const s = await scenario(db);
    const scope = await spendScopeFor(db, s.actorOf(s.mgr, "FINANCE"));
    const report = await getOutcomeReport({ db, scope, now: TEST_NOW }, NOV);
    const person = (label: string) => report.byPerson.find((p) => p.label === label)!;

    // no Codex outcome is reported here: Codex spend ($33) is no product of this report
    expect(report.products).toEqual(["claude_code"]);
    // Ana: $30 + $12.50 = $42.50 billed (the $100 API row and July left out); 4+1+2 = 7
    // commits, 2+1+0 = 3 PRs → $6.071428… per commit, $14.1666… per PR
    expect(person("Ana")).toMatchObject({
      billedMicros: 42_500_000n,
      commits: 7,
      pullRequests: 3,
      perCommitMicros: 6_071_429n,
      perPrMicros: 14_166_667n,
    });
    // Ben: $10 / 3 commits = $3.333…, / 1 PR = $10
    expect(person("Ben")).toMatchObject({ perCommitMicros: 3_333_333n, perPrMicros: 10_000_000n });
    // Cy: $7 / 2 commits = $3.50; no PR → null ("—"), never 0 or infinity
    expect(person("Cy")).toMatchObject({ perCommitMicros: 3_500_000n, perPrMicros: null });
    // Dee: a seat user: billed $0; the $20 estimate stays apart ($10 per PR, estimated)
    expect(person("Dee")).toMatchObject({
      billedMicros: 0n,
      seatMicros: 20_000_000n,
      perPrMicros: 0n,
      seatPerPrMicros: 10_000_000n,
    });
    // the unmapped identity's outcomes count in the workspace, as "Unattributed"
    expect(person("Unattributed")).toMatchObject({ commits: 5, pullRequests: 1, billedMicros: 0n });
    // people with a cost per PR first, dearest first; Cy (no PR) last
    expect(report.byPerson.map((p) => p.label)).toEqual([
      "Ana",
      "Ben",
      "Dee",
      "Unattributed",
      "Cy",
    ]);

    // Platform = Ana + Ben: $52.50 / 10 commits = $5.25, / 4 PRs = $13.125 (sums, not a mean)
    // Mobile = Cy + Dee: $7 / 3 commits = $2.333…, / 2 PRs = $3.50; seat $20 / 2 = $10
    const group = (label: string) => report.byGroup.find((g) => g.label === label)!;
    expect(group("Platform")).toMatchObject({
      perCommitMicros: 5_250_000n,
      perPrMicros: 13_125_000n,
    });
    expect(group("Mobile")).toMatchObject({
      perCommitMicros: 2_333_333n,
      perPrMicros: 3_500_000n,
      seatPerPrMicros: 10_000_000n,
    });

    // everyone: $59.50 billed, 7+3+2+1+5 = 18 commits, 3+1+0+2+1 = 7 PRs
    // → $3.30555… per commit, $8.50 per PR; one product, the same figures
    const expected = {
      billedMicros: 59_500_000n,
      seatMicros: 20_000_000n,
      commits: 18,
      pullRequests: 7,
      perCommitMicros: 3_305_556n,
      perPrMicros: 8_500_000n,
    };
    expect(report.total).toMatchObject(expected);
    expect(report.byProduct).toHaveLength(1);
    expect(report.byProduct[0]).toMatchObject({ key: "claude_code", ...expected });
  });

  it("Codex reports threads and lines: its spend counts per 1,000 lines, never per commit or PR", async () => {
    const db = await testDb();
    const s = await scenario(db, { codexFacts: true });
    const scope = await spendScopeFor(db, s.actorOf(s.mgr, "FINANCE"));
    const report = await getOutcomeReport({ db, scope, now: TEST_NOW }, NOV);
    expect(report.products).toEqual(["claude_code", "codex"]);
    // Codex: $20 (Ana) + $8 (Ben, no facts of his own: the product reports, so his spend counts)
    // + $5 (Cy) = $33; 400 + 100 = 500 lines → $66 per 1,000 lines; no commit, no PR → "—"
    expect(report.byProduct.find((p) => p.key === "codex")).toMatchObject({
      billedMicros: 33_000_000n,
      sessions: 4,
      linesAdded: 500,
      commits: 0,
      pullRequests: 0,
      perCommitMicros: null,
      perPrMicros: null,
      perKLinesMicros: 66_000_000n,
    });
    // Claude Code's line is as without Codex ($59.50, 180 lines → $330.555… per 1,000 lines)
    expect(report.byProduct.find((p) => p.key === "claude_code")).toMatchObject({
      billedMicros: 59_500_000n,
      perPrMicros: 8_500_000n,
      linesAdded: 180,
      perKLinesMicros: 330_555_556n,
    });
    const person = (label: string) => report.byPerson.find((p) => p.label === label)!;
    // Ana: billed $42.50 + $20 = $62.50, but per commit / PR only Claude Code's $42.50 (as
    // before); lines 70 + 400 = 470 → $62.50 × 1,000 / 470 = $132.978723… per 1,000 lines
    expect(person("Ana")).toMatchObject({
      billedMicros: 62_500_000n,
      commitBilledMicros: 42_500_000n,
      sessions: 3 + 3,
      perCommitMicros: 6_071_429n,
      perPrMicros: 14_166_667n,
      linesAdded: 470,
      perKLinesMicros: 132_978_723n,
    });
    // Platform = Ana + Ben: $80.50 billed, per PR still $52.50 / 4 = $13.125
    expect(report.byGroup.find((g) => g.label === "Platform")).toMatchObject({
      billedMicros: 80_500_000n,
      perPrMicros: 13_125_000n,
    });
    // everyone: $92.50 billed; per PR $59.50 / 7 = $8.50 as before; 680 lines → $136.029411…
    expect(report.total).toMatchObject({
      billedMicros: 92_500_000n,
      commitBilledMicros: 59_500_000n,
      perPrMicros: 8_500_000n,
      linesAdded: 680,
      perKLinesMicros: 136_029_412n,
    });
    // the request context's cost per PR is Claude Code's alone
    const ctx = await getCostPerPrContext({ db, scope, now: TEST_NOW }, s.ana.id);
    expect(ctx?.person.perPrMicros).toBe(14_166_667n);
  });

  it("a manager sees their groups' people only, and no unattributed line", async () => {
    const db = await testDb();
    const s = await scenario(db);
    const scope = await spendScopeFor(db, s.actorOf(s.mgr, "MEMBER", [s.platform.id]));
    const report = await getOutcomeReport({ db, scope, now: TEST_NOW }, NOV);
    expect(report.byPerson.map((p) => p.label)).toEqual(["Ana", "Ben"]);
    expect(report.byGroup.map((g) => g.label)).toEqual(["Platform"]);
    expect(report.total).toMatchObject({
      billedMicros: 52_500_000n,
      pullRequests: 4,
      perPrMicros: 13_125_000n,
    });
  });

  it("the request context: this person's cost per PR vs their group's, over the last 90 days", async () => {
    const db = await testDb();
    const s = await scenario(db);
    const manager = await spendScopeFor(db, s.actorOf(s.mgr, "MEMBER", [s.platform.id]));
    const ctx = await getCostPerPrContext({ db, scope: manager, now: TEST_NOW }, s.ana.id);
    // 90 days to 2026-11-18: 2026-08-21 … 2026-11-18 (July's $99 and 10 PRs are out)
    expect(ctx?.period).toEqual({ start: "2026-08-21", end: "2026-11-18" });
    expect(ctx?.person).toMatchObject({ name: "Ana", perPrMicros: 14_166_667n });
    expect(ctx?.groups.map((g) => [g.name, g.perPrMicros])).toEqual([["Platform", 13_125_000n]]);
    // a manager of Platform may not read Mobile's people
    expect(await getCostPerPrContext({ db, scope: manager, now: TEST_NOW }, s.cy.id)).toBeNull();
    // the workspace sees Cy with Mobile: no PR of Cy's own → null, the group's $3.50
    const finance = await spendScopeFor(db, s.actorOf(s.mgr, "FINANCE"));
    const cy = await getCostPerPrContext({ db, scope: finance, now: TEST_NOW }, s.cy.id);
    expect(cy?.person.perPrMicros).toBeNull();
    expect(cy?.groups.map((g) => [g.name, g.perPrMicros])).toEqual([["Mobile", 3_500_000n]]);
  });
});
