import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { allocateBilledCost } from "./allocate-billed-cost";

/** property tests: every fc.assert states its runs; this bound holds on a busy 2-core machine */
const PROPERTY_TIMEOUT_MS = 60_000;

const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

describe("allocateBilledCost", () => {
  it("splits in proportion and hands the remainder to the largest fractions", () => {
    expect(allocateBilledCost(100n, [1n, 1n, 1n])).toEqual([34n, 33n, 33n]);
    expect(allocateBilledCost(10n, [1n, 2n, 7n])).toEqual([1n, 2n, 7n]);
    expect(allocateBilledCost(7n, [1n, 2n])).toEqual([2n, 5n]); // 2.33 / 4.67 → remainder to the .67
  });
  it("splits evenly when no row has a weight", () => {
    expect(allocateBilledCost(5n, [0n, 0n])).toEqual([3n, 2n]);
  });
  it("keeps negative credits exact", () => {
    expect(sum(allocateBilledCost(-101n, [3n, 5n]))).toBe(-101n);
  });
  it("refuses empty or negative weights", () => {
    expect(() => allocateBilledCost(1n, [])).toThrow();
    expect(() => allocateBilledCost(1n, [-1n])).toThrow();
  });
  it(
    "always sums to the bill, each share within 1 of its exact proportion",
    () => {
      fc.assert(
        fc.property(
          fc.bigInt({ min: 0n, max: 10n ** 12n }),
          fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 40 }),
          (total, weights) => {
            const shares = allocateBilledCost(total, weights);
            expect(sum(shares)).toBe(total);
            const ws = sum(weights);
            if (ws > 0n) {
              shares.forEach((s, i) => {
                const exactFloor = (total * weights[i]!) / ws;
                expect(s === exactFloor || s === exactFloor + 1n).toBe(true);
              });
            }
          },
        ),
        { numRuns: 100 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
