/**
 * The answer a gateway gets before a call: may this person spend on this product now?
 * Steady state: one primary-key read (the workspace version) and the rest from memory
 * (lib/limits/limit-inputs.ts); any change to limits, people, settings or usage moves the
 * version, so it shows on the next check.
 */
import "server-only";

import { microsToDecimal } from "../core/money";
import type { Db } from "../server/db";
import type { WorkspaceVersion } from "../server/workspace-version";
import { limitInputsFor, loadMemberLimit } from "./load-effective-limits";

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

/** `version`: the workspace version the caller read in this request (token auth does). */
export async function budgetCheck(
  db: Db,
  workspaceId: string,
  handle: string,
  product: string,
  now: Date,
  version?: WorkspaceVersion,
): Promise<BudgetCheckAnswer> {
  const inputs = await limitInputsFor(db, workspaceId, version);
  const member = await inputs.member(handle.trim());
  const { budget, effective: e } = await loadMemberLimit(
    db,
    workspaceId,
    member?.id ?? null,
    product,
    now,
    { groups: member?.groups ?? [], inputs, projection: false },
  );
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
