import "server-only";
/**
 * The workspace's rate card: the shipped seed plus the owner's RateCardEntry versions
 * (which take effect from their date and apply to the model under either provider).
 */
import type { Tx } from "../db";
import { buildRateCard, seedRateCardVersions, type RateCard, type RateCardVersion } from "./rate-card";

export async function loadRateCard(tx: Tx, workspaceId: string): Promise<RateCard> {
  const entries = await tx.rateCardEntry.findMany({ where: { workspaceId } });
  const seed = seedRateCardVersions();
  const versions: RateCardVersion[] = [...seed];
  for (const e of entries) {
    const providers = [...new Set(seed.filter((s) => s.model === e.model).map((s) => s.provider))];
    for (const provider of providers.length ? providers : ["openai", "anthropic"]) {
      const base = seed.find((s) => s.provider === provider && s.model === e.model)?.price;
      versions.push({
        provider, model: e.model, effectiveFrom: e.effectiveFrom, source: "owner",
        price: { ...base, input: e.inputPerMTok, cachedInput: e.cachedInputPerMTok, output: e.outputPerMTok },
      });
    }
  }
  return buildRateCard(versions);
}
