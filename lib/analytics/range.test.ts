import { describe, expect, it } from "vitest";

import { neutralizeCell } from "../exports/csv";
import {
  steadyExhaustion as projectedExhaustion,
  steadyPeriodEnd as projectPeriodEnd,
} from "../forecast/steady";
import { rangeSpecSchema, resolveRange } from "./range";
import { canonicalSearch, parseAnalyticsSearch } from "./url-state";

describe("resolveRange", () => {
  it("this period runs to the period end, compares its days so far with as many days before", () => {
    const r = resolveRange({ range: "period" }, "MONTHLY", "2026-03-10");
    expect([r.start, r.end]).toEqual(["2026-03-01", "2026-03-31"]);
    expect(r.toDate).toEqual({ start: "2026-03-01", end: "2026-03-10" });
    expect(r.previous).toEqual({ start: "2026-02-19", end: "2026-02-28" });
  });
  it("last period of a leap February, and rolling day windows ending today", () => {
    const r = resolveRange({ range: "last-period" }, "MONTHLY", "2028-03-01");
    expect([r.start, r.end]).toEqual(["2028-02-01", "2028-02-29"]);
    expect(r.previous).toEqual({ start: "2028-01-03", end: "2028-01-31" });
    const w = resolveRange({ range: "7d" }, "MONTHLY", "2026-01-03");
    expect([w.start, w.end]).toEqual(["2025-12-28", "2026-01-03"]);
    expect(w.previous).toEqual({ start: "2025-12-21", end: "2025-12-27" });
  });
  it("validates custom ranges", () => {
    expect(
      rangeSpecSchema.safeParse({ range: "custom", from: "2026-02-30", to: "2026-03-01" }).success,
    ).toBe(false);
    expect(
      rangeSpecSchema.safeParse({ range: "custom", from: "2026-03-02", to: "2026-03-01" }).success,
    ).toBe(false);
    expect(
      rangeSpecSchema.safeParse({ range: "custom", from: "2020-01-01", to: "2026-03-01" }).success,
    ).toBe(false);
    expect(
      rangeSpecSchema.safeParse({ range: "custom", from: "2026-03-01", to: "2026-03-01" }).success,
    ).toBe(true);
  });
});

describe("url state", () => {
  it("canonical search is order-independent, omits defaults and survives a round trip", () => {
    const a = parseAnalyticsSearch(
      new URLSearchParams("product=codex,api&range=30d&dimension=model&sort=amount"),
    );
    const b = parseAnalyticsSearch(
      new URLSearchParams("range=30d&product=api&product=codex&dimension=model"),
    );
    expect(canonicalSearch(a, { breakdown: true })).toBe(canonicalSearch(b, { breakdown: true }));
    expect(canonicalSearch(a, { breakdown: true })).toBe(
      "range=30d&dimension=model&product=api%2Ccodex",
    );
    const again = parseAnalyticsSearch(
      new URLSearchParams(canonicalSearch(a, { breakdown: true })),
    );
    expect(again.filters.product?.sort()).toEqual(a.filters.product?.sort());
  });
  it("bad values fall back to defaults instead of failing a shared link; unattributed maps to the empty key", () => {
    const s = parseAnalyticsSearch(
      new URLSearchParams("range=forever&dimension=planet&page=-3&member=unattributed"),
    );
    expect(s.spec.range).toBe("period");
    expect(s.query.dimension).toBe("member");
    expect(s.filters.member).toEqual([""]);
  });
});

describe("CSV cells", () => {
  it("neutralises formula starters", () => {
    for (const v of ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
      expect(neutralizeCell(v)).toBe(`'${v}`);
    expect(neutralizeCell("codex")).toBe("codex");
  });
});

describe("projection and run-out", () => {
  const period = { start: "2026-03-01", end: "2026-03-31" };
  it("projects the pace so far and finds the day a limit is reached", () => {
    expect(projectPeriodEnd(100n, period, "2026-03-10")).toBe(100n + (100n * 21n) / 10n);
    expect(projectedExhaustion(100n, 250n - 100n, period, "2026-03-10")).toBe("2026-03-25"); // 10/day → 250 on day 25
    expect(projectedExhaustion(100n, 1000n - 100n, period, "2026-03-10")).toBeNull(); // lasts the period
    expect(projectedExhaustion(300n, 250n - 300n, period, "2026-03-10")).toBe("2026-03-10"); // already over
    expect(projectedExhaustion(0n, 250n - 0n, period, "2026-03-10")).toBeNull();
  });
});
