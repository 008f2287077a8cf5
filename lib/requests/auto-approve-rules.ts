/**
 * Auto-approval policies as data: the owner's form (zod, strings in) and the one test of a
 * request against a policy. Pure: the filing path (auto-approve.ts), the policy preview over
 * past requests and the Settings form all use this one verdict.
 */
import { z } from "zod";

import { addDays, type DayKey } from "../core/period";

const product = z
  .string()
  .trim()
  .max(40)
  .regex(/^[a-z0-9_.-]*$/, "Products are lower-case ids like codex (empty = all products)");

const optionalText = z
  .string()
  .trim()
  .max(40)
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : v));

export const MAX_POLICY_DAYS = 366;
export const MAX_PER_PERIOD = 100;

const fields = {
  name: z
    .string()
    .trim()
    .min(1, "Give the policy a name")
    .max(80, "Keep the name under 80 characters"),
  enabled: z.boolean().default(true),
  /** [] = anyone */
  groupIds: z.array(z.string().min(1).max(64)).max(200).default([]),
  /** [] = any product; "" = an all-products request */
  products: z.array(product).max(20).default([]),
  /** decimal text in the budget unit */
  maxAmount: z.string().trim().min(1, "Say up to what amount requests are approved").max(40),
  maxPerPeriod: z.coerce
    .number({ message: "At most per person per period must be a number" })
    .int("At most per person per period must be a whole number")
    .min(1, "At most per person per period must be at least 1")
    .max(MAX_PER_PERIOD, `At most per person per period must be at most ${MAX_PER_PERIOD}`),
  /** optional: the requester's projected period-end spend must stay under this */
  forecastCeiling: optionalText,
  maxDays: z.coerce
    .number({ message: "Expiry days must be a number" })
    .int("Expiry days must be a whole number")
    .min(1, "Expiry days must be at least 1")
    .max(MAX_POLICY_DAYS, `Expiry days must be at most ${MAX_POLICY_DAYS}`),
};

export const autoPolicySchema = z.object(fields).strict();
export type AutoPolicyInput = z.infer<typeof autoPolicySchema>;

export const autoPolicyUpdateSchema = z
  .object({ ...fields, version: z.coerce.number().int().positive() })
  .strict();
export type AutoPolicyUpdateInput = z.infer<typeof autoPolicyUpdateSchema>;

/** A stored policy, parsed. */
export interface AutoPolicy {
  id: string;
  name: string;
  enabled: boolean;
  groupIds: string[];
  products: string[];
  maxAmountMicros: bigint;
  maxPerPeriod: number;
  forecastCeilingMicros: bigint | null;
  maxDays: number;
}

/** What the verdict needs to know about a request when it is filed. */
export interface RequestFacts {
  amountMicros: bigint;
  product: string;
  neededUntil: DayKey;
  /** the filing day in the workspace timezone */
  filedOn: DayKey;
  requesterGroupIds: readonly string[];
  /** the requester's projected period-end spend at filing (the request's snapshot) */
  projectedMicros: bigint;
  /** approvals by this policy for this person in the filing's budget period so far */
  approvedThisPeriod: number;
}

export type Verdict = { approve: true } | { approve: false; why: string };

export function verdict(p: AutoPolicy, f: RequestFacts): Verdict {
  if (!p.enabled) return { approve: false, why: "the policy is disabled" };
  if (f.amountMicros <= 0n) return { approve: false, why: "the request names no amount" };
  if (f.amountMicros > p.maxAmountMicros)
    return { approve: false, why: "asks for more than the policy allows" };
  if (p.products.length > 0 && !p.products.includes(f.product))
    return { approve: false, why: "the product is not in the policy's scope" };
  if (p.groupIds.length > 0 && !f.requesterGroupIds.some((g) => p.groupIds.includes(g)))
    return { approve: false, why: "the requester is in none of the policy's groups" };
  if (f.neededUntil > addDays(f.filedOn, p.maxDays))
    return { approve: false, why: `needed for longer than ${p.maxDays} days` };
  if (f.approvedThisPeriod >= p.maxPerPeriod)
    return {
      approve: false,
      why: `already ${f.approvedThisPeriod} approved by this policy this period`,
    };
  if (p.forecastCeilingMicros !== null && f.projectedMicros >= p.forecastCeilingMicros)
    return { approve: false, why: "the requester's forecast is above the policy's ceiling" };
  return { approve: true };
}

/** JSON text lists as stored (the policy's groups and products). */
export function parseList(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}
