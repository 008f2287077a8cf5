/**
 * One policy, GitHub's rule: which shared user-level budgets to write (the universal one, and
 * one per cost center where that scope is accepted) so that GitHub's precedence — individual
 * over cost center over universal — gives every person Allotment's effective limit, with
 * individual budgets only where a person differs. Pure.
 *
 * A shared budget mirrors its Allotment level — the workspace default for the universal
 * budget, the limit of the cost center's mirrored group for a cost center's (the lowest
 * target among those people, as the budget split may give them less) — and everyone else it
 * governs gets an individual budget. A raise (or a new budget) waits while it governs someone
 * without an individual budget for whom it would be too much, so writing it never lets anyone
 * spend more than Allotment allows. Allotment cannot say "no limit" for one
 * person under a shared budget (GitHub has no unlimited individual budget): such a person
 * keeps the shared (stricter) value, and the plan says so.
 */
export type SharedTarget =
  | { kind: "keep" }
  /** `waitsFor`: people it governs now (no individual budget) for whom it would be too much: a
   * raise or a new budget waits until their individual budgets are in place */
  | { kind: "set"; micros: bigint; waitsFor: string[] }
  | { kind: "delete"; waitsFor: string[] };

export interface PersonTarget {
  login: string;
  costCenter: string | null;
  /** false = Allotment has no limit for the person (GitHub's own budgets apply) */
  managed: boolean;
  /** Allotment level: where the person's limit comes from */
  level: "WORKSPACE" | "GROUP" | "MEMBER" | "NONE" | string;
  /** at level GROUP: the cost center whose mirrored Allotment group gives the limit (null = another group) */
  groupCostCenter?: string | null;
  /** vendor micros already rounded down to whole dollars; null = unlimited */
  micros: bigint | null;
  /** GitHub has an individual budget for the person now */
  hasIndividual: boolean;
}

export interface SharedPlan {
  universal: SharedTarget;
  costCenters: Map<string, SharedTarget>;
}

function lowest(people: PersonTarget[]): { any: boolean; micros: bigint | null } {
  let best: bigint | null = null;
  let any = false;
  for (const p of people) {
    if (!p.managed) continue;
    any = true;
    if (p.micros !== null && (best === null || p.micros < best)) best = p.micros;
  }
  return { any, micros: best };
}

const targetOf = (mirrored: PersonTarget[], governed: PersonTarget[]): SharedTarget => {
  const base = lowest(mirrored);
  // Allotment has nothing to say at this level: the budget stays as GitHub has it
  if (!base.any) return { kind: "keep" };
  const tooMuch = (p: PersonTarget) =>
    p.managed && p.micros !== null && (base.micros === null || p.micros < base.micros);
  const waitsFor = governed.filter(tooMuch).map((p) => p.login);
  return base.micros === null
    ? { kind: "delete", waitsFor }
    : { kind: "set", micros: base.micros, waitsFor };
};

/**
 * @param costCentersWritable cost centers whose per-user budget may be written (GitHub did not
 *   refuse the multi_user_cost_center scope for them, and the target is an enterprise)
 * @param existingCostCenterBudgets cost centers that have a per-user budget at GitHub now
 */
export function sharedTargets(
  people: PersonTarget[],
  costCentersWritable: Set<string>,
  existingCostCenterBudgets: Set<string>,
): SharedPlan {
  const costCenters = new Map<string, SharedTarget>();
  for (const cc of costCentersWritable) {
    const members = people.filter((p) => p.costCenter === cc);
    const mirrored = members.filter((p) => p.level === "GROUP" && p.groupCostCenter === cc);
    const governed = members.filter((p) => !p.hasIndividual);
    costCenters.set(cc, targetOf(mirrored, governed));
  }
  // who the universal budget governs in the target state: nobody under a cost-center budget
  const underCc = (p: PersonTarget) => {
    if (!p.costCenter) return false;
    const t = costCenters.get(p.costCenter);
    if (!t) return existingCostCenterBudgets.has(p.costCenter);
    return t.kind === "set" || (t.kind === "keep" && existingCostCenterBudgets.has(p.costCenter));
  };
  const outside = people.filter((p) => !underCc(p));
  const universal = targetOf(
    outside.filter((p) => p.level === "WORKSPACE"),
    outside.filter((p) => !p.hasIndividual),
  );
  return { universal, costCenters };
}
