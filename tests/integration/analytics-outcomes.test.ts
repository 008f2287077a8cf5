/**
 * Cost per outcome (lib/analytics/outcomes.ts) over rows written by the real sync: billed cost
 * per commit / per PR by person, group and product, seat estimates apart, other products and
 * days outside the range left out, a manager's scope, and the request-context line. Every
 * expected figure is worked out by hand in the comments.
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

async function scenario(db: Db) {
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
