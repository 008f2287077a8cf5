/**
 * Month ends, a leap day and New Year, one millisecond before and at the boundary, in UTC
 * and in workspace timezones on both sides of it (New York, UTC−5 on all these dates;
 * Kiritimati, UTC+14). Expected values come from plain offset arithmetic and Date.UTC
 * month lengths (or are written out), never from the period functions under test.
 * The rules that ask these functions have their own boundary tests beside them:
 * limits/policy-active-boundaries, forecast/steady-boundaries,
 * enforce/vendor-month-boundaries, analytics/range-boundaries.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import {
  currentPeriod,
  daysBetween,
  daysLeft,
  endOfDayIn,
  lastDayBefore,
  periodContaining,
  periodLength,
  previousPeriod,
  startOfDayIn,
  todayIn,
  type Period,
} from "./period";

/** property tests: every fc.assert states its runs; this bound holds on a busy 2-core machine */
const PROPERTY_TIMEOUT_MS = 60_000;

const HOUR = 3_600_000;
const ZONES = [
  { tz: "UTC", offset: 0 },
  { tz: "America/New_York", offset: -5 }, // EST: DST starts 2027-03-14 / 2028-03-12, after every date here
  { tz: "Pacific/Kiritimati", offset: 14 },
] as const;

/** the calendar day at a fixed UTC offset, by arithmetic alone */
function dayAt(instant: Date, offsetHours: number): string {
  return new Date(instant.getTime() + offsetHours * HOUR).toISOString().slice(0, 10);
}

/** the instant a local calendar day begins at a fixed UTC offset */
function localMidnight(day: string, offsetHours: number): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) - offsetHours * HOUR);
}

/** the calendar month of a day, by Date.UTC (day 0 of the next month is this month's last) */
function monthOf(day: string): Period {
  const [y, m] = day.split("-").map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const mm = String(m).padStart(2, "0");
  return { start: `${y}-${mm}-01`, end: `${y}-${mm}-${String(last).padStart(2, "0")}` };
}

// [the last day before the boundary, the first day after it, the new month's length]
const BOUNDARIES = [
  ["2027-02-28", "2027-03-01", 31], // a 28-day February ends
  ["2027-01-31", "2027-02-01", 28], // a 31-day month ends
  ["2028-02-29", "2028-03-01", 31], // a leap February ends
  ["2026-12-31", "2027-01-01", 31], // New Year
] as const;

describe("month ends and New Year, 1 ms before and at local midnight", () => {
  for (const [last, first, newLength] of BOUNDARIES)
    for (const { tz, offset } of ZONES) {
      it(`${last} → ${first} in ${tz}`, () => {
        const boundary = localMidnight(first, offset);
        const before = new Date(boundary.getTime() - 1);
        expect(dayAt(before, offset)).toBe(last); // the oracle agrees with the table
        expect(todayIn(tz, before)).toBe(last);
        expect(todayIn(tz, boundary)).toBe(first);

        const old = currentPeriod("MONTHLY", tz, before);
        const next = currentPeriod("MONTHLY", tz, boundary);
        expect(old).toEqual(monthOf(last));
        expect(next).toEqual(monthOf(first));
        expect(old.end).toBe(last);
        expect(next.start).toBe(first);
        expect(previousPeriod(next, "MONTHLY")).toEqual(old);
        // days left, today included: the last day of a month is 1; the first of the next is its length
        expect(daysLeft(old, last)).toBe(1);
        expect(daysLeft(next, first)).toBe(newLength);
        expect(periodLength(next)).toBe(newLength);
        expect(currentPeriod("DAILY", tz, before)).toEqual({ start: last, end: last });
        expect(currentPeriod("DAILY", tz, boundary)).toEqual({ start: first, end: first });

        // "until <last day>" ends exactly at the boundary, wherever the workspace is
        expect(endOfDayIn(last, tz).getTime()).toBe(boundary.getTime());
        expect(startOfDayIn(first, tz).getTime()).toBe(boundary.getTime());
        expect(lastDayBefore(boundary, tz)).toBe(last);
      });
    }

  it("the leap day itself is no month end: Feb 28 → 29, 2028", () => {
    for (const { tz, offset } of ZONES) {
      const boundary = localMidnight("2028-02-29", offset);
      expect(todayIn(tz, new Date(boundary.getTime() - 1))).toBe("2028-02-28");
      const p = currentPeriod("MONTHLY", tz, boundary);
      expect(p).toEqual({ start: "2028-02-01", end: "2028-02-29" });
      expect(daysLeft(p, todayIn(tz, boundary))).toBe(1);
      expect(
        daysLeft(currentPeriod("MONTHLY", tz, new Date(boundary.getTime() - 1)), "2028-02-28"),
      ).toBe(2);
    }
  });

  it("an ISO week runs across New Year: Mon 2026-12-28 … Sun 2027-01-03", () => {
    const week = { start: "2026-12-28", end: "2027-01-03" };
    expect(new Date(Date.UTC(2026, 11, 28)).getUTCDay()).toBe(1); // a Monday
    for (const { tz, offset } of ZONES) {
      const boundary = localMidnight("2027-01-01", offset);
      expect(currentPeriod("WEEKLY", tz, new Date(boundary.getTime() - 1))).toEqual(week);
      expect(currentPeriod("WEEKLY", tz, boundary)).toEqual(week);
      expect(daysLeft(week, todayIn(tz, boundary))).toBe(3);
    }
    // the next week starts on the Monday after, the previous one ends on the Sunday before
    expect(periodContaining("2027-01-04", "WEEKLY")).toEqual({
      start: "2027-01-04",
      end: "2027-01-10",
    });
    expect(previousPeriod(week, "WEEKLY")).toEqual({ start: "2026-12-21", end: "2026-12-27" });
  });

  // the budget period is the month of the workspace's today: at 20:00 UTC on a month's last day
  // Kiritimati (UTC+14) is in the next month while UTC and America are not
  it.each([
    ["2026-11-30T20:00:00Z", "UTC", "2026-11-01", "2026-11-30"],
    ["2026-11-30T20:00:00Z", "Pacific/Kiritimati", "2026-12-01", "2026-12-31"],
    ["2026-12-31T20:00:00Z", "UTC", "2026-12-01", "2026-12-31"],
    ["2026-12-31T20:00:00Z", "America/New_York", "2026-12-01", "2026-12-31"],
    ["2026-12-31T20:00:00Z", "Pacific/Kiritimati", "2027-01-01", "2027-01-31"],
    // New York is still in December an hour after UTC's New Year
    ["2027-01-01T04:59:59.999Z", "America/New_York", "2026-12-01", "2026-12-31"],
    ["2026-01-31T20:00:00Z", "UTC", "2026-01-01", "2026-01-31"],
    ["2026-01-31T20:00:00Z", "Pacific/Kiritimati", "2026-02-01", "2026-02-28"],
    ["2028-03-01T05:00:00Z", "America/Los_Angeles", "2028-02-01", "2028-02-29"],
  ])("at %s the month in %s runs %s to %s", (instant, zone, start, end) => {
    expect(currentPeriod("MONTHLY", zone, new Date(instant))).toEqual({ start, end });
  });

  it(
    "any instant of 2026–2029: today is in its period, the period is its calendar month, days left add up",
    () => {
      const zone = fc.constantFrom(...ZONES);
      const instant = fc
        .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2029, 11, 31, 23, 59, 59, 999) })
        .map((t) => new Date(t));
      fc.assert(
        fc.property(zone, instant, ({ tz, offset }, t) => {
          // New York's offset is only fixed outside DST: check it where EST holds, UTC/Kiritimati always
          const month = new Date(t.getTime() + offset * HOUR).getUTCMonth();
          if (offset === -5 && month >= 2 && month <= 10) return;
          const today = todayIn(tz, t);
          expect(today).toBe(dayAt(t, offset));
          const p = currentPeriod("MONTHLY", tz, t);
          expect(p).toEqual(monthOf(today));
          expect(daysLeft(p, today) + daysBetween(p.start, today)).toBe(periodLength(p));
          // a millisecond later it is the same period, or the next one starts the day after this one ends
          const q = currentPeriod("MONTHLY", tz, new Date(t.getTime() + 1));
          if (q.start !== p.start) expect(daysBetween(p.end, q.start)).toBe(1);
        }),
        { numRuns: 500 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
