/**
 * The simulator's reading of packed member days ("day amount,…", simulate.ts dayUnpacker):
 * the scan without a string or bigint per day gives exactly the bigint reading, and gives up
 * (false) where a double would not be exact, so the bigint reading is used there.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { eachDay } from "../core/period";
import { dayUnpacker } from "./simulate";

const PERIODS: [string, string][] = [
  ["2026-11-01", "2026-11-30"], // a month
  ["2026-02-01", "2026-02-28"],
  ["2026-12-28", "2027-01-03"], // a week across the year's end
  ["2026-03-30", "2026-04-05"], // a week across a month's end
  ["2026-07-14", "2026-07-14"], // a day
];

/** A member's days as the database packs them: some days of the period, each once, any order. */
const packed = fc
  .record({
    period: fc.constantFrom(...PERIODS),
    amounts: fc.array(
      fc.oneof(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.bigInt({ min: -(10n ** 9n), max: 0n }), // refunds
        fc.bigInt({ min: 10n ** 13n, max: 10n ** 19n - 1n }), // too long for a double
      ),
      { maxLength: 31 },
    ),
    order: fc.array(fc.nat(), { maxLength: 31 }),
  })
  .map(({ period, amounts, order }) => {
    const days = eachDay(...period);
    const used = days.map((d, i) => ({ d, k: order[i] ?? i })).sort((a, b) => a.k - b.k);
    const items = used.slice(0, amounts.length).map(({ d }, i) => `${d} ${amounts[i]}`);
    return { days, text: items.join(","), amounts: amounts.slice(0, days.length) };
  });

describe("reading a member's packed days", () => {
  it("scans to the same cumulative series as the bigint reading, or gives it the text", () => {
    fc.assert(
      fc.property(packed, ({ days, text, amounts }) => {
        if (text === "") return;
        const unpack = dayUnpacker(days);
        const exact = unpack.exact(text);
        const store = new BigInt64Array(days.length + 3).fill(7n);
        const fits = unpack.into(text, store, 2);
        const small = amounts.every((a) => a > -(10n ** 14n) && a < 10n ** 14n);
        expect(fits).toBe(small);
        if (fits) {
          expect([...store.subarray(2, 2 + days.length)]).toEqual(exact);
          expect([store[0], store[1], store[days.length + 2]]).toEqual([7n, 7n, 7n]);
        }
      }),
      { numRuns: 500, seed: 2020 },
    );
  });

  it("reads a worked example", () => {
    const days = eachDay("2026-11-01", "2026-11-05");
    const unpack = dayUnpacker(days);
    const store = new BigInt64Array(5);
    expect(unpack.into("2026-11-04 -20,2026-11-02 1500000", store, 0)).toBe(true);
    expect([...store]).toEqual([0n, 1_500_000n, 1_500_000n, 1_499_980n, 1_499_980n]);
    expect(unpack.exact("2026-11-04 -20,2026-11-02 1500000")).toEqual([...store]);
    expect(unpack.into("2026-11-02 123456789012345", store, 0)).toBe(false); // 15 digits
  });
});
