/**
 * One open limit alert per subject and kind (issue 17: the demo opened 80 %, 100 % and "limit
 * reached" for the same person at once, 28 alerts saying a dozen things). Of the limit alerts
 * one evaluation finds for a subject, the hard limit supersedes its thresholds, and the highest
 * threshold crossed supersedes the lower ones; a superseded alert is not raised, and one still
 * open is closed as superseded, naming the alert that superseded it (it is not "resolved": its
 * condition still holds, a higher one is the news). Projections, anomalies and vendor alerts
 * are about other things and stay. Pure.
 */
import type { AlertKind } from "./rule-kinds";

export interface LimitFinding {
  kind: AlertKind;
  subjectType: string;
  subjectId: string;
  thresholdPct: number | null;
}

export function withoutSuperseded<T extends LimitFinding>(found: readonly T[]): T[] {
  return supersession(found).kept;
}

/**
 * The findings kept, and for each superseded one the finding that supersedes it: its subject's
 * hard limit, else the highest threshold crossed (so an alert closed for it can say by what).
 */
export function supersession<T extends LimitFinding>(
  found: readonly T[],
): { kept: T[]; supersededBy: Map<T, T> } {
  const key = (f: T) => `${f.subjectType}:${f.subjectId}`;
  const top = new Map<string, T>();
  const rank = (f: T) => (f.kind === "hard_limit" ? Infinity : (f.thresholdPct ?? -Infinity));
  for (const f of found) {
    if (f.kind !== "hard_limit" && (f.kind !== "threshold" || f.thresholdPct === null)) continue;
    const best = top.get(key(f));
    if (!best || rank(f) > rank(best)) top.set(key(f), f);
  }
  const kept: T[] = [];
  const supersededBy = new Map<T, T>();
  for (const f of found) {
    const best = top.get(key(f));
    if (f.kind === "threshold" && best && rank(best) > rank(f)) supersededBy.set(f, best);
    else kept.push(f);
  }
  return { kept, supersededBy };
}
