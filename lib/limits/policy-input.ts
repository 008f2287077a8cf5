/**
 * The shape of a limit edit as it arrives from a form or a route body (strings in,
 * parsed once). Pure: shared by the route handlers, the editors and the write module.
 */
import { z } from "zod";

import { isDayKey } from "../core/period";

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : v));

const optionalDay = optionalText.refine((v) => v === undefined || isDayKey(v), {
  message: "Use a date like 2026-12-31",
});

export const LIMIT_ACTIONS = ["BLOCK", "ALERT_ONLY", "DEGRADE", "QUEUE"] as const;

const fields = {
  /** decimal text in the workspace's budget unit, e.g. "1200" or "99.5" */
  amount: optionalText,
  poolCap: optionalText,
  softThresholdPct: z.coerce
    .number({ message: "Soft threshold must be a number" })
    .int("Soft threshold must be a whole number")
    .default(80),
  action: z.enum(LIMIT_ACTIONS).default("BLOCK"),
  startsOn: optionalDay,
  expiresOn: optionalDay,
  note: optionalText.refine((v) => v === undefined || v.length <= 500, {
    message: "Keep the note under 500 characters",
  }),
};

export const createPolicySchema = z.object({
  scope: z.enum(["WORKSPACE", "GROUP", "MEMBER"]),
  groupId: z.string().max(64).optional(),
  memberId: z.string().max(64).optional(),
  product: z
    .string()
    .trim()
    .max(40)
    .regex(/^[a-z0-9_.-]*$/, "Product is a lower-case id like codex (empty = all products)")
    .default(""),
  ...fields,
});
export type CreatePolicyInput = z.infer<typeof createPolicySchema>;

export const updatePolicySchema = z.object({
  /** the version the editor loaded: a stale one is refused */
  version: z.coerce.number().int().positive(),
  ...fields,
});
export type UpdatePolicyInput = z.infer<typeof updatePolicySchema>;

export const deletePolicySchema = z.object({ version: z.coerce.number().int().positive() });
