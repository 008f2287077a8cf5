import { describe, expect, it } from "vitest";

import { zeroUsageSums } from "../core/usage-sums";
import type { Grouped } from "./analytics-types";
import {
  changePct,
  hasCurrentUsage,
  ratioPct,
  sortRows,
  toRow,
  withLabelsAndSparklines,
} from "./breakdown-shape";
import { NONE, UNATTRIBUTED } from "./filters";

const g = (key: string, amount: bigint, previous = 0n, extra: Partial<Grouped> = {}): Grouped => ({
  ...zeroUsageSums(),
  key,
  amountMicros: amount,
  costMicros: amount,
  unpricedRequests: 0n,
  seatMicros: 0n,
  previousAmountMicros: previous,
  ...extra,
});

describe("breakdown shape", () => {
  it("ratios have one decimal, truncated; nothing to compare with is null", () => {
    expect(ratioPct(1n, 3n)).toBe(33.3);
    expect(ratioPct(5n, 0n)).toBeNull();
    expect(changePct(150n, 100n)).toBe(50);
    expect(changePct(50n, 100n)).toBe(-50);
    expect(changePct(1n, 0n)).toBeNull();
  });

  it("a row carries its share, change and cache-hit ratio, and the key's own label without a name", () => {
    const row = toRow(
      "group",
      g(NONE, 250n, 200n, { inputTokens: 8n, cachedInputTokens: 2n }),
      1000n,
    );
    expect(row).toMatchObject({
      label: "No group",
      href: null,
      sharePct: 25,
      changePct: 25,
      cacheHitPct: 25,
      sparkline: [],
    });
    expect(
      toRow("member", g("m1", 1n), 0n, { label: "Ann", sublabel: "a@x", href: "/members/m1" }),
    ).toMatchObject({ label: "Ann", sublabel: "a@x", href: "/members/m1", sharePct: 0 });
  });

  it("keys with spend only in the previous range are not rows", () => {
    expect(hasCurrentUsage(g("a", 0n, 100n))).toBe(false);
    expect(hasCurrentUsage(g("a", 0n, 0n, { seatMicros: 1n }))).toBe(true);
    expect(hasCurrentUsage(g("a", 0n, 0n, { requests: 1n }))).toBe(true);
  });

  it("sorts by the column, ties by key ascending in both directions", () => {
    const rows = [g("b", 5n), g("a", 5n), g("c", 9n)].map((x) => toRow("product", x, 19n));
    sortRows(rows, "amount", "desc");
    expect(rows.map((r) => r.key)).toEqual(["c", "a", "b"]);
    sortRows(rows, "amount", "asc");
    expect(rows.map((r) => r.key)).toEqual(["a", "b", "c"]);
  });

  it("fills each page row's sparkline over the days, zeros where nothing was spent", () => {
    const rows = [g("m1", 3n), g(UNATTRIBUTED, 1n)].map((x) => toRow("member", x, 4n));
    const out = withLabelsAndSparklines(
      rows,
      ["2026-03-01", "2026-03-02", "2026-03-03"],
      new Map([["m1", { label: "Ann", sublabel: null, href: "/members/m1" }]]),
      [
        { key: "m1", day: "2026-03-01", amountMicros: 1n },
        { key: "m1", day: "2026-03-03", amountMicros: 2n },
        { key: "other", day: "2026-03-03", amountMicros: 7n },
      ],
    );
    expect(out.map((r) => [r.label, r.sparkline])).toEqual([
      ["Ann", [1n, 0n, 2n]],
      ["Unattributed", [0n, 0n, 0n]],
    ]);
  });
});
