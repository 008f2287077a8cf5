/**
 * The simulator's replay in doubles (simulate-core.ts NUMERIC_MAX): a series is read as
 * numbers only while every value is within ±2^52 micro-units, where doubles and their sums or
 * differences of two are exact; beyond it a member is replayed with bigints, so money stays
 * exact whatever the figures.
 */
import { describe, expect, it } from "vitest";

import { eachDay } from "../core/period";
import type { PolicyInput } from "./resolve-effective-limit";
import {
  cumulate,
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

function policy(p: Partial<PolicyInput> & Pick<PolicyInput, "scope">): PolicyInput {
  return {
    id: `p-${p.scope}-${p.groupId ?? ""}`,
    groupId: null,
    memberId: null,
    product: "",
    amountMicros: null,
    poolCapMicros: null,
    softThresholdPct: 80,
    action: "BLOCK",
    startsAt: null,
    expiresAt: null,
    note: null,
    sourceRequestId: null,
    ...p,
  };
}

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
      policy({
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
});
