/**
 * Calendar days of the workspace timezone ↔ instants. A limit entered as "until
 * 2026-12-31" lasts to the end of that day where the workspace is, across DST changes.
 * Pure (no Prisma/Next): the period module decides periods; this only maps days to instants.
 */
import { TZDate } from "@date-fns/tz";
import { addDays, todayIn, type DayKey } from "../period";

/** The instant a calendar day begins in a timezone. */
export function startOfDayIn(day: DayKey, timezone: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, timezone).getTime());
}

/** The instant right after a calendar day ends (= start of the next day): an exclusive expiry. */
export function endOfDayIn(day: DayKey, timezone: string): Date {
  return startOfDayIn(addDays(day, 1), timezone);
}

/** The last calendar day an exclusive expiry still covers, as a person reads it. */
export function lastDayBefore(expiresAt: Date, timezone: string): DayKey {
  return todayIn(timezone, new Date(expiresAt.getTime() - 1));
}
