/**
 * A day range as pieces of whole calendar months (UsageMemberMonth) and days (the daily
 * rollup), so member-grain queries read as few rows as they can. Pure.
 */
import { addDays, daysBetween, periodContaining, type DayKey, type Period } from "../core/period";

export function monthKey(day: DayKey): string {
  return day.slice(0, 7);
}

/** A day range read either from the monthly rollup (a whole month) or the daily one, added or taken away. */
export interface SignedPeriod {
  range: Period;
  sign: 1 | -1;
  monthly: boolean;
}

/**
 * What reading one month from the monthly rollup costs, in days of the daily rollup. On the
 * reference dataset a month is ~5 days of daily rows and is read ~3× faster per row (a
 * contiguous key range, no table look-ups), so ~2 days; rounded up to stay conservative.
 */
const MONTH_COST_DAYS = 3;

/** Days of `p` up to `today`: later days hold no usage yet, so reading them costs nothing. */
function pastDays(p: Period, today: DayKey): number {
  if (p.start > today) return 0;
  return daysBetween(p.start, p.end < today ? p.end : today) + 1;
}

/**
 * `range` as signed pieces whose days add up to each day of the range exactly once: whole
 * months from the monthly rollup; a partial month either as its own days or, when that
 * reads fewer rows, as the whole month minus the days outside the range (the days after
 * today being free, "this month so far" is the month minus nothing). Which one is chosen
 * only changes the cost, never the sums. Pure.
 */
export function signedPieces(range: Period, today: DayKey): SignedPeriod[] {
  const out: SignedPeriod[] = [];
  for (
    let m = periodContaining(range.start, "MONTHLY");
    m.start <= range.end;
    m = periodContaining(addDays(m.end, 1), "MONTHLY")
  ) {
    const inside = {
      start: range.start > m.start ? range.start : m.start,
      end: range.end < m.end ? range.end : m.end,
    };
    if (inside.start === m.start && inside.end === m.end) {
      out.push({ range: m, sign: 1, monthly: true });
      continue;
    }
    const outside: Period[] = [];
    if (inside.start > m.start) outside.push({ start: m.start, end: addDays(inside.start, -1) });
    if (inside.end < m.end) outside.push({ start: addDays(inside.end, 1), end: m.end });
    const subtractCost = MONTH_COST_DAYS + outside.reduce((s, p) => s + pastDays(p, today), 0);
    if (subtractCost < pastDays(inside, today)) {
      out.push({ range: m, sign: 1, monthly: true });
      for (const p of outside) out.push({ range: p, sign: -1, monthly: false });
    } else out.push({ range: inside, sign: 1, monthly: false });
  }
  return out;
}
