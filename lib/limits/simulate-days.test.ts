/**
 * The simulator's reading of packed member days (simulate.ts: rows of "amount,amount,…", one
 * per member, month and counted amount, from the period's day `at`): summing as doubles
 * without a string or bigint per day gives exactly the bigint reading of the same rows, falls
 * back to it where a double would not be exact, and carries the current period to its end
 * the same way.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { eachDay } from "../core/period";
import { addPackedDays, cumulativeDays, type PackedDays } from "./simulate";
import { extendAtPace } from "./simulate-core";

const PERIODS: [string, string][] = [
  ["2026-11-01", "2026-11-30"], // a month
  ["2026-02-01", "2026-02-28"],
  ["2026-12-28", "2027-01-03"], // a week across the year's end
  ["2026-03-30", "2026-04-05"], // a week across a month's end
  ["2026-07-14", "2026-07-14"], // a day
];

const amount = fc.oneof(
  { weight: 8, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 12n }) },
  { weight: 2, arbitrary: fc.bigInt({ min: -(10n ** 9n), max: 0n }) }, // refunds
  { weight: 1, arbitrary: fc.bigInt({ min: 10n ** 13n, max: 10n ** 18n }) }, // too long for a double
);

/** Members' rows as the database packs them: for each member and each amount a limit counts, one row per month of the period. */
const history = fc
  .record({
    period: fc.constantFrom(...PERIODS),
    members: fc.array(
      fc.record({
        metrics: fc.integer({ min: 1, max: 2 }),
        amounts: fc.array(fc.array(amount, { minLength: 31, maxLength: 31 }), {
          minLength: 2,
          maxLength: 2,
        }),
      }),
      { maxLength: 6 },
    ),
  })
  .map(({ period, members }) => {
    const days = eachDay(...period);
    const rows: (PackedDays["rows"][number] & { at: number })[] = [];
    const expected = new Map<string, bigint[]>();
    members.forEach((member, k) => {
      const id = `m${k}`;
      const daily = days.map(() => 0n);
      for (let metric = 0; metric < member.metrics; metric++) {
        const values = member.amounts[metric]!;
        // one row per month of the period, its days side by side
        let at = 0;
        while (at < days.length) {
          let end = at;
          while (end < days.length && days[end]!.slice(0, 7) === days[at]!.slice(0, 7)) end++;
          rows.push({ m: id, s: values.slice(at, end).join(","), at });
          for (let i = at; i < end; i++) daily[i]! += values[i]!;
          at = end;
        }
      }
      for (let i = 1; i < daily.length; i++) daily[i]! += daily[i - 1]!;
      expected.set(id, daily);
    });
    // in any order, some months' rows apart, some together
    const parts: PackedDays[] = rows.reverse().map(({ at, ...r }) => ({ at, rows: [r] }));
    return { days, parts, expected };
  });

describe("reading members' packed days", () => {
  it("sums to the same cumulative series as the bigint reading, whatever the figures", () => {
    fc.assert(
      fc.property(history, ({ days, parts, expected }) => {
        const read = cumulativeDays(parts, days.length, null);
        expect(new Map([...read].map(([id, s]) => [id, Array.from(s)]))).toEqual(expected);
      }),
      { numRuns: 500, seed: 2020 },
    );
  });

  it("carries the current period to its end from the same series", () => {
    fc.assert(
      fc.property(history, fc.nat(), ({ days, parts, expected }, today) => {
        const t = today % days.length;
        const read = cumulativeDays(parts, days.length, (cum) => extendAtPace(cum, t));
        for (const [id, cum] of expected)
          expect(Array.from(read.get(id)!)).toEqual(extendAtPace(cum, t));
      }),
      { numRuns: 200, seed: 2020 },
    );
  });

  it("reads a worked example", () => {
    const daily = new Float64Array(6);
    expect(addPackedDays("1500000,0,-20", daily, 1)).toBe(true);
    expect([...daily]).toEqual([0, 1_500_000, 0, -20, 0, 0]);
    expect(addPackedDays("123456789012345", daily, 0)).toBe(false); // 15 digits
    const parts: PackedDays[] = [
      {
        at: 0,
        rows: [
          { m: "a", s: "5,0,7" },
          { m: "a", s: "0,0,0,2" }, // seat estimates
          { m: "b", s: "9007199254740993,1" }, // beyond a double: read exactly
        ],
      },
      { at: 3, rows: [{ m: "a", s: "1" }] }, // the next month
      { at: 1, rows: [{ m: "c", s: "-5,-4294967296,99999999999999" }] }, // both words of an int64
    ];
    const read = cumulativeDays(parts, 4, null);
    expect(Array.from(read.get("a")!)).toEqual([5n, 5n, 12n, 15n]);
    expect(Array.from(read.get("b")!)).toEqual([
      9007199254740993n,
      9007199254740994n,
      9007199254740994n,
      9007199254740994n,
    ]);
    expect(Array.from(read.get("c")!)).toEqual([0n, -5n, -4_294_967_301n, 99_995_705_032_698n]);
  });
});
