/**
 * Turns priced usage plus billed totals into the rows we store: each (day, scope) billed
 * total — scope being the provider's project or workspace — is allocated to the usage rows
 * behind it in proportion to their list-price estimate; billed cost with no usage behind
 * it becomes one Unattributed row of that scope, so the stored costs always add up to the
 * bill. Pure.
 */
import { allocateBilledCost } from "./allocate-billed-cost";
import type { UsageRow } from "./types";

export const UNATTRIBUTED_LINE_ITEM = "unattributed billed cost";

export function scopeKey(day: string, scope: string): string {
  return `${day}\u0001${scope}`;
}

export function attributeBilled(opts: {
  provider: string;
  usage: UsageRow[];
  /** billed micro-USD per scopeKey(day, scope) */
  billed: Map<string, bigint>;
}): UsageRow[] {
  const byScope = new Map<string, UsageRow[]>();
  for (const row of opts.usage) {
    const key = scopeKey(row.day, row.project);
    byScope.set(key, [...(byScope.get(key) ?? []), row]);
  }
  const out: UsageRow[] = [];
  for (const [key, rows] of byScope) {
    const total = opts.billed.get(key) ?? 0n;
    const shares = allocateBilledCost(total, rows.map((r) => r.estimatedCostMicros));
    rows.forEach((r, i) => out.push({ ...r, costMicros: shares[i]! }));
  }
  for (const [key, total] of opts.billed) {
    if (byScope.has(key) || total === 0n) continue;
    const [day, project] = key.split("\u0001") as [string, string];
    out.push({
      day, provider: opts.provider, identity: null, product: "api", model: "", project, apiKey: "",
      lineItem: UNATTRIBUTED_LINE_ITEM, inputTokens: 0n, cachedInputTokens: 0n, outputTokens: 0n, requests: 0n,
      estimatedCostMicros: 0n, costMicros: total, creditsMicros: null, unpriced: false,
    });
  }
  return out;
}
