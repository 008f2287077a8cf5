/**
 * zod shapes of the GitHub REST responses Allotment reads (shared/VENDOR-APIS.md §2):
 * the AI Credit usage report (§2.1), budgets (§2.4), cost centers (§2.5) and the Copilot
 * seat list (GitHub's Copilot user-management API; not in the sheet, its documented
 * `assignee.login` is all we rely on). Objects are `.loose()`: GitHub adds fields across
 * API versions, and a field we do not read must never fail a sync.
 */
import { z } from "zod";

/** GitHub's money: JSON numbers in US dollars (read exactly through their decimal text). */
const usd = z.number().finite().nonnegative();
/** Quantities (credits) may be fractional. */
const quantity = z.number().finite().nonnegative();

export const usageItemSchema = z
  .object({
    product: z.string(),
    sku: z.string(),
    /** absent on some report variants: the row then has no model */
    model: z.string().optional(),
    unitType: z.string(),
    pricePerUnit: z.number().finite().nonnegative(),
    grossQuantity: quantity,
    grossAmount: usd,
    discountQuantity: quantity,
    discountAmount: usd,
    netQuantity: quantity,
    netAmount: usd,
  })
  .loose();
export type UsageItem = z.infer<typeof usageItemSchema>;

export const aiCreditUsageSchema = z
  .object({
    timePeriod: z
      .object({
        year: z.number().int(),
        month: z.number().int().min(1).max(12).optional(),
        day: z.number().int().min(1).max(31).optional(),
      })
      .loose(),
    user: z.string().optional(),
    organization: z.string().optional(),
    enterprise: z.string().optional(),
    usageItems: z.array(usageItemSchema),
  })
  .loose();
export type AiCreditUsage = z.infer<typeof aiCreditUsageSchema>;

const alertingSchema = z
  .object({ will_alert: z.boolean(), alert_recipients: z.array(z.string()) })
  .loose();

/** `expires_at`: type and format unconfirmed (§6): a date, a date-time, or a number of epoch seconds. */
export const expiresAtSchema = z.union([z.string(), z.number()]).nullish();

export const budgetSchema = z
  .object({
    id: z.string().min(1),
    budget_type: z.string().optional(),
    budget_product_sku: z.string().optional(),
    budget_product_skus: z.array(z.string()).optional(),
    /** enterprise | organization | repository | cost_center | multi_user_customer | multi_user_cost_center | user … (open set) */
    budget_scope: z.string(),
    budget_entity_name: z.string().nullish(),
    /** whole dollars; one 2026-03-10 variant types it as a float: both are read exactly */
    budget_amount: z.number().finite().nonnegative(),
    prevent_further_usage: z.boolean().optional(),
    budget_alerting: alertingSchema.optional(),
    user: z.string().nullish(),
    consumed_amount: z.number().finite().nullish(),
    expires_at: expiresAtSchema,
  })
  .loose();
export type Budget = z.infer<typeof budgetSchema>;

export const budgetListSchema = z
  .object({
    budgets: z.array(budgetSchema),
    has_next_page: z.boolean().optional(),
    total_count: z.number().int().optional(),
  })
  .loose();

/** POST and PATCH answer `{message, budget}` (200). */
export const budgetWriteSchema = z
  .object({ message: z.string().optional(), budget: budgetSchema })
  .loose();

/** DELETE: the example says `budget_id`, the schema `id`: either is accepted. */
export const budgetDeleteSchema = z
  .object({
    message: z.string().optional(),
    budget_id: z.string().optional(),
    id: z.string().optional(),
  })
  .loose();

export const costCenterResourceSchema = z.object({ type: z.string(), name: z.string() }).loose();
export const costCenterSchema = z
  .object({
    id: z.string().min(1),
    name: z.string(),
    state: z.string().optional(),
    resources: z.array(costCenterResourceSchema).default([]),
  })
  .loose();
export type CostCenter = z.infer<typeof costCenterSchema>;

export const costCenterListSchema = z.object({ costCenters: z.array(costCenterSchema) }).loose();
export const costCenterPageSchema = costCenterSchema.extend({
  has_next_page: z.boolean().optional(),
});

export const seatSchema = z
  .object({
    /** null for a seat assigned to a team or pending: no person to attribute */
    assignee: z
      .object({
        login: z.string().min(1),
        id: z.number().optional(),
        email: z.string().nullish(),
        name: z.string().nullish(),
      })
      .loose()
      .nullable(),
  })
  .loose();
export const seatPageSchema = z
  .object({ total_seats: z.number().int().optional(), seats: z.array(seatSchema) })
  .loose();

/**
 * A usage-report export (§2.3): `POST …/settings/billing/reports` answers 202 with one, `GET
 * …/reports/{id}` reads it again. `download_urls` only once completed. The status is an open
 * set here: anything but "completed" or "failed" is read as still being made.
 */
export const usageReportSchema = z
  .object({
    id: z.string().min(1),
    report_type: z.string().optional(),
    start_date: z.string().optional(),
    end_date: z.string().optional(),
    status: z.string().min(1),
    download_urls: z.array(z.url()).optional(),
    created_at: z.string().optional(),
  })
  .loose();
export type UsageReport = z.infer<typeof usageReportSchema>;
