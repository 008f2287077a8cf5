/**
 * The additive counts every outcome aggregate carries (docs/outcomes.md): what a person's
 * agent work produced, as the vendor reports it. One type and one adder, shared by the
 * outcome facts' writer and the cost-per-outcome read.
 */
export interface OutcomeCounts {
  sessions: number;
  linesAdded: number;
  linesRemoved: number;
  commits: number;
  pullRequests: number;
}

export function zeroOutcomeCounts(): OutcomeCounts {
  return { sessions: 0, linesAdded: 0, linesRemoved: 0, commits: 0, pullRequests: 0 };
}

/** Adds v into `into`; a count the source left empty (a database sum over no rows) adds 0. */
export function addOutcomeCounts(
  into: OutcomeCounts,
  v: { [K in keyof OutcomeCounts]: number | null },
): void {
  into.sessions += v.sessions ?? 0;
  into.linesAdded += v.linesAdded ?? 0;
  into.linesRemoved += v.linesRemoved ?? 0;
  into.commits += v.commits ?? 0;
  into.pullRequests += v.pullRequests ?? 0;
}
