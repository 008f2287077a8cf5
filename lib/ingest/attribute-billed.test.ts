import { describe, expect, it } from "vitest";

import {
  buildRateCard,
  seedRateCard,
  seedRateCardVersions,
  type RateCard,
} from "../ratecard/rate-card";
import { allocateBilledCost } from "./allocate-billed-cost";
import { attributeBilled, scopeKey, type SplitBasis } from "./attribute-billed";
import { priceTokens } from "./pricing";
import type { UsageRow } from "./types";

const DAY = "2026-11-15";

/** One person's day on a model, priced the way the adapters price it (priceFor). */
function row(card: RateCard, email: string, model: string): UsageRow {
  const price = card.priceFor("openai", model, DAY);
  const t = { input: 1_000_000n, cached: 200_000n, output: 100_000n };
  return {
    day: DAY,
    provider: "openai",
    identity: { provider: "openai", kind: "email", externalId: email, email },
    product: "api",
    model,
    project: "proj_1",
    apiKey: "",
    lineItem: "",
    inputTokens: t.input,
    cachedInputTokens: t.cached,
    outputTokens: t.output,
    requests: 10n,
    estimatedCostMicros: price
      ? priceTokens(price, {
          uncachedInput: t.input - t.cached,
          cachedInput: t.cached,
          output: t.output,
        })
      : 0n,
    costMicros: 0n,
    creditsMicros: null,
    unpriced: !price,
  };
}

/** The card before model identity: exact names only (what the adapters used to see). */
function exactOnlyCard(): RateCard {
  const card = buildRateCard(seedRateCardVersions());
  return {
    ...card,
    priceFor: (p, m, d) =>
      card.resolve(p, m, d)?.match === "exact" ? card.priceFor(p, m, d) : null,
  };
}

const BILL = 390_001n; // two identical days of 195,000 µUSD list price, plus one micro-dollar to place

function split(card: RateCard, dated: string) {
  const bases: SplitBasis[] = [];
  const rows = attributeBilled({
    provider: "openai",
    usage: [row(card, "alice@acme.example", dated), row(card, "bob@acme.example", "gpt-4o-mini")],
    billed: new Map([[scopeKey(DAY, "proj_1"), BILL]]),
    onScope: (_d, _s, b) => bases.push(b),
  });
  return { costs: rows.map((r) => r.costMicros), bases, unpriced: rows.map((r) => r.unpriced) };
}

describe("attributeBilled: a bill is never shifted onto people because a row lacked a price", () => {
  it("issue 16's example: identical usage by two people, one on a dated name → each gets half, to the micro-dollar", () => {
    // before: the exact-only card left the dated row unpriced (estimate 0) and the old rule,
    // a split by estimate, charged Alice $0 and Bob the whole bill
    const before = [
      row(exactOnlyCard(), "alice@acme.example", "gpt-4o-mini-2024-07-18"),
      row(exactOnlyCard(), "bob@acme.example", "gpt-4o-mini"),
    ];
    expect(
      allocateBilledCost(
        BILL,
        before.map((r) => r.estimatedCostMicros),
      ),
    ).toEqual([0n, BILL]);
    // the unpriced rule alone already fixes it (even with a card that cannot resolve the name) …
    expect(split(exactOnlyCard(), "gpt-4o-mini-2024-07-18")).toMatchObject({
      bases: ["tokens"],
      costs: [195_001n, 195_000n],
    });
    // … and model identity prices the dated name: split by list price, largest remainder
    const now = split(seedRateCard(), "gpt-4o-mini-2024-07-18");
    expect(now.bases).toEqual(["estimate"]);
    expect(now.costs).toEqual([195_001n, 195_000n]);
  });

  it("a row the card cannot price makes the whole scope split by tokens, and stays flagged unpriced", () => {
    const r = split(seedRateCard(), "mystery-model-x");
    expect(r.bases).toEqual(["tokens"]);
    expect(r.unpriced).toEqual([true, false]);
    expect(r.costs).toEqual([195_001n, 195_000n]);
    expect(r.costs[0]! + r.costs[1]!).toBe(BILL);
  });

  it("the token split weighs input (incl. cached) plus output, per row", () => {
    const card = seedRateCard();
    const a = {
      ...row(card, "a@x.example", "mystery"),
      inputTokens: 300n,
      cachedInputTokens: 100n,
      outputTokens: 0n,
    };
    const b = {
      ...row(card, "b@x.example", "gpt-5"),
      inputTokens: 0n,
      cachedInputTokens: 0n,
      outputTokens: 100n,
    };
    const rows = attributeBilled({
      provider: "openai",
      usage: [a, b],
      billed: new Map([[scopeKey(DAY, "proj_1"), 1_000n]]),
    });
    expect(rows.map((x) => x.costMicros)).toEqual([750n, 250n]);
  });

  it("other scopes of the same day keep the list-price split; billed cost without usage stays unattributed", () => {
    const card = seedRateCard();
    const cheap = { ...row(card, "a@x.example", "gpt-5-mini"), project: "p2" };
    const dear = { ...row(card, "b@x.example", "gpt-5"), project: "p2" };
    const unpriced = { ...row(card, "c@x.example", "mystery"), project: "p3" };
    const bases = new Map<string, SplitBasis>();
    const rows = attributeBilled({
      provider: "openai",
      usage: [cheap, dear, unpriced],
      billed: new Map([
        [scopeKey(DAY, "p2"), 1_000_000n],
        [scopeKey(DAY, "p3"), 5n],
        [scopeKey(DAY, "p4"), 7n],
      ]),
      onScope: (_d, s, b) => bases.set(s, b),
    });
    expect(Object.fromEntries(bases)).toEqual({ p2: "estimate", p3: "tokens" });
    expect(rows.find((r) => r.project === "p2" && r.model === "gpt-5")!.costMicros).toBeGreaterThan(
      rows.find((r) => r.model === "gpt-5-mini")!.costMicros * 4n,
    );
    expect(rows.find((r) => r.project === "p3")!.costMicros).toBe(5n);
    expect(rows.find((r) => r.project === "p4")).toMatchObject({ costMicros: 7n, identity: null });
  });
});
