import { describe, expect, it } from "vitest";

import { priceTokens, priceTokensWith, priceUnits } from "./pricing";

const sonnet = {
  input: "3",
  cachedInput: "0.3",
  output: "15",
  cacheWrite5m: "3.75",
  cacheWrite1h: "6",
};
const tokens = {
  uncachedInput: 1_000_000n,
  cachedInput: 1_000_000n,
  output: 100_000n,
  cacheWrite5m: 10_000n,
  cacheWrite1h: 1_000n,
};

describe("pricing dimensions", () => {
  it("without dimensions equals the plain list price to the micro", () => {
    expect(priceTokensWith("anthropic", sonnet, tokens)).toBe(priceTokens(sonnet, tokens));
    expect(
      priceTokensWith("anthropic", sonnet, tokens, {
        serviceTier: "standard",
        contextWindow: "0-200k",
        inferenceGeo: "global",
      }),
    ).toBe(priceTokens(sonnet, tokens));
  });

  it("applies batch / flex discounts, OpenAI priority, long context and US inference exactly", () => {
    // 3 + 0.3 + 1.5 + 0.0375 + 0.006 = $4.8435
    expect(priceTokens(sonnet, tokens)).toBe(4_843_500n);
    expect(priceTokensWith("anthropic", sonnet, tokens, { serviceTier: "batch" })).toBe(2_421_750n);
    expect(priceTokensWith("openai", sonnet, tokens, { serviceTier: "flex" })).toBe(2_421_750n);
    expect(priceTokensWith("openai", sonnet, tokens, { serviceTier: "priority" })).toBe(9_687_000n);
    expect(priceTokensWith("anthropic", sonnet, tokens, { serviceTier: "priority" })).toBe(
      4_843_500n,
    );
    // input 3.3435 × 2 + output 1.5 × 1.5
    expect(priceTokensWith("anthropic", sonnet, tokens, { contextWindow: "200k-1M" })).toBe(
      8_937_000n,
    );
    expect(priceTokensWith("anthropic", sonnet, tokens, { inferenceGeo: "us" })).toBe(5_327_850n);
    expect(
      priceTokensWith("anthropic", sonnet, tokens, {
        serviceTier: "batch",
        contextWindow: "200k-1M",
        inferenceGeo: "us",
      }),
    ).toBe(4_915_350n);
  });

  it("prices non-token units half-even", () => {
    expect(priceUnits(3_000_000_000n, "0.0001")).toBe(300_000n);
    expect(priceUnits(5n, "0.0001")).toBe(0n);
    expect(priceUnits(15n, "0.1")).toBe(2n);
  });
});
