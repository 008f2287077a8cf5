/**
 * Month ends, a leap day and New Year, one millisecond before and at the boundary, in UTC
 * and in workspace timezones on both sides of it (New York, UTC−5 on all these dates;
 * Kiritimati, UTC+14). Expected values come from plain offset arithmetic and Date.UTC
 * month lengths (or are written out), never from the period functions under test.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { resolveRange } from "./analytics/range";
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
} from "./core/period";
import { endsWithVendorPeriod } from "./enforce/vendor-override";
import {
  steadyExhaustion as projectedExhaustion,
  steadyPeriodEnd as projectPeriodEnd,
} from "./forecast/steady";
import { isPolicyActive } from "./limits/resolve-effective-limit";

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
        expect(isPolicyActive({ startsAt: null, expiresAt: endOfDayIn(last, tz) }, before)).toBe(
          true,
        );
        expect(isPolicyActive({ startsAt: null, expiresAt: endOfDayIn(last, tz) }, boundary)).toBe(
          false,
        );
        // a grant starting on the first day is not live a millisecond early
        expect(isPolicyActive({ startsAt: startOfDayIn(first, tz), expiresAt: null }, before)).toBe(
          false,
        );
        expect(
          isPolicyActive({ startsAt: startOfDayIn(first, tz), expiresAt: null }, boundary),
        ).toBe(true);
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

  it("at 20:00 UTC on New Year's Eve Kiritimati is in January while New York and UTC are still in December", () => {
    const instant = new Date("2026-12-31T20:00:00Z");
    expect(currentPeriod("MONTHLY", "Pacific/Kiritimati", instant)).toEqual({
      start: "2027-01-01",
      end: "2027-01-31",
    });
    expect(currentPeriod("MONTHLY", "UTC", instant)).toEqual({
      start: "2026-12-01",
      end: "2026-12-31",
    });
    expect(currentPeriod("MONTHLY", "America/New_York", instant)).toEqual({
      start: "2026-12-01",
      end: "2026-12-31",
    });
    // and New York is still in December an hour after UTC's New Year
    expect(
      currentPeriod("MONTHLY", "America/New_York", new Date("2027-01-01T04:59:59.999Z")).end,
    ).toBe("2026-12-31");
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

describe("projection at a period's edges", () => {
  const feb27 = { start: "2027-02-01", end: "2027-02-28" };
  const feb28 = { start: "2028-02-01", end: "2028-02-29" };

  it("on the last day the pace has run the whole period: the projection is what was used", () => {
    expect(projectPeriodEnd(2_800n, feb27, "2027-02-28")).toBe(2_800n);
    expect(projectPeriodEnd(2_900n, feb28, "2028-02-29")).toBe(2_900n);
    // a day later (the period is over) it stays what was used
    expect(projectPeriodEnd(2_800n, feb27, "2027-03-01")).toBe(2_800n);
  });

  it("on the first day one day's spend is projected over the whole month", () => {
    expect(projectPeriodEnd(10n, { start: "2027-03-01", end: "2027-03-31" }, "2027-03-01")).toBe(
      310n,
    );
    expect(projectPeriodEnd(10n, { start: "2027-01-01", end: "2027-01-31" }, "2027-01-01")).toBe(
      310n,
    );
  });

  it("runs out on the leap day in 2028, and not within February 2027", () => {
    // 28 used in 28 days = 1/day; 1 left → gone by the end of the next day
    expect(projectedExhaustion(28n, 1n, feb28, "2028-02-28")).toBe("2028-02-29");
    expect(projectedExhaustion(28n, 1n, feb27, "2027-02-28")).toBeNull(); // March is another period
    expect(projectedExhaustion(28n, 0n, feb27, "2027-02-28")).toBe("2027-02-28"); // already used up
  });

  it("a tiny pace against a big budget on the first day runs out in no day of the period (not year 10000, no throw)", () => {
    const jan = { start: "2026-01-01", end: "2026-01-31" };
    // 1 micro-unit used on day 1 against $2.91 left: the day is 2,912,443 days on, in year 10000,
    // whose "+010000-…" key sorted before "2026-01-31" and was reported as this month's run-out day
    expect(projectedExhaustion(1n, 2_912_443n, jan, "2026-01-01")).toBeNull();
    // against $100 left it is past what a Date can hold: this threw a RangeError (budget check → 500)
    expect(projectedExhaustion(1n, 100_000_000n, jan, "2026-01-01")).toBeNull();
    expect(
      projectedExhaustion(1n, 10n ** 15n, { start: "2027-03-01", end: "2027-03-31" }, "2027-03-01"),
    ).toBeNull();
    // the last day that still fits is returned, the first one past the end is not
    expect(projectedExhaustion(1n, 30n, jan, "2026-01-01")).toBe("2026-01-31");
    expect(projectedExhaustion(1n, 31n, jan, "2026-01-01")).toBeNull();
  });

  it("a weekly period across New Year projects into January", () => {
    const week = { start: "2026-12-28", end: "2027-01-03" };
    // 4 days (Mon–Thu 31st) at 10/day: 70 by Sunday; 20 left lasts two more days
    expect(projectPeriodEnd(40n, week, "2026-12-31")).toBe(70n);
    expect(projectedExhaustion(40n, 20n, week, "2026-12-31")).toBe("2027-01-02");
    expect(projectedExhaustion(40n, 31n, week, "2026-12-31")).toBeNull();
  });

  it(
    "the run-out day is the first day the pace reaches the budget, never outside [today, period end]",
    () => {
      const day = fc
        .integer({ min: 0, max: 4 * 366 })
        .map((n) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
      fc.assert(
        fc.property(
          day,
          fc.bigInt({ min: 1n, max: 10n ** 12n }),
          fc.bigInt({ min: 1n, max: 10n ** 12n }),
          (today, pace, remaining) => {
            const p = monthOf(today);
            const elapsed = BigInt(daysBetween(p.start, today) + 1);
            // a steady spender (the forecast reduces to the pace so far): `pace` every day
            const used = pace * elapsed;
            const d = projectedExhaustion(used, remaining, p, today);
            // spend by the end of day x at the pace so far, compared without division: used × (elapsed + x − today) vs (used + remaining) × elapsed
            const reached = (x: string) =>
              used * (elapsed + BigInt(daysBetween(today, x))) >= (used + remaining) * elapsed;
            if (d === null) {
              expect(reached(p.end)).toBe(false);
              return;
            }
            expect(d > today && d <= p.end).toBe(true);
            expect(reached(d)).toBe(true);
            const dayBefore = new Date(Date.parse(`${d}T00:00:00Z`) - 86_400_000)
              .toISOString()
              .slice(0, 10);
            expect(reached(dayBefore)).toBe(false); // d is the first such day (the day before may be today)
          },
        ),
        { numRuns: 500 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe("the vendor's month (ChatGPT temporary overrides end at the 1st, 00:00 UTC)", () => {
  it("a grant until the end of February UTC ends with the vendor's month, seen on the 28th; on March 1st it is April's turn", () => {
    const monthEnd = endOfDayIn("2027-02-28", "UTC");
    expect(endsWithVendorPeriod(monthEnd, new Date("2027-02-28T23:59:59.999Z"))).toBe(true);
    expect(endsWithVendorPeriod(monthEnd, new Date("2027-03-01T00:00:00.000Z"))).toBe(false);
    expect(
      endsWithVendorPeriod(endOfDayIn("2028-02-29", "UTC"), new Date("2028-02-29T12:00:00Z")),
    ).toBe(true);
  });

  it("across New Year, and not for a workspace whose day ends at another instant", () => {
    expect(
      endsWithVendorPeriod(endOfDayIn("2026-12-31", "UTC"), new Date("2026-12-31T23:59:59Z")),
    ).toBe(true);
    // New York's Feb 28 ends at 05:00 UTC: the vendor cannot expire that itself (Allotment reverts it)
    expect(
      endsWithVendorPeriod(
        endOfDayIn("2027-02-28", "America/New_York"),
        new Date("2027-02-28T12:00:00Z"),
      ),
    ).toBe(false);
    expect(
      endsWithVendorPeriod(
        endOfDayIn("2026-12-31", "Pacific/Kiritimati"),
        new Date("2026-12-31T05:00:00Z"),
      ),
    ).toBe(false);
  });
});

describe("analytics ranges on the last and first day of a period", () => {
  it("this period on Feb 28 is the whole month, compared with as many days before", () => {
    const r = resolveRange({ range: "period" }, "MONTHLY", "2027-02-28");
    expect([r.start, r.end]).toEqual(["2027-02-01", "2027-02-28"]);
    expect(r.toDate).toEqual({ start: "2027-02-01", end: "2027-02-28" });
    expect(r.previous).toEqual({ start: "2027-01-04", end: "2027-01-31" });
  });

  it("this period on March 1 is one day so far, compared with Feb 28", () => {
    const r = resolveRange({ range: "period" }, "MONTHLY", "2027-03-01");
    expect([r.start, r.end]).toEqual(["2027-03-01", "2027-03-31"]);
    expect(r.toDate).toEqual({ start: "2027-03-01", end: "2027-03-01" });
    expect(r.previous).toEqual({ start: "2027-02-28", end: "2027-02-28" });
  });

  it("on New Year's Day the last period is December, and this week started in December", () => {
    const last = resolveRange({ range: "last-period" }, "MONTHLY", "2027-01-01");
    expect([last.start, last.end]).toEqual(["2026-12-01", "2026-12-31"]);
    expect(last.previous).toEqual({ start: "2026-10-31", end: "2026-11-30" });
    const week = resolveRange({ range: "period" }, "WEEKLY", "2027-01-01");
    expect([week.start, week.end]).toEqual(["2026-12-28", "2027-01-03"]);
    expect(week.toDate).toEqual({ start: "2026-12-28", end: "2027-01-01" });
    expect(week.previous).toEqual({ start: "2026-12-23", end: "2026-12-27" });
  });
});
