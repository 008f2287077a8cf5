/**
 * Straight-line projection of spend to the period end, and the day a limit runs out at the
 * current pace. Integer arithmetic only (micro-units). The one implementation behind the
 * Overview, My usage, the Limits screen and alerts, so every screen shows the same day.
 */
import { addDays, daysBetween, type DayKey, type Period } from "./period";

/** Spend at period end if the pace so far continues. */
export function projectPeriodEnd(used: bigint, period: Period, today: DayKey): bigint {
  const elapsed = BigInt(
    Math.max(
      1,
      Math.min(daysBetween(period.start, today) + 1, daysBetween(period.start, period.end) + 1),
    ),
  );
  const total = BigInt(daysBetween(period.start, period.end) + 1);
  return (used * total) / elapsed;
}

/** The day the remaining budget runs out at the current pace; null if not within the period. */
export function projectedExhaustion(
  used: bigint,
  remaining: bigint | null,
  period: Period,
  today: DayKey,
): DayKey | null {
  if (remaining === null) return null;
  if (remaining <= 0n) return today;
  const elapsed = BigInt(Math.max(1, daysBetween(period.start, today) + 1));
  if (used <= 0n) return null;
  // days until used-per-day × n ≥ remaining, rounded up
  const days = (remaining * elapsed + used - 1n) / used;
  // compared as a number of days: a tiny pace against a big budget can put the day past year
  // 9999 ("+010000-…" sorts before "2027-…") or past what a Date holds (addDays would throw)
  if (days > BigInt(daysBetween(today, period.end))) return null;
  return addDays(today, Number(days));
}
