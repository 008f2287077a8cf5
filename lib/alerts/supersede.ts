/**
 * One open limit alert per subject and kind (issue 17: the demo opened 80 %, 100 % and "limit
 * reached" for the same person at once, 28 alerts saying a dozen things). Of the limit alerts
 * one evaluation finds for a subject, the hard limit supersedes its thresholds, and the highest
 * threshold crossed supersedes the lower ones; a superseded alert is not raised, and one still
 * open is resolved (it is no longer what is true). Projections, anomalies and vendor alerts are
 * about other things and stay. Pure.
 */
import type { AlertKind } from "./rule-kinds";

export interface LimitFinding {
  kind: AlertKind;
  subjectType: string;
  subjectId: string;
  thresholdPct: number | null;
}

export function withoutSuperseded<T extends LimitFinding>(found: readonly T[]): T[] {
  const key = (f: T) => `${f.subjectType}:${f.subjectId}`;
  const top = new Map<string, number>();
  for (const f of found) {
    if (f.kind === "hard_limit") top.set(key(f), Infinity);
    else if (f.kind === "threshold" && f.thresholdPct !== null)
      top.set(key(f), Math.max(top.get(key(f)) ?? -Infinity, f.thresholdPct));
  }
  return found.filter((f) => f.kind !== "threshold" || f.thresholdPct === top.get(key(f)));
}
