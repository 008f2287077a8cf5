/**
 * The answer a gateway gets before a call: may this person spend on this product now?
 * A few indexed queries; limits are read fresh every time, so a change shows on the next check.
 */
import "server-only";
import type { Db } from "../db";
import { microsToDecimal } from "../money";
import { findMemberByHandle } from "./find-member";
import { loadMemberLimit } from "./load-effective-limits";

export interface BudgetCheckAnswer {
  allowed: boolean;
  action: string;
  state: string;
  unit: string;
  /** decimal text in the budget unit; null = unlimited */
  limit: string | null;
  used: string;
  remaining: string | null;
  periodStart: string;
  periodEnd: string;
  reason: string;
  member: { id: string; email: string } | null;
  asOf: string;
}

export async function budgetCheck(db: Db, workspaceId: string, handle: string, product: string, now: Date): Promise<BudgetCheckAnswer> {
  const member = await findMemberByHandle(db, workspaceId, handle);
  const { budget, effective: e } = await loadMemberLimit(db, workspaceId, member?.id ?? null, product, now, { groups: member?.groups ?? [], cachedWorkspace: true });
  return {
    allowed: e.allowed,
    action: e.action,
    state: e.state,
    unit: budget.unit,
    limit: e.limitMicros === null ? null : microsToDecimal(e.limitMicros),
    used: microsToDecimal(e.usedMicros),
    remaining: e.remainingMicros === null ? null : microsToDecimal(e.remainingMicros),
    periodStart: budget.period.start,
    periodEnd: budget.period.end,
    reason: e.reason,
    member: member ? { id: member.id, email: member.email } : null,
    asOf: now.toISOString(),
  };
}
