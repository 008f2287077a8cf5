import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { AnthropicUsageRow } from "@/lib/ingest/adapters/anthropic";
import { runSync } from "@/lib/ingest/sync";

import { expectedFigures } from "../fake-provider/data";
import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import { testDb } from "../helpers/db";
import { addTo, asBigInts, FIXTURE_WINDOW, providerWorkspace, tap } from "./ingest-helpers";

interface Expected {
  openai: {
    billed_cost_micros_by_day: Record<string, number>;
    billed_cost_micros_total: number;
    usage_by_user: Record<
      string,
      {
        input_tokens: number;
        input_cached_tokens: number;
        output_tokens: number;
        num_model_requests: number;
      }
    >;
    usage_by_model: Record<string, { input_tokens: number; output_tokens: number }>;
    priced_usage_micros_by_user: Record<string, number>;
    rows: number;
  };
  anthropic: {
    billed_cost_micros_by_day: Record<string, number>;
    billed_cost_micros_total: number;
    tokens_by_model: Record<
      string,
      {
        uncached_input_tokens: number;
        cache_read_input_tokens: number;
        cache_creation_input_tokens: number;
        output_tokens: number;
      }
    >;
  };
  claude_code: { estimated_cost_micros_by_email: Record<string, number> };
}

const expected = expectedFigures() as unknown as Expected;
let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
});

describe("importing the shared fixtures through the fake provider", () => {
  it("reproduces expected.json for OpenAI to the micro-dollar", async () => {
    const db = await testDb();
    const { workspace, connection, adapter } = await providerWorkspace(db, fake, "openai");
    const result = await runSync({
      db,
      connectionId: connection.id,
      adapter,
      window: FIXTURE_WINDOW,
    });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe("SUCCEEDED");
    expect(result.pages).toBe(2);

    const rows = await db.usageRecord.findMany({ where: { workspaceId: workspace.id } });
    const billedByDay: Record<string, bigint> = {};
    const priced: Record<string, bigint> = {};
    const users: Record<string, Record<string, bigint>> = {};
    const models: Record<string, Record<string, bigint>> = {};
    for (const r of rows) {
      addTo(billedByDay, r.day, r.costMicros);
      if (r.lineItem) continue; // unattributed billed rows carry no usage
      const user = r.identityKey.startsWith("user_id:")
        ? r.identityKey.slice("user_id:".length)
        : "(none)";
      addTo(priced, user, r.estimatedCostMicros);
      const u = (users[user] ??= {});
      addTo(u, "input_tokens", r.inputTokens);
      addTo(u, "input_cached_tokens", r.cachedInputTokens);
      addTo(u, "output_tokens", r.outputTokens);
      addTo(u, "num_model_requests", r.requests);
      const m = (models[r.model] ??= {});
      addTo(m, "input_tokens", r.inputTokens);
      addTo(m, "output_tokens", r.outputTokens);
    }
    expect(rows.filter((r) => !r.lineItem)).toHaveLength(expected.openai.rows);
    expect(billedByDay).toEqual(asBigInts(expected.openai.billed_cost_micros_by_day));
    expect(Object.values(billedByDay).reduce((a, b) => a + b, 0n)).toBe(
      BigInt(expected.openai.billed_cost_micros_total),
    );
    expect(priced).toEqual(asBigInts(expected.openai.priced_usage_micros_by_user));
    expect(users).toEqual(
      Object.fromEntries(
        Object.entries(expected.openai.usage_by_user).map(([k, v]) => [k, asBigInts(v)]),
      ),
    );
    expect(models).toEqual(
      Object.fromEntries(
        Object.entries(expected.openai.usage_by_model).map(([k, v]) => [k, asBigInts(v)]),
      ),
    );
    expect(rows.some((r) => r.unpriced)).toBe(false);

    // the rollups agree with the facts
    const rolled = await db.usageDailyRollup.aggregate({
      where: { workspaceId: workspace.id },
      _sum: { costMicros: true },
    });
    expect(rolled._sum.costMicros).toBe(BigInt(expected.openai.billed_cost_micros_total));
  });

  it("reproduces expected.json for Anthropic and Claude Code", async () => {
    const db = await testDb();
    const setup = await providerWorkspace(db, fake, "anthropic");
    const { adapter, rows: seen } = tap(setup.adapter);
    const result = await runSync({
      db,
      connectionId: setup.connection.id,
      adapter,
      window: FIXTURE_WINDOW,
    });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe("SUCCEEDED");

    const rows = await db.usageRecord.findMany({ where: { workspaceId: setup.workspace.id } });
    const billedByDay: Record<string, bigint> = {};
    const claudeCode: Record<string, bigint> = {};
    for (const r of rows) {
      if (r.product === "claude_code")
        addTo(claudeCode, r.identityKey.replace(/^email:/, ""), r.seatEstimateMicros);
      else addTo(billedByDay, r.day, r.costMicros);
    }
    expect(billedByDay).toEqual(asBigInts(expected.anthropic.billed_cost_micros_by_day));
    expect(Object.values(billedByDay).reduce((a, b) => a + b, 0n)).toBe(
      BigInt(expected.anthropic.billed_cost_micros_total),
    );
    expect(claudeCode).toEqual(asBigInts(expected.claude_code.estimated_cost_micros_by_email));
    // billed means invoiced: every row together (Claude Code seats included) adds up to the cost report
    expect(rows.reduce((a, r) => a + r.costMicros, 0n)).toBe(
      BigInt(expected.anthropic.billed_cost_micros_total),
    );

    const tokens: Record<string, Record<string, bigint>> = {};
    for (const r of seen as AnthropicUsageRow[]) {
      if (r.product !== "api" || r.lineItem) continue;
      const t = (tokens[r.model] ??= {});
      addTo(t, "uncached_input_tokens", r.uncachedInputTokens ?? 0n);
      addTo(t, "cache_read_input_tokens", r.cachedInputTokens);
      addTo(t, "cache_creation_input_tokens", r.cacheWriteTokens ?? 0n);
      addTo(t, "output_tokens", r.outputTokens);
    }
    expect(tokens).toEqual(
      Object.fromEntries(
        Object.entries(expected.anthropic.tokens_by_model).map(([k, v]) => [k, asBigInts(v)]),
      ),
    );
    // stored input = uncached + cache read + cache writes
    const stored = rows.filter((r) => r.product === "api").reduce((a, r) => a + r.inputTokens, 0n);
    const parts = Object.values(expected.anthropic.tokens_by_model).reduce(
      (a, m) =>
        a +
        BigInt(m.uncached_input_tokens + m.cache_read_input_tokens + m.cache_creation_input_tokens),
      0n,
    );
    expect(stored).toBe(parts);
  });

  it("sends the documented auth headers (a wrong key fails the run with a clear message)", async () => {
    const db = await testDb();
    const { connection } = await providerWorkspace(db, fake, "openai");
    const { openaiAdapter } = await import("@/lib/ingest/adapters/openai");
    const { seedRateCard } = await import("@/lib/ratecard/rate-card");
    const bad = openaiAdapter({
      baseUrl: fake.openaiBase,
      apiKey: "sk-wrong",
      rateCard: seedRateCard(),
      retry: { attempts: 2, baseDelayMs: 1 },
    });
    const result = await runSync({
      db,
      connectionId: connection.id,
      adapter: bad,
      window: FIXTURE_WINDOW,
    });
    expect(result.status).toBe("FAILED");
    expect(result.error).toMatch(/HTTP 401/);
    expect(result.error).not.toContain("sk-wrong");
  });
});
