/**
 * The steady projection at a period's edges: the last and first day of a month, a leap
 * February, a weekly period across New Year, and a property test that the run-out day is
 * the first day the pace reaches the budget. Expected figures are written out or compared
 * by multiplication, never from the functions under test (the period edges themselves are
 * pinned in lib/core/period-boundaries.test.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { daysBetween, periodContaining } from "../core/period";
import {
  steadyExhaustion as projectedExhaustion,
  steadyPeriodEnd as projectPeriodEnd,
} from "./steady";

/** property tests: every fc.assert states its runs; this bound holds on a busy 2-core machine */
const PROPERTY_TIMEOUT_MS = 60_000;

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
            const p = periodContaining(today, "MONTHLY");
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
