/**
 * Issue 16 on the fake provider's billing scenario: billed means invoiced (per provider, day
 * and person, to the micro-dollar, equal to the cost report), seat estimates apart, costs in
 * their own currency converted with the owner's rates, a day without a rate flagged and a
 * result without amount counted as zero — and the sync still lands. The expected figures are
 * the scenario's own truth (tests/fake-provider/billing-truth.ts), never the app's code.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { exportBreakdown } from "@/lib/analytics/breakdown";
import { getOverview } from "@/lib/analytics/overview";
import type { SpendScope } from "@/lib/auth/scope";
import { anthropicAdapter } from "@/lib/ingest/adapters/anthropic";
import { openaiAdapter } from "@/lib/ingest/adapters/openai";
import { runSync } from "@/lib/ingest/sync";
import { buildRateCard, type RateCardVersion } from "@/lib/ratecard/rate-card";
import type { Db } from "@/lib/server/db";

import { billingScenarioData } from "../fake-provider/billing-data";
import {
  MAPPED_IDENTITIES,
  PEOPLE,
  SCENARIO_PRICES,
  SCENARIO_RATES,
  SCENARIO_WINDOW,
} from "../fake-provider/billing-scenario";
import { billingTruth, NONE } from "../fake-provider/billing-truth";
import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import { TEST_NOW } from "../helpers/clock";
import { makeWorkspace, testDb } from "../helpers/db";
import { FAST_RETRY } from "./ingest-helpers";

let fake: FakeProvider;
const truth = billingTruth();

beforeAll(async () => {
  fake = await startFakeProvider();
  fake.data = billingScenarioData();
});
afterAll(async () => {
  await fake.close();
});

function scenarioRateCard() {
  const versions: RateCardVersion[] = [];
  for (const provider of ["openai", "anthropic"] as const) {
    for (const [model, price] of Object.entries(SCENARIO_PRICES[provider]))
      versions.push({ provider, model, effectiveFrom: "", price: { ...price } });
  }
  return buildRateCard(versions);
}

async function scenarioWorkspace(db: Db) {
  const workspace = await makeWorkspace(db, { budgetUnit: "USD", usdPerCreditMicros: 1_000_000n });
  const members = new Map<string, string>();
  for (const p of PEOPLE)
    members.set(
      p.email,
      (
        await db.member.create({
          data: { workspaceId: workspace.id, email: p.email, name: p.name },
        })
      ).id,
    );
  for (const i of MAPPED_IDENTITIES) {
    await db.memberIdentity.create({
      data: {
        workspaceId: workspace.id,
        memberId: members.get(i.email)!,
        provider: i.provider,
        kind: i.kind,
        externalId: i.externalId,
      },
    });
  }
  await db.exchangeRate.createMany({
    data: SCENARIO_RATES.map((r) => ({ workspaceId: workspace.id, ...r })),
  });
  const rateCard = scenarioRateCard();
  const common = { pageLimit: 7, rateCard, retry: FAST_RETRY };
  const oc = await db.connection.create({
    data: { workspaceId: workspace.id, kind: "openai", name: "openai", baseUrl: fake.openaiBase },
  });
  const ac = await db.connection.create({
    data: {
      workspaceId: workspace.id,
      kind: "anthropic",
      name: "anthropic",
      baseUrl: fake.anthropicBase,
    },
  });
  return {
    workspace,
    runs: [
      {
        connection: oc,
        adapter: openaiAdapter({
          ...common,
          baseUrl: fake.openaiBase,
          apiKey: "sk-admin-fake-openai",
        }),
      },
      {
        connection: ac,
        adapter: anthropicAdapter({
          ...common,
          baseUrl: fake.anthropicBase,
          apiKey: "sk-ant-admin-fake",
        }),
      },
    ],
  };
}

const add = (m: Record<string, bigint>, k: string, v: bigint) => {
  if (v !== 0n) m[k] = (m[k] ?? 0n) + v;
};
const nonZero = (m: Record<string, bigint>) =>
  Object.fromEntries(Object.entries(m).filter(([, v]) => v !== 0n));

describe("the billing scenario of the fake provider", () => {
  it("reproduces the truth per provider, day and person; billed equals the cost report; seats apart; the sync lands", async () => {
    const db = await testDb();
    const { workspace, runs } = await scenarioWorkspace(db);
    const warnings: string[] = [];
    for (const { connection, adapter } of runs) {
      const result = await runSync({
        db,
        connectionId: connection.id,
        adapter,
        window: SCENARIO_WINDOW,
      });
      expect(result.error).toBeUndefined();
      expect(result.status).toBe("SUCCEEDED");
      warnings.push(...result.warnings);
      const run = await db.syncRun.findUniqueOrThrow({ where: { id: result.runId } });
      expect(run.warnings.split("\n").filter(Boolean)).toEqual(result.warnings);
    }

    const rows = await db.usageRecord.findMany({
      where: { workspaceId: workspace.id },
      include: { member: { select: { email: true } } },
    });
    const byProvider: Record<string, bigint> = {};
    const byDay: Record<string, bigint> = {};
    const byPerson: Record<string, bigint> = {};
    const byDayPerson: Record<string, bigint> = {};
    const seats: Record<string, bigint> = {};
    for (const r of rows) {
      const person = r.member?.email ?? NONE;
      add(byProvider, r.provider, r.costMicros);
      add(byDay, `${r.provider}|${r.day}`, r.costMicros);
      add(byPerson, `${r.provider}|${person}`, r.costMicros);
      add(byDayPerson, `${r.provider}|${r.day}|${person}`, r.costMicros);
      add(seats, person, r.seatEstimateMicros);
      // billed is invoiced money only: a seat row carries no cost, a billed row no seat estimate
      if (r.seatEstimateMicros !== 0n) expect(r.costMicros).toBe(0n);
    }
    expect(byProvider).toEqual(nonZero(truth.billedByProvider));
    expect(byDay).toEqual(nonZero(truth.billedByDay));
    expect(byPerson).toEqual(nonZero(truth.billedByPerson));
    expect(byDayPerson).toEqual(nonZero(truth.billedByDayPerson));
    expect(seats).toEqual(nonZero(truth.seatByPerson));

    // billed == the providers' cost data converted, for every provider
    const lines = await db.providerCostLine.findMany({ where: { workspaceId: workspace.id } });
    for (const provider of ["openai", "anthropic"]) {
      const report = lines
        .filter((l) => l.provider === provider)
        .reduce((a, l) => a + (l.usdMicros ?? 0n), 0n);
      expect(report).toBe(truth.billedByProvider[provider]);
    }
    // costs keep their currency and amount; the day without a rate is flagged, its amount kept
    expect(
      lines
        .filter((l) => l.rateMissing)
        .map((l) => ({ provider: l.provider, day: l.day, currency: l.currency })),
    ).toEqual(truth.missingRate);
    expect(lines.find((l) => l.currency === "CHF")).toMatchObject({
      amount: "7.5",
      usdMicros: null,
      rateMissing: true,
    });
    expect(lines.filter((l) => l.currency === "EUR").length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.currency === "GBP").length).toBeGreaterThan(0);
    expect(lines.filter((l) => l.amountMissing)).toHaveLength(truth.missingAmount);
    expect(warnings.filter((w) => /no exchange rate for CHF/.test(w))).toHaveLength(1);
    expect(warnings.filter((w) => /no amount, counted as 0/.test(w))).toHaveLength(
      truth.missingAmount,
    );

    // API-billed Claude Code is counted once: only the messages report's rows carry it
    expect(
      rows.filter((r) => r.product === "claude_code" && r.member?.email === "bob@acme.example"),
    ).toHaveLength(0);
    // pricing dimensions are stored and keep rows apart
    expect(
      new Set(
        rows
          .filter((r) => r.provider === "openai" && r.product === "api" && !r.lineItem)
          .map((r) => r.serviceTier),
      ),
    ).toEqual(new Set(["default", "batch", "priority", "flex"]));
    expect(
      rows.some((r) => r.contextWindow === "200k-1M") && rows.some((r) => r.inferenceGeo === "us"),
    ).toBe(true);
    expect(rows.filter((r) => r.cacheWriteTokens > 0n).length).toBeGreaterThan(0);
    for (const li of [
      "embeddings",
      "images",
      "audio speeches",
      "audio transcriptions",
      "web search calls",
      "file search calls",
      "code interpreter sessions",
      "vector stores",
      "moderations",
    ]) {
      expect(
        rows.some((r) => r.provider === "openai" && r.lineItem === li),
        li,
      ).toBe(true);
    }

    // the rollups carry billed and seats apart, equal to the facts
    const rolled = await db.usageDailyRollup.aggregate({
      where: { workspaceId: workspace.id },
      _sum: { costMicros: true, seatEstimateMicros: true },
    });
    expect(rolled._sum.costMicros).toBe(
      Object.values(truth.billedByProvider).reduce((a, b) => a + b, 0n),
    );
    expect(rolled._sum.seatEstimateMicros).toBe(
      Object.values(truth.seatByPerson).reduce((a, b) => a + b, 0n),
    );

    // spend totals show the seat estimate as its own figure, never inside billed or spent
    const scope: SpendScope = {
      workspaceId: workspace.id,
      kind: "workspace",
      memberIds: null,
      label: "Acme",
    };
    const range = {
      range: "custom" as const,
      from: SCENARIO_WINDOW.start,
      to: SCENARIO_WINDOW.end,
    };
    const overview = await getOverview(db, scope, TEST_NOW, { range });
    expect(overview.totals.costMicros).toBe(rolled._sum.costMicros);
    expect(overview.totals.seatMicros).toBe(rolled._sum.seatEstimateMicros);
    const byMember = await exportBreakdown(
      { db, scope, now: TEST_NOW },
      range,
      {},
      { dimension: "member", sort: "amount", dir: "desc", page: 1, pageSize: 50 },
    );
    const carol = byMember.rows.find((r) => r.label.startsWith("Carol"));
    expect(carol).toMatchObject({
      amountMicros: 0n,
      seatMicros: truth.seatByPerson["carol@acme.example"],
    });

    // a second sync of the same window changes nothing
    for (const { connection, adapter } of runs) {
      const again = await runSync({
        db,
        connectionId: connection.id,
        adapter,
        window: SCENARIO_WINDOW,
      });
      expect(again.status).toBe("SUCCEEDED");
      expect(again.rowsInserted + again.rowsUpdated).toBe(0);
    }
    expect(await db.providerCostLine.count({ where: { workspaceId: workspace.id } })).toBe(
      lines.length,
    );
  });
});
