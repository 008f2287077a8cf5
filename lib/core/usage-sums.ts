/**
 * The additive figures every usage aggregate carries (money in micro-units, token and
 * request counts). One type and one adder, shared by analytics, exports and anything else
 * that totals usage rows.
 */
export interface UsageSums {
  costMicros: bigint;
  estimatedCostMicros: bigint;
  creditsMicros: bigint;
  inputTokens: bigint;
  cachedInputTokens: bigint;
  outputTokens: bigint;
  requests: bigint;
}

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

export function addUsageSums(into: UsageSums, v: UsageSums): void {
  into.costMicros += v.costMicros;
  into.estimatedCostMicros += v.estimatedCostMicros;
  into.creditsMicros += v.creditsMicros;
  into.inputTokens += v.inputTokens;
  into.cachedInputTokens += v.cachedInputTokens;
  into.outputTokens += v.outputTokens;
  into.requests += v.requests;
}
