/**
 * zod shapes of the Cursor Admin API responses Allotment reads (shared/VENDOR-APIS.md §3):
 * `/teams/members` (§3.1), `/teams/spend` (§3.3), `/teams/filtered-usage-events` (§3.4) and
 * `/teams/user-spend-limit` (§3.5). Objects are `.loose()`: Cursor adds fields, and a field
 * we do not read must never fail a sync. Money (cents) is a fractional JSON number since
 * 2026-06-04; it is read exactly through its decimal text (lib/core/money.ts), never with float math.
 */
import { z } from "zod";

/** Cents with fractions ("2450.125487"); a decimal string is read the same way. */
export const centsValue = z.union([
  z.number().finite().nonnegative(),
  z.string().regex(/^\d+(\.\d+)?$/, "a decimal number of cents"),
]);

export const teamMemberSchema = z
  .object({
    id: z.string().min(1),
    email: z.string().email(),
    name: z.string().nullish(),
    /** "member" | "owner" | "free-owner" | …: an open set */
    role: z.string().nullish(),
    isRemoved: z.boolean().optional().default(false),
  })
  .loose();
export type TeamMember = z.infer<typeof teamMemberSchema>;

export const teamMembersSchema = z.object({ teamMembers: z.array(teamMemberSchema) }).loose();

/** A billing group's member (§3.6): only the email is relied on; the rest is read as open. */
const groupMemberSchema = z
  .object({ userId: z.union([z.string(), z.number()]).nullish(), email: z.string().nullish() })
  .loose();
/** `GET /teams/groups` (§3.6): the team's billing groups and their current members. */
export const billingGroupsSchema = z
  .object({
    groups: z.array(
      z
        .object({
          id: z.string().min(1),
          name: z.string(),
          type: z.string().nullish(),
          currentMembers: z.array(groupMemberSchema).default([]),
        })
        .loose(),
    ),
  })
  .loose();
export type BillingGroup = z.infer<typeof billingGroupsSchema>["groups"][number];

/** Whole dollars as documented; read exactly in case a number arrives with a fraction. */
const dollars = z.number().finite().nonnegative();

export const memberSpendSchema = z
  .object({
    userId: z.string().min(1),
    email: z.string().email(),
    name: z.string().nullish(),
    role: z.string().nullish(),
    /** on-demand spend this billing cycle (excludes included usage) */
    spendCents: centsValue,
    overallSpendCents: centsValue.optional(),
    fastPremiumRequests: z.number().optional(),
    /** the member's own limit; 0 = "no override" as documented (see cursor-limits.ts for $0) */
    hardLimitOverrideDollars: dollars.nullish(),
    /** the team's per-member monthly limit; null = none */
    monthlyLimitDollars: dollars.nullish(),
    /** what Cursor applies to this member; typed number, read as null when absent */
    effectivePerUserLimitDollars: dollars.nullish(),
  })
  .loose();
export type MemberSpend = z.infer<typeof memberSpendSchema>;

export const spendPageSchema = z
  .object({
    teamMemberSpend: z.array(memberSpendSchema),
    subscriptionCycleStart: z.number().finite().optional(),
    totalMembers: z.number().int().nonnegative().optional(),
    totalPages: z.number().int().nonnegative(),
  })
  .loose();
export type SpendPage = z.infer<typeof spendPageSchema>;

export const tokenUsageSchema = z
  .object({
    inputTokens: z.number().int().nonnegative().optional().default(0),
    outputTokens: z.number().int().nonnegative().optional().default(0),
    cacheWriteTokens: z.number().int().nonnegative().optional().default(0),
    cacheReadTokens: z.number().int().nonnegative().optional().default(0),
    totalCents: centsValue.optional(),
    discountPercentOff: z.number().optional(),
  })
  .loose();

export const usageEventSchema = z
  .object({
    /** epoch ms as a string (a number is read the same way) */
    timestamp: z.union([
      z.string().regex(/^\d{1,15}$/, "epoch milliseconds as a string of digits"),
      z.number().int().nonnegative(),
    ]),
    /** absent for service-account and automation events */
    userEmail: z.string().email().nullish(),
    serviceAccountId: z.string().nullish(),
    serviceAccountName: z.string().nullish(),
    model: z.string().nullish(),
    kind: z.string().nullish(),
    maxMode: z.boolean().optional(),
    requestsCosts: z.number().optional(),
    isTokenBasedCall: z.boolean().optional(),
    isChargeable: z.boolean(),
    isHeadless: z.boolean().optional(),
    tokenUsage: tokenUsageSchema.nullish(),
    chargedCents: centsValue,
    cursorTokenFee: centsValue.nullish(),
  })
  .loose();
export type UsageEvent = z.infer<typeof usageEventSchema>;

export const usageEventsPageSchema = z
  .object({
    totalUsageEventsCount: z.number().int().nonnegative().optional(),
    pagination: z
      .object({
        numPages: z.number().int().nonnegative().optional(),
        currentPage: z.number().int().nonnegative(),
        pageSize: z.number().int().positive().optional(),
        hasNextPage: z.boolean(),
        hasPreviousPage: z.boolean().optional(),
      })
      .loose(),
    usageEvents: z.array(usageEventSchema),
  })
  .loose();
export type UsageEventsPage = z.infer<typeof usageEventsPageSchema>;

/** `{"outcome":"success"|"error","message":"…"}`; other outcomes are kept as text. */
export const spendLimitResultSchema = z
  .object({ outcome: z.string(), message: z.string().optional().default("") })
  .loose();
export type SpendLimitResult = z.infer<typeof spendLimitResultSchema>;
