/**
 * The Claude Enterprise Spend Limits API's documented response shapes (Admin API, beta;
 * shared/VENDOR-LIMIT-APIS.md). Amounts are decimal strings of US cents. Fields the reference
 * leaves open (a limit's source type, `resolved_by`) are read as open.
 */
import { z } from "zod";

const cents = z.string().regex(/^\d+(\.\d+)?$/, "a decimal string of cents");
const actorSchema = z
  .object({
    type: z.string(),
    user_id: z.string(),
    name: z.string().nullable().optional(),
    email_address: z.string().email(),
  })
  .loose();
const scopeSchema = z.object({ type: z.string(), user_id: z.string().optional() }).loose();

export const spendLimitSchema = z.object({
  type: z.literal("spend_limit"),
  id: z.string(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  scope: scopeSchema,
  amount: cents.nullable(),
  currency: z.string(),
  period: z.string(),
});
export type SpendLimit = z.infer<typeof spendLimitSchema>;

export const effectiveRowSchema = z.object({
  scope: scopeSchema.optional(),
  amount: cents.nullable(),
  currency: z.string().optional(),
  period: z.string().optional(),
  /** user | seat_tier | rbac_group | organization — treated as open */
  source: z.object({ type: z.string() }).loose(),
  spend_limit_id: z.string().nullable().optional(),
  period_to_date_spend: cents.nullable().optional(),
  actor: actorSchema,
});
export type EffectiveRow = z.infer<typeof effectiveRowSchema>;

export const pageOf = <T extends z.ZodType>(item: T) =>
  z
    .object({
      data: z.array(item),
      has_more: z.boolean().optional(),
      next_page: z.string().nullable().optional(),
    })
    .loose();

export const increaseRequestSchema = z.object({
  type: z.literal("spend_limit_increase_request"),
  id: z.string(),
  created_at: z.string(),
  status: z.enum(["pending", "approved", "denied"]),
  resolved_at: z.string().nullable().optional(),
  resolved_by: z.unknown().optional(),
  actor: actorSchema,
  spend_summary: effectiveRowSchema
    .omit({ actor: true })
    .extend({ actor: actorSchema.optional() })
    .nullable()
    .optional(),
});
export type IncreaseRequest = z.infer<typeof increaseRequestSchema>;

export const deletedSchema = z.object({ type: z.literal("spend_limit_deleted"), id: z.string() });
