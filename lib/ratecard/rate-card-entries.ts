import "server-only";
/**
 * The owner's rate-card versions: list (seed + edits) and add a version effective from a
 * day, with its audit event in the same transaction. Syncs price with the version in
 * effect on each row's day; re-sync a window to re-price rows already stored.
 */
import { z } from "zod";
import { writeAudit, type AuditActor } from "../audit";
import type { Db } from "../db";
import { InvalidInputError } from "../errors";
import { isDayKey } from "../period";
import { seedRateCardVersions } from "./rate-card";

const price = z.string().trim().max(24, "a price in USD per 1M tokens (up to 6 decimals)").regex(/^\d+(\.\d{1,6})?$/, "a price in USD per 1M tokens (up to 6 decimals)");

export const rateCardVersionSchema = z.object({
  model: z.string().trim().min(1, "Model is required").max(120),
  effectiveFrom: z.string().refine(isDayKey, "expected a day YYYY-MM-DD"),
  inputPerMTok: price,
  cachedInputPerMTok: price,
  outputPerMTok: price,
});

export interface RateCardLine {
  provider: string;
  model: string;
  effectiveFrom: string;
  input: string;
  cachedInput: string;
  output: string;
  source: "seed" | "owner";
}

export async function rateCardLines(db: Db, workspaceId: string): Promise<RateCardLine[]> {
  const entries = await db.rateCardEntry.findMany({ where: { workspaceId }, orderBy: [{ model: "asc" }, { effectiveFrom: "desc" }] });
  const seed = seedRateCardVersions();
  const providerOf = (model: string) => seed.find((s) => s.model === model)?.provider ?? "any";
  return [
    ...entries.map((e) => ({
      provider: providerOf(e.model), model: e.model, effectiveFrom: e.effectiveFrom, input: e.inputPerMTok, cachedInput: e.cachedInputPerMTok,
      output: e.outputPerMTok, source: "owner" as const,
    })),
    ...seed.map((s) => ({ provider: s.provider, model: s.model, effectiveFrom: "", input: s.price.input, cachedInput: s.price.cachedInput, output: s.price.output, source: "seed" as const })),
  ];
}

export async function addRateCardVersion(db: Db, workspaceId: string, input: z.infer<typeof rateCardVersionSchema>, actor: AuditActor) {
  const data = rateCardVersionSchema.parse(input);
  return db.$transaction(async (tx) => {
    const clash = await tx.rateCardEntry.findFirst({ where: { workspaceId, model: data.model, effectiveFrom: data.effectiveFrom }, select: { id: true } });
    if (clash) throw new InvalidInputError(`${data.model} already has a price effective from ${data.effectiveFrom}`, "effectiveFrom");
    const entry = await tx.rateCardEntry.create({ data: { workspaceId, ...data } });
    await writeAudit(tx, { workspaceId, actor, action: "ratecard.add", targetType: "RateCardEntry", targetId: entry.id, after: data });
    return { id: entry.id };
  });
}
