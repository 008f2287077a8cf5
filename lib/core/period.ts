/**
 * Budget periods and day keys. Every date here is a "YYYY-MM-DD" UTC day key; a bucket
 * belongs to the period that contains its UTC date. The workspace timezone only decides
 * what "today" is for a person, and where a calendar day begins and ends for limits that
 * run "until <day>". All period math in the app goes through this module.
 */
import { TZDate } from "@date-fns/tz";
import { z } from "zod";

export type BudgetPeriod = "MONTHLY" | "WEEKLY" | "DAILY";
export type DayKey = string;

export interface Period {
  /** first day, inclusive */
  start: DayKey;
  /** last day, inclusive */
  end: DayKey;
}

const DAY_MS = 86_400_000;
const DAY_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDayKey(value: string): boolean {
  const m = DAY_KEY.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return toDayKey(d) === value;
}

/**
 * The one schema of a day key at every boundary (bodies, queries, files, provider pages): a
 * "YYYY-MM-DD" that exists on the calendar (2026-02-31 is refused). The message may be
 * worded for its audience.
 */
export function dayKeySchema(message = "must be a real date YYYY-MM-DD") {
  return z.string().max(10, message).refine(isDayKey, message);
}

function toEpochDays(day: DayKey): number {
  const m = DAY_KEY.exec(day);
  if (!m) throw new RangeError(`not a day key: ${day}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

function fromEpochDays(n: number): DayKey {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC day of an instant. */
export function toDayKey(instant: Date): DayKey {
  return instant.toISOString().slice(0, 10);
}

/** Midnight UTC at the start of a day. */
export function dayStart(day: DayKey): Date {
  return new Date(toEpochDays(day) * DAY_MS);
}

export function addDays(day: DayKey, n: number): DayKey {
  return fromEpochDays(toEpochDays(day) + n);
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: DayKey, b: DayKey): number {
  return toEpochDays(b) - toEpochDays(a);
}

/** Every day from start to end inclusive. */
export function eachDay(start: DayKey, end: DayKey): DayKey[] {
  const out: DayKey[] = [];
  for (let n = toEpochDays(start), last = toEpochDays(end); n <= last; n++)
    out.push(fromEpochDays(n));
  return out;
}

// Building an Intl.DateTimeFormat costs far more than using one (it showed up in the
// budget check's profile), so there is one per timezone.
const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(timezone: string): Intl.DateTimeFormat {
  let f = dayFormats.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone: timezone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    dayFormats.set(timezone, f);
  }
  return f;
}

/** The calendar date of an instant in an IANA timezone: what "today" means to a person. */
export function todayIn(timezone: string, now: Date): DayKey {
  const parts = dayFormat(timezone).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** The budget period containing a day. Weeks start on Monday (ISO). */
export function periodContaining(day: DayKey, period: BudgetPeriod): Period {
  if (period === "DAILY") return { start: day, end: day };
  if (period === "WEEKLY") {
    const n = toEpochDays(day);
    const weekday = (new Date(n * DAY_MS).getUTCDay() + 6) % 7; // Monday = 0
    return { start: fromEpochDays(n - weekday), end: fromEpochDays(n - weekday + 6) };
  }
  const [y, m] = day.split("-").map(Number) as [number, number];
  const start = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-01`;
  const nextMonth = new Date(Date.UTC(y, m, 1)); // month index m = next month
  return { start, end: addDays(toDayKey(nextMonth), -1) };
}

export function previousPeriod(current: Period, period: BudgetPeriod): Period {
  return periodContaining(addDays(current.start, -1), period);
}

/** The period a person is in right now, given the workspace timezone. */
export function currentPeriod(period: BudgetPeriod, timezone: string, now: Date): Period {
  return periodContaining(todayIn(timezone, now), period);
}

export function periodLength(p: Period): number {
  return daysBetween(p.start, p.end) + 1;
}

/** Days left in the period including today. */
export function daysLeft(p: Period, today: DayKey): number {
  return Math.max(0, daysBetween(today, p.end) + 1);
}

/** The equal-length range right before [start, end], for "change vs previous period". */
export function precedingRange(range: Period): Period {
  const len = periodLength(range);
  return { start: addDays(range.start, -len), end: addDays(range.start, -1) };
}

/** The instant a calendar day begins in a timezone (DST-aware). */
export function startOfDayIn(day: DayKey, timezone: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, timezone).getTime());
}

/** The instant right after a calendar day ends in a timezone: an exclusive expiry for "until <day>". */
export function endOfDayIn(day: DayKey, timezone: string): Date {
  return startOfDayIn(addDays(day, 1), timezone);
}

/** The last calendar day an exclusive expiry still covers, as a person in that timezone reads it. */
export function lastDayBefore(expiresAt: Date, timezone: string): DayKey {
  return todayIn(timezone, new Date(expiresAt.getTime() - 1));
}
