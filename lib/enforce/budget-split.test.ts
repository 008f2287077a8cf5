import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { capRaises, splitBudget, type SplitInput } from "./budget-split";

const M = 1_000_000n;
const v = (key: string, used: bigint, recent = used) => ({ key, vendor: key, used, recent });

describe("splitBudget", () => {
  it("gives each vendor its own spend plus a share of what is left (proportional to recent use, with a floor)", () => {
    const r = splitBudget({
      limit: 500n * M,
      usedAll: 150n * M,
      remaining: 350n * M,
      vendors: [v("chatgpt", 100n * M), v("claude", 0n)],
      rule: "proportional",
    });
    // weights: chatgpt 100·20 + 100 = 2100, claude 0 + 100 = 100 → 350·2100/2200, 350·100/2200
    expect(r.get("chatgpt")).toBe(100n * M + (350n * M * 2100n) / 2200n);
    expect(r.get("claude")).toBe((350n * M * 100n) / 2200n);
    expect(r.get("chatgpt")! + r.get("claude")!).toBeLessThanOrEqual(500n * M);
  });
  it("even and all-to-one rules; spend at other providers counts against the remainder", () => {
    const base = {
      limit: 500n * M,
      usedAll: 200n * M,
      remaining: 300n * M,
      vendors: [v("chatgpt", 50n * M), v("claude", 50n * M)],
    };
    expect(splitBudget({ ...base, rule: "even" })).toEqual(
      new Map([
        ["chatgpt", 200n * M],
        ["claude", 200n * M],
      ]),
    );
    expect(splitBudget({ ...base, rule: "one", oneVendor: "claude" })).toEqual(
      new Map([
        ["chatgpt", 50n * M],
        ["claude", 350n * M],
      ]),
    );
  });
  it("over the limit: every vendor at or below its own spend, summing to at most the limit; unlimited stays unlimited", () => {
    const r = splitBudget({
      limit: 100n * M,
      usedAll: 200n * M,
      remaining: 0n,
      vendors: [v("a", 150n * M), v("b", 50n * M)],
      rule: "even",
    });
    expect(r).toEqual(
      new Map([
        ["a", 75n * M],
        ["b", 25n * M],
      ]),
    );
    expect(
      splitBudget({
        limit: null,
        usedAll: 0n,
        remaining: null,
        vendors: [v("a", 0n)],
        rule: "even",
      }).get("a"),
    ).toBeNull();
  });
  it("property: never more than the limit in total, and nothing below a vendor's own spend while budget remains", () => {
    const amount = fc.bigInt({ min: 0n, max: 10_000n * M });
    fc.assert(
      fc.property(
        amount,
        fc.array(fc.tuple(amount, amount), { minLength: 1, maxLength: 3 }),
        amount,
        fc.constantFrom("proportional", "even", "one") as fc.Arbitrary<SplitInput["rule"]>,
        (limit, vs, other, rule) => {
          const vendors = vs.map(([used, recent], i) => v(`v${i}`, used, recent));
          const usedAll = vendors.reduce((s, x) => s + x.used, 0n) + other;
          const remaining = usedAll >= limit ? 0n : limit - usedAll;
          const r = splitBudget({ limit, usedAll, remaining, vendors, rule, oneVendor: "v0" });
          const sum = [...r.values()].reduce((s: bigint, x) => s + x!, 0n);
          expect(sum).toBeLessThanOrEqual(limit);
          if (usedAll < limit)
            for (const x of vendors) expect(r.get(x.key)!).toBeGreaterThanOrEqual(x.used);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("capRaises", () => {
  it("raises only into the room left by what the vendors allow now; lowerings go as they are", () => {
    const r = capRaises(500n, [
      { key: "a", current: 400n, target: 100n },
      { key: "b", current: 100n, target: 400n },
    ]);
    // a's lowering has not landed: b may not rise yet (400 + 100 = 500 already)
    expect(r).toEqual(
      new Map([
        ["a", 100n],
        ["b", 100n],
      ]),
    );
    expect(
      capRaises(500n, [
        { key: "a", current: 100n, target: 100n },
        { key: "b", current: 100n, target: 400n },
      ]).get("b"),
    ).toBe(400n);
    expect(
      capRaises(500n, [
        { key: "a", current: null, target: 200n },
        { key: "b", current: 100n, target: 300n },
      ]),
    ).toEqual(
      new Map([
        ["a", 200n],
        ["b", 100n],
      ]),
    );
  });
});
