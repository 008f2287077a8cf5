/**
 * What the limit simulator is asked (POST /api/limits/simulate from the editors,
 * POST /api/v1/limits/simulate from planning scripts): a proposed change and how many past
 * periods to replay. Pure: shared by the routes, the forms and lib/limits/simulate.ts.
 */
import { z } from "zod";

import type { Unit } from "../core/money";
import type { DayKey } from "../core/period";
import { createPolicySchema } from "./policy-input";

export const DEFAULT_SIMULATED_PERIODS = 3;
export const MAX_SIMULATED_PERIODS = 12;

/**
 * A limit as it would be saved (the editor's fields, `product` included: "" = all products);
 * `policyId` = the one it replaces (its target and product are kept).
 */
const setChange = createPolicySchema
  .extend({
    kind: z.literal("set"),
    policyId: z.string().max(64).optional(),
  })
  .strict();

const removeChange = z
  .object({ kind: z.literal("remove"), policyId: z.string().min(1).max(64) })
  .strict();

/** An approval of a pending request, for the amount given (default: what was asked). */
const approveChange = z
  .object({
    kind: z.literal("approve"),
    requestId: z.coerce.number({ message: "requestId must be a request number" }).int().positive(),
    amount: z
      .string()
      .trim()
      .max(40)
      .optional()
      .transform((v) => (v === "" ? undefined : v)),
  })
  .strict();

export const simulateSchema = z
  .object({
    periods: z.coerce
      .number({ message: "periods must be a number" })
      .int("periods must be a whole number")
      .min(1, "periods must be at least 1")
      .max(MAX_SIMULATED_PERIODS, `periods must be at most ${MAX_SIMULATED_PERIODS}`)
      .default(DEFAULT_SIMULATED_PERIODS),
    change: z.discriminatedUnion("kind", [setChange, removeChange, approveChange], {
      message: 'change.kind must be "set", "remove" or "approve"',
    }),
  })
  .strict();

export type SimulateInput = z.infer<typeof simulateSchema>;
export type SimulateChange = SimulateInput["change"];

/** The simulator's answer (lib/limits/simulate.ts); amounts in micro-units of the budget unit. */
/** One product's budget check of a person whose limits name products (see SimulatedMember.byProduct). */
export interface SimulatedProductCheck {
  /** "" = all products (and every product no limit of theirs names) */
  product: string;
  softDay: DayKey | null;
  blockedDay: DayKey | null;
  stoppedMicros: bigint;
  limitMicros: bigint | null;
  reason: string;
}

export interface SimulatedMember {
  memberId: string;
  name: string;
  email: string;
  groups: string[];
  /** the product whose budget check the days and reason below come from ("" = all products) */
  product: string;
  softDay: DayKey | null;
  overDay: DayKey | null;
  blockedDay: DayKey | null;
  stoppedMicros: bigint;
  /** the limit and reason on the period's last day */
  limitMicros: bigint | null;
  reason: string;
  /** refused under the limits as they are, too */
  blockedNow: boolean;
  /**
   * when the person's limits name products, each check replayed apart — all products first,
   * then each named product (a budget check for a product asks that product's limits); the
   * days above are the earliest of them and the spend stopped their sum. Empty otherwise.
   */
  byProduct: SimulatedProductCheck[];
}

export interface Tally {
  soft: number;
  blocked: number;
  stoppedMicros: bigint;
  requests: number;
}

export interface SimulatedGroup extends Tally {
  groupId: string;
  name: string;
  members: number;
  baseline: Tally;
}

export interface SimulatedPeriod {
  start: DayKey;
  end: DayKey;
  current: boolean;
  /** current period: days from here on are the current pace carried forward */
  forecastFrom: DayKey | null;
  proposed: Tally;
  baseline: Tally;
  groups: SimulatedGroup[];
  /** soft-alerted or refused under the proposal, refused first, earliest first */
  members: SimulatedMember[];
  membersTotal: number;
}

export interface Simulation {
  unit: Unit;
  budgetPeriod: string;
  change: string;
  affectedMembers: number;
  /** newest first: the current period, then the past ones */
  periods: SimulatedPeriod[];
  /** the products some affected person's limits name: their budget checks were replayed apart */
  products: string[];
  notes: string[];
}
