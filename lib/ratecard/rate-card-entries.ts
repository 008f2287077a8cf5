import "server-only";

/**
 * The owner's rate card: list (seed + edits, each with the model names seen in usage that
 * resolved to it), add a price version or an alias effective from a day, edit one, remove
 * one — each write with its audit event in the same transaction. Syncs price with the
 * version in effect on each row's day; re-sync a window to re-price rows already stored.
 */
import { z } from "zod";

import { writeAudit, type AuditActor } from "../audit/audit";
import { InvalidInputError, NotFoundError } from "../core/errors";
import { addDays, dayKeySchema, toDayKey } from "../core/period";
import { now } from "../server/clock";
import type { Db } from "../server/db";
import { providersOf, rateCardFrom } from "./load-rate-card";
import { seedRateCardVersions, type MatchKind } from "./rate-card";

const PRICE_HINT = "a price in USD per 1M tokens (up to 6 decimals)";
const price = z
  .string()
  .trim()
  .max(24, PRICE_HINT)
  .regex(/^\d+(\.\d{1,6})?$/, PRICE_HINT);
/** a model name as providers report it (family, dated snapshot, alias) */
const modelName = z
  .string()
  .trim()
  .min(1, "Model is required")
  .max(120)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/, "letters, digits and . _ : / @ - only");

const prices = z.object({ inputPerMTok: price, cachedInputPerMTok: price, outputPerMTok: price });

/** A new entry: a price version, or (with aliasOf) an alias priced as another model. */
export const rateCardVersionSchema = z
  .object({
    model: modelName,
    effectiveFrom: dayKeySchema("expected a day YYYY-MM-DD"),
    aliasOf: modelName.optional(),
    inputPerMTok: price.optional(),
    cachedInputPerMTok: price.optional(),
    outputPerMTok: price.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.aliasOf) {
      if (v.aliasOf === v.model)
        ctx.addIssue({
          code: "custom",
          path: ["aliasOf"],
          message: "an alias must name another model",
        });
      return;
    }
    for (const k of ["inputPerMTok", "cachedInputPerMTok", "outputPerMTok"] as const) {
      if (v[k] === undefined)
        ctx.addIssue({
          code: "custom",
          path: [k],
          message: `${PRICE_HINT} is required (or name the model this one is an alias of)`,
        });
    }
  });

/** An edit keeps the name and day (a new day is a new version): new prices, or a new alias target. */
export const rateCardEditSchema = z.union([
  prices.strict(),
  z.object({ aliasOf: modelName }).strict(),
]);

export interface SeenModel {
  provider: string;
  model: string;
  match: MatchKind;
  lastDay: string;
}

export interface RateCardLine {
  /** the RateCardEntry id; "" for the seed */
  id: string;
  provider: string;
  model: string;
  effectiveFrom: string;
  /** an alias entry: the model it is priced as ("" otherwise) */
  aliasOf: string;
  input: string;
  cachedInput: string;
  output: string;
  /** "unpriced": a model seen in usage that no entry prices, its rows left unpriced (not an entry) */
  source: "seed" | "owner" | "unpriced";
  /** model names seen in usage (last 90 days) whose price came from this line */
  seen: SeenModel[];
}

/** Model names seen in usage, the window the rate-card screen shows. */
const SEEN_DAYS = 90;

/**
 * Of models no entry prices, those the syncs left rows unpriced under ("provider|model"). A row
 * is unpriced whatever its request count: a token-only row reports 0 requests (valid), so the
 * rollup's unpricedRequests — requests, not rows — says so only for rows that have some; the
 * others are looked up among the usage rows, for the models still in question only.
 */
async function modelsLeftUnpriced(
  db: Db,
  workspaceId: string,
  days: { gte: string; lte: string },
  noEntry: { provider: string; model: string; _sum: { unpricedRequests: bigint | null } }[],
): Promise<Set<string>> {
  const key = (u: { provider: string; model: string }) => `${u.provider}|${u.model}`;
  const flagged = new Set(noEntry.filter((u) => (u._sum.unpricedRequests ?? 0n) > 0n).map(key));
  const open = noEntry.filter((u) => !flagged.has(key(u)));
  if (open.length === 0) return flagged;
  const rows = await db.usageRecord.groupBy({
    by: ["provider", "model"],
    where: {
      workspaceId,
      day: days,
      unpriced: true,
      OR: open.map((u) => ({ provider: u.provider, model: u.model })),
    },
  });
  for (const r of rows) flagged.add(key(r));
  return flagged;
}

export async function rateCardLines(db: Db, workspaceId: string): Promise<RateCardLine[]> {
  const entries = await db.rateCardEntry.findMany({
    where: { workspaceId },
    orderBy: [{ model: "asc" }, { effectiveFrom: "desc" }],
  });
  const seed = seedRateCardVersions();
  const today = toDayKey(now());
  // every (provider, model) the providers reported, resolved on its latest day by the same
  // function the syncs price with (so the screen shows what the next sync will use)
  // (read from the daily rollup: far fewer rows than the fact table, same names)
  const days = { gte: addDays(today, -SEEN_DAYS), lte: today };
  const used = await db.usageDailyRollup.groupBy({
    by: ["provider", "model"],
    where: {
      workspaceId,
      day: days,
      provider: { in: ["openai", "anthropic"] },
      model: { not: "" },
    },
    _max: { day: true },
    _sum: { unpricedRequests: true },
  });
  const card = rateCardFrom(entries);
  const resolved = used
    .sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0))
    .map((u) => {
      const lastDay = u._max.day ?? today;
      return { u, lastDay, r: card.resolve(u.provider, u.model, lastDay) };
    });
  const leftUnpriced = await modelsLeftUnpriced(
    db,
    workspaceId,
    days,
    resolved.filter((x) => !x.r).map((x) => x.u),
  );
  const seenBy = new Map<string, SeenModel[]>();
  const unpriced: RateCardLine[] = [];
  for (const { u, lastDay, r } of resolved) {
    // no entry prices it: flagged when the syncs left rows under it unpriced (a source that
    // reports its own cost, as the demo's simulator does, priced them: nothing is wrong)
    if (!r && !leftUnpriced.has(`${u.provider}|${u.model}`)) continue;
    if (!r) {
      unpriced.push({
        id: "",
        provider: u.provider,
        model: u.model,
        effectiveFrom: "",
        aliasOf: "",
        input: "",
        cachedInput: "",
        output: "",
        source: "unpriced",
        seen: [],
      });
      continue;
    }
    const seen = { provider: u.provider, model: u.model, match: r.match, lastDay };
    // an alias is credited to its alias entry; anything else to the priced entry
    const key = r.alias
      ? `alias|${r.alias.alias}|${r.alias.effectiveFrom}`
      : `${r.entry.source}|${r.entry.model}|${r.entry.effectiveFrom}`;
    seenBy.set(key, [...(seenBy.get(key) ?? []), seen]);
  }
  const owner = entries.map((e): RateCardLine => {
    const key = e.aliasOf
      ? `alias|${e.model}|${e.effectiveFrom}`
      : `owner|${e.model}|${e.effectiveFrom}`;
    return {
      id: e.id,
      provider: e.aliasOf ? "any" : providersOf(e.model).join(", "),
      model: e.model,
      effectiveFrom: e.effectiveFrom,
      aliasOf: e.aliasOf ?? "",
      input: e.aliasOf ? "" : e.inputPerMTok,
      cachedInput: e.aliasOf ? "" : e.cachedInputPerMTok,
      output: e.aliasOf ? "" : e.outputPerMTok,
      source: "owner",
      seen: seenBy.get(key) ?? [],
    };
  });
  const seeded = seed.map((s): RateCardLine => ({
    id: "",
    provider: s.provider,
    model: s.model,
    effectiveFrom: "",
    aliasOf: "",
    input: s.price.input,
    cachedInput: s.price.cachedInput,
    output: s.price.output,
    source: "seed",
    seen: (seenBy.get(`seed|${s.model}|`) ?? []).filter((x) => x.provider === s.provider),
  }));
  return [...unpriced, ...owner, ...seeded];
}

export async function addRateCardVersion(
  db: Db,
  workspaceId: string,
  input: z.input<typeof rateCardVersionSchema>,
  actor: AuditActor,
) {
  const data = rateCardVersionSchema.parse(input);
  const row = data.aliasOf
    ? {
        model: data.model,
        effectiveFrom: data.effectiveFrom,
        aliasOf: data.aliasOf,
        inputPerMTok: "",
        cachedInputPerMTok: "",
        outputPerMTok: "",
      }
    : {
        model: data.model,
        effectiveFrom: data.effectiveFrom,
        aliasOf: null,
        inputPerMTok: data.inputPerMTok!,
        cachedInputPerMTok: data.cachedInputPerMTok!,
        outputPerMTok: data.outputPerMTok!,
      };
  return db.$transaction(async (tx) => {
    const clash = await tx.rateCardEntry.findFirst({
      where: { workspaceId, model: data.model, effectiveFrom: data.effectiveFrom },
      select: { id: true },
    });
    if (clash)
      throw new InvalidInputError(
        `${data.model} already has a price or alias effective from ${data.effectiveFrom}`,
        "effectiveFrom",
      );
    const entry = await tx.rateCardEntry.create({ data: { workspaceId, ...row } });
    await writeAudit(tx, {
      workspaceId,
      actor,
      action: "ratecard.add",
      targetType: "RateCardEntry",
      targetId: entry.id,
      after: row,
    });
    return { id: entry.id };
  });
}

export async function editRateCardEntry(
  db: Db,
  workspaceId: string,
  id: string,
  input: z.input<typeof rateCardEditSchema>,
  actor: AuditActor,
) {
  const data = rateCardEditSchema.parse(input);
  return db.$transaction(async (tx) => {
    const before = await tx.rateCardEntry.findFirst({ where: { id, workspaceId } });
    if (!before) throw new NotFoundError("Rate-card entry not found");
    const isAlias = "aliasOf" in data;
    if (isAlias !== !!before.aliasOf)
      throw new InvalidInputError(
        before.aliasOf
          ? "This entry is an alias: give the model it is priced as"
          : "This entry is a price: give the three prices",
        isAlias ? "aliasOf" : "inputPerMTok",
      );
    if (isAlias && data.aliasOf === before.model)
      throw new InvalidInputError("an alias must name another model", "aliasOf");
    const after = await tx.rateCardEntry.update({ where: { id }, data });
    const view = (e: typeof before) => ({
      model: e.model,
      effectiveFrom: e.effectiveFrom,
      aliasOf: e.aliasOf,
      inputPerMTok: e.inputPerMTok,
      cachedInputPerMTok: e.cachedInputPerMTok,
      outputPerMTok: e.outputPerMTok,
    });
    await writeAudit(tx, {
      workspaceId,
      actor,
      action: "ratecard.edit",
      targetType: "RateCardEntry",
      targetId: id,
      before: view(before),
      after: view(after),
    });
    return { id };
  });
}

export async function removeRateCardEntry(
  db: Db,
  workspaceId: string,
  id: string,
  actor: AuditActor,
) {
  return db.$transaction(async (tx) => {
    const before = await tx.rateCardEntry.findFirst({ where: { id, workspaceId } });
    if (!before) throw new NotFoundError("Rate-card entry not found");
    await tx.rateCardEntry.delete({ where: { id } });
    await writeAudit(tx, {
      workspaceId,
      actor,
      action: "ratecard.remove",
      targetType: "RateCardEntry",
      targetId: id,
      before: { model: before.model, effectiveFrom: before.effectiveFrom, aliasOf: before.aliasOf },
    });
    return { id };
  });
}
