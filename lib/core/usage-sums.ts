/**
 * The additive figures every usage aggregate carries (money in micro-units, token and
 * request counts). One list, one type and one adder, shared by analytics, exports and
 * anything else that totals usage rows.
 */

/** The figures, in the order the exports' columns and the breakdown's metrics list them. */
export const USAGE_SUM_KEYS = [
  "costMicros",
  "estimatedCostMicros",
  "creditsMicros",
  "inputTokens",
  "cachedInputTokens",
  "outputTokens",
  "requests",
] as const;

export type UsageSums = Record<(typeof USAGE_SUM_KEYS)[number], bigint>;

export function zeroUsageSums(): UsageSums {
  return {
    costMicros: 0n,
    estimatedCostMicros: 0n,
    creditsMicros: 0n,
    inputTokens: 0n,
    cachedInputTokens: 0n,
    outputTokens: 0n,
    requests: 0n,
  };
}

/** Adds v into `into` (written out, not looped: it runs once per row of the largest reads). */
export function addUsageSums(into: UsageSums, v: UsageSums): void {
  into.costMicros += v.costMicros;
  into.estimatedCostMicros += v.estimatedCostMicros;
  into.creditsMicros += v.creditsMicros;
  into.inputTokens += v.inputTokens;
  into.cachedInputTokens += v.cachedInputTokens;
  into.outputTokens += v.outputTokens;
  into.requests += v.requests;
}
