/**
 * A limit or grant at a period boundary: one that runs "until <last day>" is live up to the
 * last millisecond of that day in the workspace's timezone and not at the next day's
 * midnight; one starting on the first day is not live a millisecond early. The instants come
 * from endOfDayIn/startOfDayIn, which lib/core/period-boundaries.test.ts pins against plain
 * offset arithmetic at the same boundaries.
 */
import { describe, expect, it } from "vitest";

import { endOfDayIn, startOfDayIn } from "../core/period";
import { isPolicyActive } from "./resolve-effective-limit";

// [the last day before the boundary, the first day after it, a workspace timezone]
const EDGES = [
  ["2027-02-28", "2027-03-01", "UTC"], // a 28-day February ends
  ["2027-01-31", "2027-02-01", "America/New_York"], // a 31-day month ends, UTC−5
  ["2028-02-29", "2028-03-01", "Pacific/Kiritimati"], // a leap February ends, UTC+14
  ["2026-12-31", "2027-01-01", "America/New_York"], // New Year
  ["2026-12-31", "2027-01-01", "Pacific/Kiritimati"],
] as const;

describe("isPolicyActive at a period boundary, 1 ms before and at local midnight", () => {
  for (const [last, first, tz] of EDGES)
    it(`${last} → ${first} in ${tz}`, () => {
      const boundary = startOfDayIn(first, tz);
      const before = new Date(boundary.getTime() - 1);
      // "until <last day>" ends exactly at the boundary, wherever the workspace is
      expect(endOfDayIn(last, tz).getTime()).toBe(boundary.getTime());
      const until = { startsAt: null, expiresAt: endOfDayIn(last, tz) };
      expect(isPolicyActive(until, before)).toBe(true);
      expect(isPolicyActive(until, boundary)).toBe(false);
      // a grant starting on the first day is not live a millisecond early
      const from = { startsAt: startOfDayIn(first, tz), expiresAt: null };
      expect(isPolicyActive(from, before)).toBe(false);
      expect(isPolicyActive(from, boundary)).toBe(true);
    });

  it("New Year's midnight is a different instant in each timezone", () => {
    // written out: Kiritimati (UTC+14) is 14 h ahead of UTC, New York (UTC−5) 5 h behind
    const until = (tz: string) => ({ startsAt: null, expiresAt: endOfDayIn("2026-12-31", tz) });
    const at = new Date("2026-12-31T12:00:00Z");
    expect(isPolicyActive(until("Pacific/Kiritimati"), at)).toBe(false);
    expect(isPolicyActive(until("UTC"), at)).toBe(true);
    expect(isPolicyActive(until("America/New_York"), new Date("2027-01-01T04:59:59.999Z"))).toBe(
      true,
    );
    expect(isPolicyActive(until("America/New_York"), new Date("2027-01-01T05:00:00.000Z"))).toBe(
      false,
    );
  });
});
