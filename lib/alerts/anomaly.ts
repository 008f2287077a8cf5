/**
 * Burn-rate anomaly: a member's spend on one day far above both their own trailing
 * baseline and their group's per-member baseline, and above an absolute floor so tiny
 * amounts never alert. Pure; amounts are micro-USD.
 */
import { addDays, eachDay, type DayKey } from "../core/period";

export interface AnomalySettings {
  /** the day must be at least this many times the member's own baseline */
  selfFactor: number;
  /** …and this many times their group's per-member baseline */
  groupFactor: number;
  /** …and at least this much (micro-USD) */
  floorMicros: bigint;
  /** trailing days that make a baseline */
  baselineDays: number;
}

export const DEFAULT_ANOMALY: AnomalySettings = {
  selfFactor: 10,
  groupFactor: 10,
  floorMicros: 25_000_000n,
  baselineDays: 14,
};

export interface AnomalyFinding {
  day: DayKey;
  spentMicros: bigint;
  selfBaselineMicros: bigint;
  groupBaselineMicros: bigint;
  /** the member's daily spend over the baseline window and the anomalous days */
  series: { day: DayKey; micros: bigint }[];
}

/** Mean daily spend over the `days` days before `day` (missing days count as zero). */
export function trailingMean(
  daily: ReadonlyMap<DayKey, bigint>,
  day: DayKey,
  days: number,
): bigint {
  let sum = 0n;
  for (let i = 1; i <= days; i++) sum += daily.get(addDays(day, -i)) ?? 0n;
  return sum / BigInt(days);
}

/** factor × baseline compared exactly: spent ≥ factor·baseline with factor to 1/100. */
function atLeastTimes(spent: bigint, baseline: bigint, factor: number): boolean {
  return spent * 100n >= baseline * BigInt(Math.round(factor * 100));
}

/**
 * The first anomalous day among `candidateDays` for one member (null if none).
 * `groupDaily` is the group's spend per member per day (group total / group size).
 */
export function findAnomaly(
  memberDaily: ReadonlyMap<DayKey, bigint>,
  groupDaily: ReadonlyMap<DayKey, bigint>,
  candidateDays: readonly DayKey[],
  s: AnomalySettings = DEFAULT_ANOMALY,
): AnomalyFinding | null {
  for (const day of candidateDays) {
    const spent = memberDaily.get(day) ?? 0n;
    if (spent < s.floorMicros) continue;
    const self = trailingMean(memberDaily, day, s.baselineDays);
    const group = trailingMean(groupDaily, day, s.baselineDays);
    if (!atLeastTimes(spent, self, s.selfFactor) || !atLeastTimes(spent, group, s.groupFactor))
      continue;
    const last = candidateDays[candidateDays.length - 1]!;
    const series = eachDay(addDays(day, -s.baselineDays), last > day ? last : day).map((d) => ({
      day: d,
      micros: memberDaily.get(d) ?? 0n,
    }));
    return {
      day,
      spentMicros: spent,
      selfBaselineMicros: self,
      groupBaselineMicros: group,
      series,
    };
  }
  return null;
}
