/**
 * Deciding several requests at once from the deciders' inbox. Each request goes through the
 * one decision path (approveRequest / denyRequest: its own conditional update, override and
 * audit event in its own transaction), so a bulk decision is exactly the single decisions one
 * after another: one that fails (decided meanwhile, no limit to raise, over the decider's
 * ceiling, not theirs) is reported with its reason and the others still stand.
 */
import "server-only";

import { z } from "zod";

import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../core/errors";
import type { Db } from "../server/db";
import { followDecisions } from "../slack/follow-decision";
import { approveRequest, denyRequest, type Decider } from "./decide-credit-request";

export const MAX_BULK_DECISIONS = 50;

export const bulkDecisionSchema = z.discriminatedUnion("action", [
  z.object({
    action: z.literal("approve"),
    ids: z
      .array(z.number().int().positive())
      .min(1, "Select at least one request")
      .max(MAX_BULK_DECISIONS, `Decide at most ${MAX_BULK_DECISIONS} requests at once`),
    note: z.string().trim().max(1000, "Keep the note under 1,000 characters").optional(),
  }),
  z.object({
    action: z.literal("deny"),
    ids: z
      .array(z.number().int().positive())
      .min(1, "Select at least one request")
      .max(MAX_BULK_DECISIONS, `Decide at most ${MAX_BULK_DECISIONS} requests at once`),
    note: z
      .string()
      .trim()
      .min(3, "Tell the requesters why (a note is required to deny)")
      .max(1000, "Keep the note under 1,000 characters"),
  }),
]);
export type BulkDecisionInput = z.infer<typeof bulkDecisionSchema>;

export type BulkOutcome =
  | { id: number; ok: true; status: "APPROVED" | "DENIED"; grantedMicros: bigint | null }
  | { id: number; ok: false; error: string };

/** The words a decider reads for one request that could not be decided. */
function reasonOf(id: number, e: unknown): string {
  if (e instanceof NotFoundError) return `Request #${id} was not found`;
  if (e instanceof ConflictError || e instanceof ForbiddenError || e instanceof InvalidInputError)
    return e.message;
  throw e; // anything else is a fault, not a refusal: the route answers it as one
}

/**
 * Approves (each at the amount asked) or denies (with one note) the given requests, in the
 * order given, each on its own. Duplicate ids are decided once.
 */
export async function decideMany(
  db: Db,
  d: Decider,
  input: BulkDecisionInput,
  now: Date,
): Promise<{ outcomes: BulkOutcome[]; decided: number; failed: number }> {
  const outcomes: BulkOutcome[] = [];
  for (const id of [...new Set(input.ids)]) {
    try {
      const r =
        input.action === "approve"
          ? await approveRequest(
              db,
              d,
              id,
              { amount: undefined, note: input.note || undefined },
              now,
              { followSlack: false },
            )
          : await denyRequest(db, d, id, { note: input.note }, now, { followSlack: false });
      outcomes.push({ id, ok: true, status: r.status, grantedMicros: r.grantedMicros });
    } catch (e) {
      outcomes.push({ id, ok: false, error: reasonOf(id, e) });
    }
  }
  // their Slack messages, after every decision stands (at most one wait if Slack is away)
  await followDecisions(
    db,
    d.actor.workspaceId,
    outcomes.filter((o) => o.ok).map((o) => o.id),
    now,
  );
  const decided = outcomes.filter((o) => o.ok).length;
  return { outcomes, decided, failed: outcomes.length - decided };
}
