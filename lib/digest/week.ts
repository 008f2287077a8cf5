/**
 * The digest's week, in UTC like every day key (lib/core/period.ts): ISO weeks from Monday. A
 * digest is keyed by the Monday of the week it is sent in, and reports the seven days
 * before it, so the week from Monday 28 December 2026 reports 21–27 December, and the
 * next one (Monday 4 January 2027) reports the week across New Year.
 */
import { addDays, periodContaining, toDayKey, type DayKey, type Period } from "../core/period";

export interface DigestWeek {
  /** the Monday (UTC) of the week the digest is sent in: its once-per-week key */
  weekStart: DayKey;
  /** the seven days it reports on: the week before */
  covered: Period;
}

export function digestWeek(now: Date): DigestWeek {
  const weekStart = periodContaining(toDayKey(now), "WEEKLY").start;
  return { weekStart, covered: { start: addDays(weekStart, -7), end: addDays(weekStart, -1) } };
}
