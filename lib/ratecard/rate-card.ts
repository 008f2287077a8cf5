/**
 * The rate card: list prices in USD per 1M tokens (exact decimal strings) per provider and
 * model, versioned by effective date. The seed is the shipped rate-card.json; owner edits
 * (RateCardEntry rows) override it from their effective date on. Pure lookups.
 *
 * Providers report models under several names: dated snapshots (OpenAI
 * `gpt-4o-mini-2024-07-18`, Anthropic `claude-sonnet-4-20250514`), moving aliases
 * (`claude-3-5-haiku-latest`, `claude-sonnet-4-0`) and the family name. `resolve` maps a
 * reported name to one entry, in this order (the first that has a version in effect on the
 * row's day wins):
 *   1. an entry with exactly that name (an explicit snapshot price beats its family);
 *   2. an owner's alias entry for that name → the target name, resolved by 1, 3 and 4;
 *   3. a dated snapshot (`-YYYY-MM-DD` or `-YYYYMMDD`) → its family (the name without the date);
 *   4. a family or moving alias (`-latest`, `-0`) → the newest dated snapshot entry of that
 *      family released on or before the day (else the oldest one after it).
 * Nothing matched → null: the row is flagged unpriced, never priced at $0.
 */
import { z } from "zod";

import type { ModelPrice } from "../ingest/pricing";
import seedJson from "./rate-card.json";

const price = z
  .string()
  .regex(/^\d+(\.\d{1,6})?$/, "a price in USD per 1M tokens, up to 6 decimals");

const seedSchema = z.object({
  unit: z.literal("USD per 1M tokens"),
  openai: z.record(z.string(), z.object({ input: price, cached_input: price, output: price })),
  anthropic: z.record(
    z.string(),
    z.object({
      uncached_input: price,
      cache_read: price,
      cache_write_5m: price,
      cache_write_1h: price,
      output: price,
    }),
  ),
});

export interface RateCardVersion {
  provider: string;
  model: string;
  /** YYYY-MM-DD; "" for the seed (always in effect) */
  effectiveFrom: string;
  price: ModelPrice;
  /** where the version comes from; absent = seed */
  source?: "seed" | "owner";
}

/** An owner's alias: from `effectiveFrom` on, usage reported as `alias` is priced as `target`. */
export interface RateCardAlias {
  alias: string;
  target: string;
  /** YYYY-MM-DD; "" = always */
  effectiveFrom: string;
}

/** How a reported model name found its price. */
export type MatchKind = "exact" | "alias" | "snapshot" | "family";

export interface Resolution {
  price: ModelPrice;
  /** the entry whose price applies */
  entry: { provider: string; model: string; effectiveFrom: string; source: "seed" | "owner" };
  match: MatchKind;
  /** with match "alias": the owner's alias entry used */
  alias?: RateCardAlias;
}

export interface RateCard {
  /** price of a model on a day, or null (the row is flagged unpriced, never $0) */
  priceFor(provider: string, model: string, day: string): ModelPrice | null;
  /** the same lookup, saying which entry matched and how */
  resolve(provider: string, model: string, day: string): Resolution | null;
}

/** OpenAI `-2024-07-18` and Anthropic `-20250514` snapshot suffixes. */
const DATED = /^(.+?)-(\d{4})-?(\d{2})-?(\d{2})$/;
/** Moving aliases that name "the current snapshot of the family". */
const MOVING = /^(.+?)-(latest|0)$/;

/** The family and release day of a dated snapshot name, or null. */
export function splitSnapshot(model: string): { family: string; released: string } | null {
  const m = DATED.exec(model);
  if (!m) return null;
  const [, family, y, mo, d] = m as unknown as [string, string, string, string, string];
  // the two suffix styles only: 8 digits or 4-2-2 with dashes, a plausible calendar day
  const dashed = model.endsWith(`-${y}-${mo}-${d}`);
  const packed = model.endsWith(`-${y}${mo}${d}`);
  if (!dashed && !packed) return null;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return null;
  return { family, released: `${y}-${mo}-${d}` };
}

export function seedRateCardVersions(): RateCardVersion[] {
  const seed = seedSchema.parse(seedJson);
  const out: RateCardVersion[] = [];
  for (const [model, p] of Object.entries(seed.openai)) {
    out.push({
      provider: "openai",
      model,
      effectiveFrom: "",
      price: { input: p.input, cachedInput: p.cached_input, output: p.output },
    });
  }
  for (const [model, p] of Object.entries(seed.anthropic)) {
    out.push({
      provider: "anthropic",
      model,
      effectiveFrom: "",
      price: {
        input: p.uncached_input,
        cachedInput: p.cache_read,
        output: p.output,
        cacheWrite5m: p.cache_write_5m,
        cacheWrite1h: p.cache_write_1h,
      },
    });
  }
  return out;
}

export function buildRateCard(
  versions: readonly RateCardVersion[],
  aliases: readonly RateCardAlias[] = [],
): RateCard {
  const byModel = new Map<string, RateCardVersion[]>();
  /** provider|family → its dated snapshot names (step 4) */
  const snapshots = new Map<string, { model: string; released: string }[]>();
  for (const v of versions) {
    const key = `${v.provider}|${v.model}`;
    if (!byModel.has(key)) {
      const snap = splitSnapshot(v.model);
      if (snap) {
        const fam = `${v.provider}|${snap.family}`;
        snapshots.set(fam, [
          ...(snapshots.get(fam) ?? []),
          { model: v.model, released: snap.released },
        ]);
      }
    }
    byModel.set(key, [...(byModel.get(key) ?? []), v]);
  }
  for (const list of byModel.values())
    list.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1));
  for (const list of snapshots.values()) list.sort((a, b) => (a.released < b.released ? 1 : -1));
  const aliasesOf = new Map<string, RateCardAlias[]>();
  for (const a of aliases) aliasesOf.set(a.alias, [...(aliasesOf.get(a.alias) ?? []), a]);
  for (const list of aliasesOf.values())
    list.sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1));

  const exact = (
    provider: string,
    model: string,
    day: string,
    match: MatchKind,
  ): Resolution | null => {
    const v = byModel.get(`${provider}|${model}`)?.find((x) => x.effectiveFrom <= day);
    return v
      ? {
          price: v.price,
          entry: {
            provider,
            model: v.model,
            effectiveFrom: v.effectiveFrom,
            source: v.source ?? "seed",
          },
          match,
        }
      : null;
  };
  const newestSnapshot = (provider: string, family: string, day: string): Resolution | null => {
    const list = snapshots.get(`${provider}|${family}`) ?? [];
    // newest released by the day first, then (a day before any release) the oldest
    const ordered = [
      ...list.filter((s) => s.released <= day),
      ...list.filter((s) => s.released > day).reverse(),
    ];
    for (const s of ordered) {
      const r = exact(provider, s.model, day, "family");
      if (r) return r;
    }
    return null;
  };
  const byName = (provider: string, model: string, day: string): Resolution | null => {
    const hit = exact(provider, model, day, "exact");
    if (hit) return hit;
    const snap = splitSnapshot(model);
    if (snap) return exact(provider, snap.family, day, "snapshot");
    const moving = MOVING.exec(model);
    const family = moving ? moving[1]! : model;
    return (
      (moving ? exact(provider, family, day, "family") : null) ??
      newestSnapshot(provider, family, day)
    );
  };
  const resolve = (provider: string, model: string, day: string): Resolution | null => {
    if (!model) return null;
    const hit = exact(provider, model, day, "exact");
    if (hit) return hit;
    const alias = aliasesOf.get(model)?.find((a) => a.effectiveFrom <= day);
    if (alias && alias.target !== model) {
      // one hop: an alias names a priced model, not another alias (no cycles to guard)
      const r = byName(provider, alias.target, day);
      if (r) return { ...r, match: "alias", alias };
    }
    return byName(provider, model, day);
  };
  return {
    resolve,
    priceFor: (provider, model, day) => resolve(provider, model, day)?.price ?? null,
  };
}

/** The shipped default rate card. */
export function seedRateCard(): RateCard {
  return buildRateCard(seedRateCardVersions());
}
