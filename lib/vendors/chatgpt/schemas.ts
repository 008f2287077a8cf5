/**
 * The ChatGPT Admin API's documented response shapes (shared/VENDOR-LIMIT-APIS.md), read by
 * both the usage import (lib/ingest/adapters/chatgpt.ts) and enforcement (./client.ts).
 * Fields the reference leaves open are `loose()`: values the format allows are handled.
 */
import { z } from "zod";

const amountSchema = z.object({
  amount: z.string().regex(/^\d+(\.\d+)?$/, "a decimal string"),
  unit: z.enum(["credit", "usd"]),
});

export const limitRuleSchema = z.object({
  type: z.enum(["limited", "unlimited"]),
  /** older form: whole credits */
  limit: z.number().int().nonnegative().nullable().optional(),
  limit_amount: amountSchema.nullable().optional(),
  temporary: z.boolean().optional(),
  limit_expires_at: z.union([z.string(), z.number()]).nullable().optional(),
});
export type LimitRule = z.infer<typeof limitRuleSchema>;

const sourceSchema = z
  .object({
    kind: z.string(),
    group_id: z.string().optional(),
    group_name: z.string().optional(),
    seat_type: z.string().optional(),
  })
  .loose();

const effectiveSchema = z.object({ limit: limitRuleSchema.nullable(), source: sourceSchema });

export const userLimitSchema = z.object({
  object: z.literal("workspace.user.usage_limit"),
  id: z.string(),
  account_user_id: z.string(),
  override_monthly_usage_limit: z.union([
    z.null(),
    limitRuleSchema,
    z.array(limitRuleSchema).max(1),
  ]),
  effective_monthly_usage_limit: effectiveSchema.nullable(),
  inherited_monthly_usage_limit: effectiveSchema.nullable().optional(),
});
export type UserLimit = z.infer<typeof userLimitSchema>;

export const monthlyUsageSchema = z.object({
  id: z.string(),
  account_user_id: z.string(),
  current_month_usage: z.number().nonnegative(),
  current_month_usage_unit: z.enum(["credit", "usd"]),
  effective_monthly_usage_limit: z.unknown().optional(),
});

/** Roster rows: the documented route; only id and email are relied on. */
export const userRowSchema = z
  .object({ id: z.string(), email: z.string().email(), name: z.string().nullish() })
  .loose();
export const userListSchema = z
  .object({
    data: z.array(userRowSchema),
    has_more: z.boolean(),
    last_id: z.string().nullish(),
  })
  .loose();
export type RosterUser = z.infer<typeof userRowSchema>;

export const groupSchema = z.object({ id: z.string(), name: z.string() }).loose();
/** A group's members: only the ids are relied on (emails come from the roster). */
export const groupUsersSchema = z
  .object({
    data: z.array(z.object({ id: z.string() }).loose()),
    has_more: z.boolean(),
    next_cursor: z.string().nullish(),
  })
  .loose();

const numberish = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]);
export const usageResultSchema = z.object({
  object: z.literal("workspace.usage.result"),
  user_id: z.string().nullable().optional(),
  actor: z
    .object({ type: z.string(), user_id: z.string().nullable().optional() })
    .loose()
    .nullable()
    .optional(),
  start_time: z.union([z.number(), z.string()]),
  end_time: z.union([z.number(), z.string()]),
  totals: z
    .object({
      credits: numberish.nullable().optional(),
      cost_usd: numberish.nullable().optional(),
      estimated_cost_usd: numberish.nullable().optional(),
    })
    .loose(),
  clients: z.array(z.unknown()).optional(),
});
export type UsageResult = z.infer<typeof usageResultSchema>;
export const usagePageSchema = z.object({
  object: z.literal("page"),
  data: z.array(usageResultSchema),
  has_more: z.boolean(),
  next_page: z.string().nullable().optional(),
});
