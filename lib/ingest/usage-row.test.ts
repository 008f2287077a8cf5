import { describe, expect, it } from "vitest";

import { usageRowOf } from "./usage-row";

describe("usageRowOf", () => {
  it("fills what the adapter does not state with the no-figure values", () => {
    expect(usageRowOf({ day: "2026-03-02", provider: "x", identity: null, product: "p" })).toEqual({
      day: "2026-03-02",
      provider: "x",
      identity: null,
      product: "p",
      model: "",
      project: "",
      apiKey: "",
      lineItem: "",
      inputTokens: 0n,
      cachedInputTokens: 0n,
      outputTokens: 0n,
      requests: 0n,
      estimatedCostMicros: 0n,
      costMicros: 0n,
      creditsMicros: null,
      unpriced: false,
    });
  });

  it("keeps every figure the adapter states, optional ones included", () => {
    const row = usageRowOf({
      day: "2026-03-02",
      provider: "x",
      identity: { provider: "x", kind: "email", externalId: "a@b.c" },
      product: "p",
      model: "m",
      costMicros: 7n,
      creditsMicros: 3n,
      seatEstimateMicros: 2n,
      unpriced: true,
    });
    expect(row).toMatchObject({ model: "m", costMicros: 7n, creditsMicros: 3n, unpriced: true });
    expect(row.seatEstimateMicros).toBe(2n);
    expect(row.identity?.externalId).toBe("a@b.c");
    expect("cacheWriteTokens" in row).toBe(false);
  });
});
