import { describe, expect, it } from "vitest";

import { addDays, eachDay } from "../core/period";
import { DEFAULT_ANOMALY, findAnomaly, trailingMean } from "./anomaly";

const M = 1_000_000n;
function series(start: string, values: bigint[]) {
  return new Map(values.map((v, i) => [addDays(start, i), v]));
}

describe("burn-rate anomaly", () => {
  const days = eachDay("2026-11-15", "2026-11-21");
  const steady = series(
    "2026-10-25",
    Array.from({ length: 28 }, () => 10n * M),
  );

  it("flags a day far above the member's and the group's baselines", () => {
    const member = new Map(steady);
    member.set("2026-11-17", 1500n * M);
    const found = findAnomaly(member, steady, days);
    expect(found?.day).toBe("2026-11-17");
    expect(found?.selfBaselineMicros).toBe(10n * M);
    expect(found?.series.length).toBeGreaterThan(14);
  });

  it("stays quiet below the floor, for steady heavy users, and when the group runs as hot", () => {
    const tiny = series(
      "2026-10-25",
      Array.from({ length: 28 }, (_, i) => (i === 23 ? 20n * M : 0n)),
    );
    expect(findAnomaly(tiny, new Map(), days)).toBeNull(); // $20 < $25 floor, even from zero
    const heavy = series(
      "2026-10-25",
      Array.from({ length: 28 }, () => 900n * M),
    );
    expect(findAnomaly(heavy, steady, days)).toBeNull();
    const member = new Map(steady);
    member.set("2026-11-17", 200n * M);
    const hotGroup = series(
      "2026-10-25",
      Array.from({ length: 28 }, () => 60n * M),
    );
    expect(findAnomaly(member, hotGroup, days)).toBeNull();
    expect(findAnomaly(member, steady, days, { ...DEFAULT_ANOMALY, selfFactor: 25 })).toBeNull();
  });

  it("averages missing days as zero", () => {
    expect(trailingMean(new Map([["2026-11-10", 14n]]), "2026-11-11", 14)).toBe(1n);
  });
});
