/**
 * A day range as the whole calendar months it covers plus the days at either edge, so the
 * member-grain queries read whole months from UsageMemberMonth and only the edge days from
 * the daily rollup. Pure.
 */
import { addDays, periodContaining, type DayKey, type Period } from "../period";

export interface MonthSplit {
  /** whole months inside the range, "YYYY-MM" bounds inclusive; null when none */
  months: { start: string; end: string } | null;
  /** the remaining days (0 to 2 ranges), each inside one month */
  days: Period[];
}

export function splitByMonths(range: Period): MonthSplit {
  const first = periodContaining(range.start, "MONTHLY");
  const last = periodContaining(range.end, "MONTHLY");
  const wholeStart = first.start === range.start ? first.start : addDays(first.end, 1);
  const wholeEnd = last.end === range.end ? last.end : addDays(last.start, -1);
  if (wholeStart > wholeEnd) return { months: null, days: [range] };
  const days: Period[] = [];
  if (range.start < wholeStart) days.push({ start: range.start, end: addDays(wholeStart, -1) });
  if (wholeEnd < range.end) days.push({ start: addDays(wholeEnd, 1), end: range.end });
  return { months: { start: monthKey(wholeStart), end: monthKey(wholeEnd) }, days };
}

export function monthKey(day: DayKey): string {
  return day.slice(0, 7);
}
