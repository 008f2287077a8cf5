import { describe, expect, it } from "vitest";

import { usageRowOf } from "./usage-row";

describe("usageRowOf", () => {
  it("fills what the adapter does not state with the no-figure values", () => {
    const row = usageRowOf({ day: "2026-03-02", provider: "x", identity: null, product: "p" });
    expect([row.day, row.provider, row.identity, row.product]).toEqual([
      "2026-03-02",
      "x",
      null,
      "p",
    ]);
    // no model, project, API key or line item
    expect([row.model, row.project, row.apiKey, row.lineItem]).toEqual(["", "", "", ""]);
    // no tokens, requests, estimate or billed cost
    const counts = [row.inputTokens, row.cachedInputTokens, row.outputTokens, row.requests];
    expect([...counts, row.estimatedCostMicros, row.costMicros]).toEqual([0n, 0n, 0n, 0n, 0n, 0n]);
    // credits derived from cost with the workspace rate; priced; nothing optional set
    expect(row.creditsMicros).toBeNull();
    expect(row.unpriced).toBe(false);
    expect(Object.keys(row)).toHaveLength(16);
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
