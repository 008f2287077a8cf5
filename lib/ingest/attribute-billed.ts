/**
 * Turns priced usage plus billed totals into the rows we store: each (day, scope) billed
 * total — scope being the provider's project or workspace — is allocated to the usage rows
 * behind it in proportion to their list-price estimate; billed cost with no usage behind
 * it becomes one Unattributed row of that scope, so the stored costs always add up to the
 * bill. Pure.
 *
 * A bill is never shifted onto people because a row lacked a price: when any row of a
 * (day, scope) is unpriced (its estimate is 0 only because the rate card has no entry), the
 * whole bill of that scope is split by tokens (input incl. cached + output) instead. Tokens
 * are the one measure every row has; the split is approximate where models differ in
 * price, but every person keeps a share of what they used and the scope stays attributed
 * (budgets still see it). The rows keep `unpriced`, which is how reconciliation flags the
 * (day, scope) — see lib/connections/reconciliation.ts and docs/pricing-and-focus.md.
 */
import { allocateBilledCost } from "./allocate-billed-cost";
import type { UsageRow } from "./types";
import { usageRowOf } from "./usage-row";

export const UNATTRIBUTED_LINE_ITEM = "unattributed billed cost";

export function scopeKey(day: string, scope: string): string {
  return `${day}\u0001${scope}`;
}

/** How a scope's bill was split: "estimate" (list price) or "tokens" (some row unpriced). */
export type SplitBasis = "estimate" | "tokens";

/** The weights a scope's bill is split by, and on which basis. */
export function allocationWeights(
  rows: readonly Pick<
    UsageRow,
    "unpriced" | "estimatedCostMicros" | "inputTokens" | "outputTokens"
  >[],
): { basis: SplitBasis; weights: bigint[] } {
  if (rows.some((r) => r.unpriced))
    return { basis: "tokens", weights: rows.map((r) => r.inputTokens + r.outputTokens) };
  return { basis: "estimate", weights: rows.map((r) => r.estimatedCostMicros) };
}

export function attributeBilled(opts: {
  provider: string;
  usage: UsageRow[];
  /** billed micro-USD per scopeKey(day, scope) */
  billed: Map<string, bigint>;
  /** told the split basis of every (day, scope) with usage (optional: for logs and tests) */
  onScope?: (day: string, scope: string, basis: SplitBasis) => void;
}): UsageRow[] {
  const byScope = new Map<string, UsageRow[]>();
  for (const row of opts.usage) {
    const key = scopeKey(row.day, row.project);
    const list = byScope.get(key);
    if (list) list.push(row);
    else byScope.set(key, [row]);
  }
  const out: UsageRow[] = [];
  for (const [key, rows] of byScope) {
    const total = opts.billed.get(key) ?? 0n;
    const { basis, weights } = allocationWeights(rows);
    opts.onScope?.(rows[0]!.day, rows[0]!.project, basis);
    const shares = allocateBilledCost(total, weights);
    rows.forEach((r, i) => out.push({ ...r, costMicros: shares[i]! }));
  }
  for (const [key, total] of opts.billed) {
    if (byScope.has(key) || total === 0n) continue;
    const [day, project] = key.split("\u0001") as [string, string];
    out.push(
      usageRowOf({
        day,
        provider: opts.provider,
        identity: null,
        product: "api",
        project,
        lineItem: UNATTRIBUTED_LINE_ITEM,
        costMicros: total,
      }),
    );
  }
  return out;
}
