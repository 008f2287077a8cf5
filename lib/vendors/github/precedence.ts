/**
 * Allotment's reading of GitHub's budget precedence (GH-BUDG) over the budgets it read:
 * the user-level budget that applies to a person is the most specific one — an individual
 * budget, else the per-user budget of the person's cost center, else the universal one —
 * and it is always a hard stop. (Metered cost-center / organization / enterprise budgets cap
 * a shared amount, not a person's, and only after the pool: they never raise a person's
 * limit, so the per-person limit GitHub enforces is this budget.) Pure.
 */
import { budgetAmountMicros } from "./money";
import type { Budget } from "./schemas";

export type UserBudgetSource = "user" | "cost_center" | "universal" | "none";

export interface UserBudgets {
  individual: Budget | null;
  costCenter: Budget | null;
  universal: Budget | null;
  applicable: Budget | null;
  source: UserBudgetSource;
}

/**
 * When an `expires_at` ends (its type is unconfirmed, §6): a date ends with that UTC day, a
 * date-time at its instant, a number is epoch seconds (or ms when that large). null = never
 * or unreadable (then GitHub is trusted to remove it, and Allotment reverts on its own).
 */
export function expiryOf(v: string | number | null | undefined): Date | null {
  if (v === null || v === undefined || v === "") return null;
  if (typeof v === "number") return new Date(v > 1e12 ? v : v * 1000);
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return new Date(Date.parse(`${v}T00:00:00Z`) + 86_400_000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t);
}

/** AI-credit user-level budgets only (user scopes exist only for ai_credits / premium_requests). */
function isAiCreditBudget(b: Budget): boolean {
  const skus = [b.budget_product_sku, ...(b.budget_product_skus ?? [])].filter(Boolean);
  return skus.length === 0 || skus.includes("ai_credits");
}

export const isUniversal = (b: Budget) =>
  b.budget_scope === "multi_user_customer" && isAiCreditBudget(b);
export const isCostCenterUserBudget = (b: Budget, costCenter: string) =>
  b.budget_scope === "multi_user_cost_center" &&
  (b.budget_entity_name ?? "") === costCenter &&
  isAiCreditBudget(b);
/**
 * A budget that is not any one person's: a cost-center, organization, enterprise or repository
 * budget caps the metered AI-credit spend of everyone it covers together, after the pool.
 */
export const isSharedCap = (b: Budget) =>
  !["user", "multi_user_customer", "multi_user_cost_center"].includes(b.budget_scope) &&
  isAiCreditBudget(b);
export const isIndividual = (b: Budget, login: string) =>
  b.budget_scope === "user" && b.user === login && isAiCreditBudget(b);

export function userBudgets(
  budgets: Budget[],
  login: string,
  costCenter: string | null,
  now: Date,
): UserBudgets {
  const live = budgets.filter((b) => {
    const end = expiryOf(b.expires_at);
    return !end || end > now;
  });
  const individual = live.find((b) => isIndividual(b, login)) ?? null;
  const cc = costCenter ? (live.find((b) => isCostCenterUserBudget(b, costCenter)) ?? null) : null;
  const universal = live.find(isUniversal) ?? null;
  const applicable = individual ?? cc ?? universal;
  return {
    individual,
    costCenter: cc,
    universal,
    applicable,
    source: individual ? "user" : cc ? "cost_center" : universal ? "universal" : "none",
  };
}

/** A budget's amount as micro-USD; null = no budget (unlimited). */
export const amountOf = (b: Budget | null): bigint | null =>
  b ? budgetAmountMicros(b.budget_amount) : null;
