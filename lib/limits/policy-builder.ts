import type { PolicyInput } from "./resolve-effective-limit";

let seq = 0;

/**
 * A policy as the effective-limit rule reads it, with every field not given at its default
 * (all products, 80 % soft threshold, BLOCK, no dates, no note) and a fresh id: the limit
 * rule's and the simulator's unit tests build their cases with it.
 */
export function policyInput(p: Partial<PolicyInput> & Pick<PolicyInput, "scope">): PolicyInput {
  return {
    id: `p${++seq}`,
    groupId: null,
    memberId: null,
    product: "",
    amountMicros: null,
    poolCapMicros: null,
    softThresholdPct: 80,
    action: "BLOCK",
    startsAt: null,
    expiresAt: null,
    note: null,
    sourceRequestId: null,
    ...p,
  };
}
