import { describe, expect, it } from "vitest";

import { RateTable } from "../../currency/rates";
import { validate } from "../http";
import {
  actorIdentity,
  costPageSchema,
  mapAnalytics,
  rangesOf,
  usagePageSchema,
  type CostItem,
  type UsageItem,
} from "./anthropic-analytics";

const day = (d: string) => ({
  starting_at: `${d}T00:00:00Z`,
  ending_at: `2026-11-0${Number(d.slice(-1)) + 1}T00:00:00Z`,
});
const ana = { type: "user_actor", user_id: "user_01Ana", email_address: "ana@example.com" };
const bot = { type: "service_account_actor", service_account_id: "svac_01Bot" };
const key = { type: "api_actor", api_key_id: "apikey_01Key" };
const usage = (actor: object, product: string | null, output: number): unknown => ({
  ...day("2026-11-02"),
  group: { actor, product, model: "claude-sonnet-4-5-20250929", service_tier: "standard" },
  usage: {
    uncached_input_tokens: 100,
    cache_read_input_tokens: 50,
    cache_creation: { ephemeral_5m_input_tokens: 10, ephemeral_1h_input_tokens: 5 },
    output_tokens: output,
    requests: 3,
  },
});
const cost = (
  actor: object,
  product: string | null,
  amount: string | number,
  currency = "USD",
  list?: string,
): unknown => ({
  ...day("2026-11-02"),
  group: { actor, product, model: "claude-sonnet-4-5-20250929", service_tier: "standard" },
  cost: { amount, currency, ...(list ? { list_amount: list } : {}), requests: null },
});
const range = { start: "2026-11-01", end: "2026-11-03" };
const parseUsage = (items: unknown[]) =>
  validate(usagePageSchema, { data: items }, "u").data as UsageItem[];
const parseCost = (items: unknown[]) =>
  validate(costPageSchema, { data: items }, "c").data as CostItem[];

describe("Anthropic analytics mapping", () => {
  it("cuts a window into ≤31-day ranges from 2026-01-01 on", () => {
    expect(rangesOf({ start: "2025-12-20", end: "2026-02-05" })).toEqual([
      { start: "2026-01-01", end: "2026-01-31" },
      { start: "2026-02-01", end: "2026-02-05" },
    ]);
    expect(rangesOf({ start: "2025-01-01", end: "2025-12-31" })).toEqual([]);
  });

  it("maps each actor kind to an identity, Claude Code in its own namespace", () => {
    expect(actorIdentity(ana as never, "claude_code")).toEqual({
      provider: "claude_code",
      kind: "user_id",
      externalId: "user_01Ana",
      email: "ana@example.com",
    });
    expect(actorIdentity(bot as never, "api")).toEqual({
      provider: "anthropic",
      kind: "service_account_id",
      externalId: "svac_01Bot",
    });
    expect(actorIdentity(key as never, "api")).toEqual({
      provider: "anthropic",
      kind: "api_key_id",
      externalId: "apikey_01Key",
    });
    expect(
      actorIdentity(
        { type: "federated", provider: "okta", subject: "dora@example.com" } as never,
        "chat",
      ),
    ).toMatchObject({ kind: "user_id", email: "dora@example.com" });
  });

  it("joins cost to usage one to one and books the provider's amount (cents) as billed, list_amount as the estimate", () => {
    const { rows, costLines } = mapAnalytics(
      parseUsage([usage(ana, "claude_code", 7)]),
      parseCost([cost(ana, "claude_code", "123.4567", "USD", "150")]),
      { seatUsage: "invoiced", range },
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      product: "claude_code",
      costMicros: 1_234_567n,
      estimatedCostMicros: 1_500_000n,
      inputTokens: 165n,
      cachedInputTokens: 50n,
      cacheWriteTokens: 15n,
      outputTokens: 7n,
      requests: 3n,
      serviceTier: "standard",
    });
    expect(costLines).toEqual([
      {
        day: "2026-11-02",
        provider: "anthropic",
        scope: "default",
        lineItem: "claude_code",
        currency: "USD",
        amount: "1.234567",
        amountMissing: false,
        usdMicros: 1_234_567n,
      },
    ]);
  });

  it("accepts amounts as JSON numbers and a missing product (the Messages API)", () => {
    const { rows } = mapAnalytics([], parseCost([cost(key, null, 2.5)]), {
      seatUsage: "invoiced",
      range,
    });
    expect(rows[0]).toMatchObject({
      product: "api",
      costMicros: 25_000n,
      estimatedCostMicros: 25_000n,
      apiKey: "apikey_01Key",
    });
  });

  it("on a seat plan keeps a person's claude.ai product cost as a seat estimate, not billed; keys stay billed", () => {
    const { rows, costLines } = mapAnalytics(
      [],
      parseCost([
        cost(ana, "claude_code", "100"),
        cost(bot, "claude_code", "40"),
        cost(ana, "api", "7"),
      ]),
      { seatUsage: "included", range },
    );
    const by = (id: string, product: string) =>
      rows.find((r) => r.identity?.externalId === id && r.product === product)!;
    expect(by("user_01Ana", "claude_code")).toMatchObject({
      costMicros: 0n,
      seatEstimateMicros: 1_000_000n,
    });
    expect(by("svac_01Bot", "claude_code")).toMatchObject({ costMicros: 400_000n });
    expect(by("user_01Ana", "api")).toMatchObject({ costMicros: 70_000n });
    expect(costLines.reduce((a, l) => a + l.usdMicros!, 0n)).toBe(470_000n);
  });

  it("converts another currency with the workspace's rate, and leaves it out of billed with a warning when there is none", () => {
    const items = parseCost([cost(key, null, "1000", "EUR")]);
    const rated = mapAnalytics([], items, {
      seatUsage: "invoiced",
      range,
      toUsd: new RateTable([{ currency: "EUR", effectiveFrom: "2026-10-01", usdPerUnit: "1.08" }])
        .toUsd,
    });
    expect(rated.rows[0]!.costMicros).toBe(10_800_000n);
    expect(rated.warnings).toEqual([]);
    const unrated = mapAnalytics([], items, { seatUsage: "invoiced", range });
    expect(unrated.rows[0]!.costMicros).toBe(0n);
    expect(unrated.costLines[0]).toMatchObject({ currency: "EUR", amount: "10", usdMicros: null });
    expect(unrated.warnings[0]).toMatch(/no exchange rate for EUR on 2026-11-02/);
  });

  it("names the field of a page that breaks the format", () => {
    expect(() => parseCost([cost(ana, "claude_code", "12,50")])).toThrow(/data\[0\]\.cost\.amount/);
    expect(() => parseCost([cost(ana, "claude_code", "1", "dollars")])).toThrow(
      /data\[0\]\.cost\.currency/,
    );
    expect(() =>
      parseUsage([
        { ...(usage(ana, "api", 1) as object), group: { actor: { type: "user_actor" } } },
      ]),
    ).toThrow(/data\[0\]\.group\.actor/);
    expect(() =>
      mapAnalytics(
        parseUsage([
          {
            ...(usage(ana, "api", 1) as object),
            starting_at: "2026-10-02T00:00:00Z",
            ending_at: "2026-10-03T00:00:00Z",
          },
        ]),
        [],
        { seatUsage: "invoiced", range },
      ),
    ).toThrow(/usage data\[0\]\.starting_at: 2026-10-02 is outside/);
  });
});
