/**
 * The rate card: list prices in USD per 1M tokens (exact decimal strings) per provider and
 * model, versioned by effective date. The seed is the shipped rate-card.json; owner edits
 * (RateCardEntry rows) override it from their effective date on. Pure lookups.
 */
import { z } from "zod";
import type { ModelPrice } from "../ingest/pricing";
import seedJson from "./rate-card.json";

const price = z.string().regex(/^\d+(\.\d{1,6})?$/, "a price in USD per 1M tokens, up to 6 decimals");

const seedSchema = z.object({
  unit: z.literal("USD per 1M tokens"),
  openai: z.record(z.string(), z.object({ input: price, cached_input: price, output: price })),
  anthropic: z.record(
    z.string(),
    z.object({ uncached_input: price, cache_read: price, cache_write_5m: price, cache_write_1h: price, output: price }),
  ),
});

export interface RateCardVersion {
  provider: string;
  model: string;
  /** YYYY-MM-DD; "" for the seed (always in effect) */
  effectiveFrom: string;
  price: ModelPrice;
}

export interface RateCard {
  /** price of a model on a day, or null (the row is flagged unpriced, never $0) */
  priceFor(provider: string, model: string, day: string): ModelPrice | null;
}

export function seedRateCardVersions(): RateCardVersion[] {
  const seed = seedSchema.parse(seedJson);
  const out: RateCardVersion[] = [];
  for (const [model, p] of Object.entries(seed.openai)) {
    out.push({ provider: "openai", model, effectiveFrom: "", price: { input: p.input, cachedInput: p.cached_input, output: p.output } });
  }
  for (const [model, p] of Object.entries(seed.anthropic)) {
    out.push({
      provider: "anthropic",
      model,
      effectiveFrom: "",
      price: { input: p.uncached_input, cachedInput: p.cache_read, output: p.output, cacheWrite5m: p.cache_write_5m, cacheWrite1h: p.cache_write_1h },
    });
  }
  return out;
}

export function buildRateCard(versions: readonly RateCardVersion[]): RateCard {
  const byModel = new Map<string, RateCardVersion[]>();
  for (const v of versions) {
    const key = `${v.provider}|${v.model}`;
    byModel.set(key, [...(byModel.get(key) ?? []), v]);
  }
  for (const list of byModel.values()) list.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1));
  return {
    priceFor(provider, model, day) {
      const list = byModel.get(`${provider}|${model}`);
      return list?.find((v) => v.effectiveFrom <= day)?.price ?? null;
    },
  };
}

/** The shipped default rate card. */
export function seedRateCard(): RateCard {
  return buildRateCard(seedRateCardVersions());
}
