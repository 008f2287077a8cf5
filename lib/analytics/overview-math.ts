/** Projection and run-out date at the pace so far: pure integer math on micro-units. */
import { addDays, daysBetween, type Period } from "../period";

/** Straight-line projection: spend so far plus the average day so far for each remaining day. */
export function projectToPeriodEnd(spent: bigint, period: Period, today: string): bigint {
  const elapsed = BigInt(Math.max(1, daysBetween(period.start, today) + 1));
  const remaining = BigInt(Math.max(0, daysBetween(today, period.end)));
  return spent + (spent * remaining) / elapsed;
}

/**
 * The first day on which spend reaches `limit` at the average daily pace so far; null when
 * the pace is zero or the day lies after the period. Today when already at or over it.
 */
export function runOutDay(spent: bigint, limit: bigint, period: Period, today: string): string | null {
  if (spent >= limit) return today;
  const elapsed = BigInt(Math.max(1, daysBetween(period.start, today) + 1));
  if (spent === 0n) return null;
  // days needed from period start: ceil(limit * elapsed / spent); day index is 1-based
  const needed = (limit * elapsed + spent - 1n) / spent;
  const day = addDays(period.start, Number(needed) - 1);
  return day > period.end ? null : day;
}
