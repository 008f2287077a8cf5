import "server-only";

/**
 * The workspace's rate card: the shipped seed plus the owner's RateCardEntry versions
 * (which take effect from their date) and alias entries. An owner's price applies under
 * the provider whose seed entry its name resolves to (a snapshot name → its family's
 * provider), else under either provider.
 */
import type { Tx } from "../server/db";
import {
  buildRateCard,
  seedRateCard,
  seedRateCardVersions,
  type RateCard,
  type RateCardAlias,
  type RateCardVersion,
} from "./rate-card";

type Entry = {
  model: string;
  effectiveFrom: string;
  aliasOf: string | null;
  inputPerMTok: string;
  cachedInputPerMTok: string;
  outputPerMTok: string;
};

const PROVIDERS = ["openai", "anthropic"] as const;

/** The providers an owner's name belongs to, from the seed (both when the seed does not know it). */
export function providersOf(model: string): string[] {
  const seed = seedRateCard();
  const known = PROVIDERS.filter((p) => seed.resolve(p, model, "9999-12-31"));
  return known.length ? known : [...PROVIDERS];
}

export function rateCardFrom(entries: readonly Entry[]): RateCard {
  const seed = seedRateCardVersions();
  const versions: RateCardVersion[] = [...seed];
  const aliases: RateCardAlias[] = [];
  for (const e of entries) {
    if (e.aliasOf) {
      aliases.push({ alias: e.model, target: e.aliasOf, effectiveFrom: e.effectiveFrom });
      continue;
    }
    for (const provider of providersOf(e.model)) {
      // Anthropic cache-write prices follow the seed's entry the name resolves to
      const base = seedRateCard().resolve(provider, e.model, "9999-12-31")?.price;
      versions.push({
        provider,
        model: e.model,
        effectiveFrom: e.effectiveFrom,
        source: "owner",
        price: {
          ...base,
          input: e.inputPerMTok,
          cachedInput: e.cachedInputPerMTok,
          output: e.outputPerMTok,
        },
      });
    }
  }
  return buildRateCard(versions, aliases);
}

export async function loadRateCard(tx: Tx, workspaceId: string): Promise<RateCard> {
  return rateCardFrom(await tx.rateCardEntry.findMany({ where: { workspaceId } }));
}
