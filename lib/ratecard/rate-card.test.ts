import { describe, expect, it } from "vitest";

import {
  buildRateCard,
  seedRateCard,
  seedRateCardVersions,
  splitSnapshot,
  type RateCardVersion,
} from "./rate-card";

const DAY = "2026-11-15";
const p = (input: string) => ({ input, cachedInput: "0.1", output: "1" });

describe("rate card model identity", () => {
  it("splits OpenAI and Anthropic snapshot suffixes and nothing else", () => {
    expect(splitSnapshot("gpt-4o-mini-2024-07-18")).toEqual({
      family: "gpt-4o-mini",
      released: "2024-07-18",
    });
    expect(splitSnapshot("claude-sonnet-4-20250514")).toEqual({
      family: "claude-sonnet-4",
      released: "2025-05-14",
    });
    expect(splitSnapshot("gpt-4o-mini")).toBeNull();
    expect(splitSnapshot("gpt-5-2025-0807")).toBeNull(); // mixed style
    expect(splitSnapshot("model-20251399")).toBeNull(); // not a day
  });

  it("prices a dated OpenAI snapshot with its family when the card has no entry for the snapshot", () => {
    const r = seedRateCard().resolve("openai", "gpt-4o-mini-2024-07-18", DAY);
    expect(r?.match).toBe("snapshot");
    expect(r?.entry.model).toBe("gpt-4o-mini");
    expect(seedRateCard().priceFor("openai", "gpt-4o-mini-2024-07-18", DAY)).toEqual(
      seedRateCard().priceFor("openai", "gpt-4o-mini", DAY),
    );
  });

  it("an explicit snapshot entry wins over the family", () => {
    const card = buildRateCard([
      ...seedRateCardVersions(),
      {
        provider: "openai",
        model: "gpt-4o-mini-2024-07-18",
        effectiveFrom: "",
        price: p("0.2"),
        source: "owner",
      },
    ]);
    expect(card.resolve("openai", "gpt-4o-mini-2024-07-18", DAY)).toMatchObject({
      match: "exact",
      entry: { model: "gpt-4o-mini-2024-07-18", source: "owner" },
    });
    expect(card.priceFor("openai", "gpt-4o-mini-2024-07-18", DAY)?.input).toBe("0.2");
    // another snapshot of the family still gets the family price
    expect(card.priceFor("openai", "gpt-4o-mini-2025-01-01", DAY)?.input).toBe("0.15");
  });

  it("a snapshot entry effective later applies from its day; before it the family price holds", () => {
    const card = buildRateCard([
      ...seedRateCardVersions(),
      {
        provider: "openai",
        model: "gpt-5-2025-08-07",
        effectiveFrom: "2026-11-10",
        price: p("9"),
        source: "owner",
      },
    ]);
    expect(card.priceFor("openai", "gpt-5-2025-08-07", "2026-11-09")?.input).toBe("1.25");
    expect(card.priceFor("openai", "gpt-5-2025-08-07", "2026-11-10")?.input).toBe("9");
  });

  it("resolves Anthropic moving aliases and family names to the newest snapshot released by the day", () => {
    const versions: RateCardVersion[] = [
      ...seedRateCardVersions(),
      {
        provider: "anthropic",
        model: "claude-sonnet-4-20260301",
        effectiveFrom: "",
        price: p("2"),
        source: "owner",
      },
    ];
    const card = buildRateCard(versions);
    expect(card.resolve("anthropic", "claude-sonnet-4-0", "2026-01-01")).toMatchObject({
      match: "family",
      entry: { model: "claude-sonnet-4-20250514" },
    });
    expect(card.resolve("anthropic", "claude-sonnet-4-latest", "2026-03-01")?.entry.model).toBe(
      "claude-sonnet-4-20260301",
    );
    expect(card.resolve("anthropic", "claude-sonnet-4", "2026-02-28")?.entry.model).toBe(
      "claude-sonnet-4-20250514",
    );
    expect(card.resolve("anthropic", "claude-3-5-haiku-latest", DAY)?.entry.model).toBe(
      "claude-3-5-haiku-20241022",
    );
    expect(card.resolve("anthropic", "claude-opus-4-1", DAY)?.entry.model).toBe(
      "claude-opus-4-1-20250805",
    );
    // an undated snapshot of an unknown family stays unpriced, never $0
    expect(card.resolve("anthropic", "claude-haiku-9-20270101", DAY)).toBeNull();
    expect(card.priceFor("anthropic", "claude-opus-4", DAY)).toBeNull(); // a different model, not priced
  });

  it("an owner's alias entry maps a name to a priced model, after exact names and before suffix rules", () => {
    const card = buildRateCard(seedRateCardVersions(), [
      { alias: "team-fast", target: "gpt-5-mini", effectiveFrom: "" },
      { alias: "gpt-4o-mini-2024-07-18", target: "gpt-5", effectiveFrom: "2026-11-01" },
      { alias: "gpt-5", target: "gpt-5-mini", effectiveFrom: "" },
    ]);
    expect(card.resolve("openai", "team-fast", DAY)).toMatchObject({
      match: "alias",
      entry: { model: "gpt-5-mini" },
      alias: { alias: "team-fast" },
    });
    expect(card.resolve("openai", "gpt-4o-mini-2024-07-18", "2026-10-31")?.entry.model).toBe(
      "gpt-4o-mini",
    );
    expect(card.resolve("openai", "gpt-4o-mini-2024-07-18", DAY)).toMatchObject({
      match: "alias",
      entry: { model: "gpt-5" },
    });
    expect(card.resolve("openai", "gpt-5", DAY)?.match).toBe("exact"); // an exact entry beats an alias
    expect(card.resolve("anthropic", "team-fast", DAY)).toBeNull(); // the target is an OpenAI model
  });

  it("an empty or unknown model name is unpriced", () => {
    expect(seedRateCard().resolve("openai", "", DAY)).toBeNull();
    expect(seedRateCard().resolve("openai", "mystery-1", DAY)).toBeNull();
  });
});
