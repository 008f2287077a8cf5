/**
 * The simulator's replay in doubles (simulate-core.ts NUMERIC_MAX): a series is read as
 * numbers only while every value is within ±2^52 micro-units, where doubles and their sums or
 * differences of two are exact; beyond it a member is replayed with bigints, so money stays
 * exact whatever the figures.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { eachDay } from "../core/period";
import { policyInput } from "./policy-builder";
import { cumulativeDays, type PackedDays } from "./simulate";
import {
  cumulate,
  extendAtPace,
  NUMERIC_MAX,
  numericSeries,
  replayPeriod,
  withNumbers,
  type MemberReplay,
  type ReplayMember,
  type ReplayPeriod,
} from "./simulate-core";

const DAYS = eachDay("2026-11-01", "2026-11-30");
const INSTANTS = DAYS.map((d) => new Date(`${d}T23:59:59.999Z`));
const MAX = BigInt(NUMERIC_MAX);

/** a member spending `perDay` every day */
function steady(id: string, perDay: bigint): bigint[] {
  return cumulate(DAYS, new Map(DAYS.map((d) => [d, perDay])));
}

describe("the simulator's replay in doubles", () => {
  it("reads a series as numbers only within ±2^52 micro-units", () => {
    expect(NUMERIC_MAX).toBe(2 ** 52);
    // an integer of magnitude ≤ 2^53 is a double exactly: within the bound, so is a difference of two
    expect(Number.isSafeInteger(NUMERIC_MAX - -NUMERIC_MAX - 1)).toBe(true);
    expect(Array.from(numericSeries([0n, 5n, -MAX, MAX])!)).toEqual([
      0,
      5,
      -NUMERIC_MAX,
      NUMERIC_MAX,
    ]);
    expect(numericSeries([0n, MAX + 1n])).toBeNull();
    expect(numericSeries([-MAX - 1n])).toBeNull();
    // numbers handed over with a series are kept only when each is an integer within the bound
    const huge = [1n, 2n ** 60n];
    withNumbers(huge, new Float64Array([1, 2 ** 60]));
    expect(numericSeries(huge)).toBeNull();
    const fine = [1n, 2n];
    const numbers = new Float64Array([1, 2]);
    expect(numericSeries(withNumbers(fine, numbers))).toBe(numbers);
    const off = [3n];
    withNumbers(off, new Float64Array([3.5]));
    expect(Array.from(numericSeries(off)!)).toEqual([3]);
  });

  it("replays a class with a member beyond the bound exactly, as one by one", () => {
    // one group with a per-person limit and a pool; 40 people (a class), one of them spending
    // beyond what a double holds exactly over the period, with a limit that refuses them mid-period
    const group = { id: "g", name: "Team" };
    const big = 2n ** 53n / 10n + 3n; // a day's spend: the period's total passes 2^53
    const policies = [
      policyInput({
        scope: "GROUP",
        groupId: "g",
        amountMicros: 15n * big + 1n,
        poolCapMicros: 2n ** 62n,
      }),
    ];
    const groups = [group];
    const members: ReplayMember[] = Array.from({ length: 40 }, (_, i) => ({
      id: `m${i}`,
      groups,
      policies,
      cumulative: steady(`m${i}`, i === 7 ? big : BigInt(i) * 1_000_000n + 7n),
    }));
    const pool = DAYS.map((_, d) =>
      members.reduce((s, m) => s + (m.cumulative as bigint[])[d]!, 0n),
    );
    const p: ReplayPeriod = {
      days: DAYS,
      instants: INSTANTS,
      groupCumulative: new Map([["g", pool]]),
      workspaceCumulative: DAYS.map(() => 0n),
    };
    const byClass = replayPeriod(p, members, { classMin: 1 });
    const oneByOne = replayPeriod(p, members, { classMin: Infinity });
    const fields = (r: MemberReplay) => ({
      memberId: r.memberId,
      product: r.product,
      softDay: r.softDay,
      overDay: r.overDay,
      blockedDay: r.blockedDay,
      stoppedMicros: r.stoppedMicros,
      end: r.end,
    });
    expect(byClass.map(fields)).toEqual(oneByOne.map(fields));
    // day 16 (index 15) ends at 16 × big ≥ the limit: that day's spend beyond the room, and every later day's
    const heavy = byClass[7]!;
    expect(heavy.blockedDay).toBe("2026-11-16");
    expect(heavy.stoppedMicros).toBe(16n * big - (15n * big + 1n) + 14n * big);
    expect(byClass.filter((r) => r.blockedDay !== null)).toHaveLength(1);
  });

  it("carries the current period to its end in doubles as the bigint extendAtPace does (300 runs)", () => {
    const figure = fc.oneof(
      { weight: 6, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 11n }) },
      { weight: 2, arbitrary: fc.bigInt({ min: -(10n ** 9n), max: 0n }) }, // refunds
      // past what doubles carry at pace (|used| × days ≥ 2^53): the bigint shape then
      { weight: 1, arbitrary: fc.bigInt({ min: 10n ** 13n, max: 99_999_999_999_999n }) },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 31 }),
        fc.array(fc.array(figure, { minLength: 31, maxLength: 31 }), { maxLength: 8 }),
        fc.nat(),
        (length, members, today) => {
          const t = today % (length + 2); // today may fall after the period's last day
          const parts: PackedDays[] = [
            {
              at: 0,
              rows: members.map((d, i) => ({ m: `m${i}`, s: d.slice(0, length).join(",") })),
            },
          ];
          const shape = (cum: bigint[]) => extendAtPace(cum, t);
          const inBigints = cumulativeDays(parts, length, shape);
          const inDoubles = cumulativeDays(parts, length, shape, t);
          for (const [id, want] of inBigints) {
            const got = inDoubles.get(id)!;
            expect(Array.from(got)).toEqual(Array.from(want));
            const numbers = numericSeries(got);
            if (numbers) expect(Array.from(numbers, (v) => BigInt(v))).toEqual(Array.from(want));
            else expect(Array.from(want).some((v) => v > MAX || v < -MAX)).toBe(true);
          }
        },
      ),
      { numRuns: 300, seed: 2028 },
    );
    // a pace past what doubles carry: 599,999,999,999,993 used in 6 days, × 19 / 6 is
    // 1,899,999,999,999,977 (the double product rounds and truncates to …978)
    const days = ["99999999999999", "99999999999999", "99999999999999", "99999999999999"];
    const row = [...days, "99999999999999", "99999999999998", ...Array(25).fill("0")].join(",");
    const read = cumulativeDays(
      [{ at: 0, rows: [{ m: "a", s: row }] }],
      31,
      (c) => extendAtPace(c, 5),
      5,
    );
    expect(read.get("a")![18]).toBe(1_899_999_999_999_977n);
    expect(numericSeries(read.get("a")!)![18]).toBe(1_899_999_999_999_977);
  });
});
