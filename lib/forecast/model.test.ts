import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { addDays, eachDay, periodContaining, type DayKey, type Period } from "../core/period";
// the simulator's seeded generator (mulberry32) and standard normal: the same draws every run
import { normal, rng } from "../ingest/simulator/random";
import {
  forecast,
  LOOKBACK_DAYS,
  NOMINAL_COVERAGE_PCT,
  perMember,
  runOutRange,
  weekdayOf,
  type DailyHistory,
} from "./model";

const M = 1_000_000n;
/** property tests: each states its runs; this bound holds on a busy 2-core machine */
const PROPERTY_TIMEOUT = 60_000;

/** a history of `days` days before `today` from a per-weekday amount (Monday = 0) */
function weekly(today: DayKey, perWeekday: bigint[], days = LOOKBACK_DAYS): Map<DayKey, bigint> {
  const h = new Map<DayKey, bigint>();
  for (let i = 1; i <= days; i++) {
    const d = addDays(today, -i);
    h.set(d, perWeekday[weekdayOf(d)]!);
  }
  return h;
}

function spentIn(h: DailyHistory, period: Period, today: DayKey): bigint {
  return eachDay(period.start, today).reduce((a, d) => a + (h.get(d) ?? 0n), 0n);
}

/**
 * A spender's days from `from` to `to`: a level of their own, quiet weekends, idle on ~15 %
 * of days, a model mix that makes some days 4× dearer, day noise, and (ar > 0) a mood that
 * lasts for days — what the band has to cover.
 */
function spender(
  seed: number,
  from: DayKey,
  to: DayKey,
  { ar = 0.7, level }: { ar?: number; level?: number } = {},
): Map<DayKey, bigint> {
  const r = rng(seed);
  const base = level ?? 5e6 * Math.exp(normal(r) * 0.8);
  const week = [1, 1, 1, 1, 1, 0.15, 0.05];
  const h = new Map<DayKey, bigint>();
  let mood = 0;
  for (const d of eachDay(from, to)) {
    mood = ar * mood + Math.sqrt(1 - ar * ar) * normal(r) * 0.3;
    if (r() > 0.85) continue;
    const mix = [0.3, 1, 1, 4][Math.floor(r() * 4)]!;
    const v = base * week[weekdayOf(d)]! * Math.exp(mood + normal(r) * 0.35) * mix;
    h.set(d, BigInt(Math.round(v)));
  }
  return h;
}

/** Forecasts K days into each subject's month, from what was known then; inside/above shares. */
function coverage(
  subjects: number,
  K: number,
  make: (i: number, period: Period) => { own: Map<DayKey, bigint>; fallback?: DailyHistory },
) {
  let inside = 0;
  let above = 0;
  for (let i = 0; i < subjects; i++) {
    const period = periodContaining(["2026-03-01", "2026-05-01", "2026-08-01"][i % 3]!, "MONTHLY");
    const today = addDays(period.start, K - 1);
    const { own, fallback } = make(i, period);
    const known = new Map([...own].filter(([d]) => d <= today));
    const f = forecast({
      history: known,
      spentMicros: spentIn(own, period, today),
      period,
      today,
      fallback,
    });
    const actual = spentIn(own, period, period.end);
    if (f.lowMicros <= actual && actual <= f.highMicros) inside++;
    if (actual > f.highMicros) above++;
  }
  return { insidePct: (100 * inside) / subjects, abovePct: (100 * above) / subjects };
}

describe("forecast", () => {
  it("weekdayOf counts from Monday", () => {
    expect(weekdayOf("2026-11-16")).toBe(0); // a Monday
    expect(weekdayOf("2026-11-22")).toBe(6);
    expect(weekdayOf("1969-12-31")).toBe(2); // before the epoch Monday too
  });

  it("zero history forecasts zero, with no band", () => {
    const period = periodContaining("2026-11-18", "MONTHLY");
    const f = forecast({ history: new Map(), spentMicros: 0n, period, today: "2026-11-18" });
    expect([f.lowMicros, f.midMicros, f.highMicros]).toEqual([0n, 0n, 0n]);
    expect(f.source).toBe("none");
    expect(runOutRange(f, 100n * M)).toBeNull();
  });

  it("a steady history forecasts its pace exactly, with a tight band", () => {
    const today = "2026-11-18";
    const h = weekly(today, Array(7).fill(10n * M));
    const period = periodContaining(today, "MONTHLY");
    const spent = spentIn(h, period, today); // 17 days × 10
    const f = forecast({ history: h, spentMicros: spent, period, today });
    // 13 days to come (today's 10 has not arrived yet)
    expect(f.midMicros).toBe(170n * M + 130n * M);
    expect(f.lowMicros).toBe(f.midMicros);
    expect(f.highMicros).toBe(f.midMicros);
    expect(f.days).toHaveLength(12);
  });

  it("learns the weekday pattern: an idle-weekend history forecasts less for a weekend-heavy rest", () => {
    // both subjects spend 50 a week; one only on weekdays, one every day
    const today = "2026-11-27"; // a Friday; Sat 28, Sun 29, Mon 30 remain
    const period = periodContaining(today, "MONTHLY");
    const weekdaysOnly = weekly(
      today,
      [10n, 10n, 10n, 10n, 10n, 0n, 0n].map((x) => x * M),
    );
    const flat = weekly(today, Array(7).fill(50_000_000n / 7n));
    const fw = forecast({ history: weekdaysOnly, spentMicros: 0n, period, today });
    const ff = forecast({ history: flat, spentMicros: 0n, period, today });
    // Fri + Mon = 20 for the weekday worker, 4 × 7.14 = 28.57 for the flat one
    expect(fw.midMicros).toBe(20n * M);
    expect(ff.midMicros).toBeGreaterThan(fw.midMicros);
    expect(fw.days.map((d) => d.midMicros)).toEqual([0n, 0n, 10n * M]);
  });

  it("falls back to the group's history when the own one is short, not when it is empty", () => {
    const today = "2026-11-18";
    const period = periodContaining(today, "MONTHLY");
    const group = weekly(today, Array(7).fill(4n * M));
    const short = new Map([[addDays(today, -1), 40n * M]]);
    const f = forecast({ history: short, spentMicros: 40n * M, period, today, fallback: group });
    expect(f.source).toBe("group");
    expect(f.midMicros).toBe(40n * M + 13n * 4n * M);
    const none = forecast({ history: new Map(), spentMicros: 0n, period, today, fallback: group });
    expect(none.source).toBe("none");
    expect(none.midMicros).toBe(0n);
  });

  it(
    "the band is calibrated: about its nominal share of actual period ends fall inside it",
    () => {
      expect(NOMINAL_COVERAGE_PCT).toBe(80);
      // 300 generated spenders, forecast on the 1st, the 7th and the 14th of their month;
      // the earlier band (percentiles of in-sample residuals) held 45–60 % here
      for (const K of [1, 7, 14]) {
        const c = coverage(300, K, (i, period) => ({
          own: spender(7_000 + i, addDays(period.start, -LOOKBACK_DAYS - 7), period.end),
        }));
        expect(c.insidePct).toBeGreaterThanOrEqual(NOMINAL_COVERAGE_PCT - 8);
        expect(c.insidePct).toBeLessThanOrEqual(NOMINAL_COVERAGE_PCT + 10);
        // alerts fire on the high side: it may not be missed much more than its 10 %
        expect(c.abovePct).toBeLessThanOrEqual(15);
      }
    },
    PROPERTY_TIMEOUT,
  );

  it("the band is weekday-adjusted: a rest of period that is all weekend for a weekday worker has none", () => {
    const today = "2026-11-21"; // a Saturday; the ISO week ends tomorrow
    const r = rng(3);
    const h = new Map<DayKey, bigint>();
    for (let i = 1; i <= LOOKBACK_DAYS; i++) {
      const d = addDays(today, -i);
      if (weekdayOf(d) < 5) h.set(d, BigInt(Math.round(1e7 * (0.5 + r()))));
    }
    const week = periodContaining(today, "WEEKLY");
    const spent = 42n * M;
    const weekend = forecast({ history: h, spentMicros: spent, period: week, today });
    expect([weekend.lowMicros, weekend.midMicros, weekend.highMicros]).toEqual([
      spent,
      spent,
      spent,
    ]);
    // the same history from a Monday: five working days to come, a real band
    const monday = forecast({
      history: h,
      spentMicros: 0n,
      period: periodContaining("2026-11-16", "WEEKLY"),
      today: "2026-11-16",
    });
    expect(monday.lowMicros).toBeLessThan(monday.midMicros);
    expect(monday.highMicros).toBeGreaterThan(monday.midMicros);
  });

  it(
    "a member with a short history borrows the group's, and its band is as wide as one person's",
    () => {
      // 200 newcomers, each in a group of 20 alike people; the group's history per member is
      // an average, ~√20 times steadier than any one of them
      const c = coverage(200, 7, (i, period) => {
        const from = addDays(period.start, -LOOKBACK_DAYS - 7);
        const level = 5e6;
        const group = new Map<DayKey, bigint>();
        for (let j = 0; j < 20; j++)
          for (const [d, v] of spender(90_000 + i * 20 + j, from, period.end, { level }))
            group.set(d, (group.get(d) ?? 0n) + v);
        const own = spender(50_000 + i, from, period.end, { level });
        // joined three days before the period: only those days are their own
        const joined = addDays(period.start, -3);
        for (const d of [...own.keys()]) if (d < joined) own.delete(d);
        const known = new Map([...group].filter(([d]) => d < addDays(period.start, 6)));
        return { own, fallback: perMember(known, 20) };
      });
      expect(c.insidePct).toBeGreaterThanOrEqual(NOMINAL_COVERAGE_PCT - 10);
      expect(c.insidePct).toBeLessThanOrEqual(97);
    },
    PROPERTY_TIMEOUT,
  );

  it("crosses a month end and New Year: the weeks before count, the period ends on Dec 31", () => {
    const today = "2026-12-30"; // Wednesday
    const period = periodContaining(today, "MONTHLY");
    expect(period.end).toBe("2026-12-31");
    const h = weekly(
      today,
      [1n, 2n, 3n, 4n, 5n, 6n, 7n].map((x) => x * M),
    );
    const f = forecast({ history: h, spentMicros: 0n, period, today });
    expect(f.midMicros).toBe(3n * M + 4n * M); // Wednesday + Thursday
    expect(f.days.map((d) => d.day)).toEqual(["2026-12-31"]);
    // the first day of January: a fresh period, history from December
    const jan = forecast({
      history: h,
      spentMicros: 0n,
      period: periodContaining("2027-01-01", "WEEKLY"),
      today: "2027-01-01", // a Friday; the ISO week ends Sunday Jan 3
    });
    expect(jan.midMicros).toBe(5n * M + 6n * M + 7n * M);
  });

  it("the run-out range runs from the high side to the low side", () => {
    const today = "2026-11-02"; // Monday, 29 days left
    const period = periodContaining(today, "MONTHLY");
    // a deterministic noisy history: a real spread
    const h = new Map<DayKey, bigint>();
    let seed = 7;
    for (let i = 1; i <= LOOKBACK_DAYS; i++) {
      seed = (seed * 48271) % 2147483647;
      h.set(addDays(today, -i), BigInt(seed % 20) * M);
    }
    const f = forecast({ history: h, spentMicros: 0n, period, today });
    expect(f.lowMicros).toBeLessThan(f.midMicros);
    expect(f.highMicros).toBeGreaterThan(f.midMicros);
    const r = runOutRange(f, 200n * M)!;
    expect(r).not.toBeNull();
    expect(r.earliest <= r.likely!).toBe(true);
    expect(r.latest === null || r.likely! <= r.latest).toBe(true);
    // already over the limit: today on every side
    expect(runOutRange({ ...f, spentMicros: 300n * M }, 200n * M)).toEqual({
      earliest: today,
      latest: today,
      likely: today,
    });
    expect(runOutRange(f, null)).toBeNull();
  });

  const day = fc
    .integer({ min: 0, max: 3 * 366 })
    .map((n) => addDays("2025-01-01", n))
    .filter((d) => d.length === 10);
  const histories = fc.array(fc.bigInt({ min: -5n * M, max: 500n * M }), {
    minLength: 0,
    maxLength: LOOKBACK_DAYS + 31,
  });

  it(
    "low ≤ mid ≤ high, and the band contains the spend so far (any history, period, day)",
    () => {
      fc.assert(
        fc.property(
          day,
          histories,
          fc.constantFrom("MONTHLY", "WEEKLY", "DAILY" as const),
          fc.option(histories, { nil: null }),
          (today, values, kind, fbValues) => {
            const toHistory = (vs: bigint[]) =>
              new Map(vs.map((v, i) => [addDays(today, -i), v] as const));
            const h = toHistory(values);
            const period = periodContaining(today, kind);
            const spent = spentIn(h, period, today);
            const f = forecast({
              history: h,
              spentMicros: spent,
              period,
              today,
              fallback: fbValues ? toHistory(fbValues) : null,
            });
            const floor = spent > 0n ? spent : 0n;
            expect(f.lowMicros).toBeGreaterThanOrEqual(floor);
            expect(f.midMicros).toBeGreaterThanOrEqual(f.lowMicros);
            expect(f.highMicros).toBeGreaterThanOrEqual(f.midMicros);
            for (const d of f.days) {
              expect(d.lowMicros <= d.midMicros && d.midMicros <= d.highMicros).toBe(true);
              expect(d.lowMicros >= 0n).toBe(true);
            }
            const limit = spent + 100n * M;
            const r = runOutRange(f, limit);
            if (f.highMicros < limit) expect(r).toBeNull();
            if (r) {
              expect(r.earliest >= today && r.earliest <= period.end).toBe(true);
              if (r.latest) expect(r.earliest <= r.latest).toBe(true);
              if (f.lowMicros >= limit) expect(r.latest).not.toBeNull();
            }
          },
        ),
        { numRuns: 300, seed: 20 },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    "an all-zero history forecasts zero whatever the period",
    () => {
      fc.assert(
        fc.property(day, fc.constantFrom("MONTHLY", "WEEKLY", "DAILY" as const), (today, kind) => {
          const h = new Map(
            Array.from({ length: LOOKBACK_DAYS }, (_, i) => [addDays(today, -i), 0n] as const),
          );
          const f = forecast({
            history: h,
            spentMicros: 0n,
            period: periodContaining(today, kind),
            today,
          });
          expect([f.lowMicros, f.midMicros, f.highMicros]).toEqual([0n, 0n, 0n]);
        }),
        { numRuns: 100, seed: 17 },
      );
    },
    PROPERTY_TIMEOUT,
  );
});
