import { describe, expect, it } from "vitest";

import { VendorError, withRetries } from "../http";
import { centsToMicrosExact, centsToPico, microsToWholeDollars, picoToMicros } from "./money";
import { cursorPerMinute, LocalRateGate } from "./rate-limits";

describe("Cursor money", () => {
  it("reads fractional cents exactly and rounds a sum once", () => {
    // the reference's own examples
    expect(centsToMicrosExact(2450.125487)).toBe(24_501_255n); // $24.50125487 → half-even
    expect(centsToPico(21.36232)).toBe(213_623_200_000n);
    // 0.00005 cents = 0.5 µ$: alone it rounds to 0 (half-even), yet 30 of them are exactly 15 µ$
    expect(centsToMicrosExact(0.00005)).toBe(0n);
    const tiny = Array.from({ length: 30 }, () => centsToPico(0.00005));
    expect(picoToMicros(tiny.reduce((a, b) => a + b, 0n))).toBe(15n);
    expect(centsToMicrosExact("0.1")).toBe(1000n);
    expect(centsToMicrosExact(1e-7)).toBe(0n);
  });

  it("writes limits in whole dollars, rounded down", () => {
    expect(microsToWholeDollars(12_999_999n)).toBe(12);
    expect(microsToWholeDollars(13_000_000n)).toBe(13);
    expect(microsToWholeDollars(0n)).toBe(0);
    expect(microsToWholeDollars(-5n)).toBe(0);
  });
});

describe("Cursor rate limits and retries", () => {
  it("keeps under both copies of the rate table", () => {
    expect(cursorPerMinute("POST /teams/user-spend-limit")).toBe(60);
    expect(cursorPerMinute("POST /teams/filtered-usage-events")).toBe(60);
    expect(cursorPerMinute("POST /teams/spend")).toBe(20);
    expect(cursorPerMinute("GET /teams/members")).toBe(20);
  });

  it("waits for the next minute when a route's budget is used up", async () => {
    let t = 60_000 * 100 + 10_000;
    const waits: number[] = [];
    const gate = new LocalRateGate(
      () => t,
      async (ms) => {
        waits.push(ms);
        t += ms;
      },
    );
    for (let i = 0; i < 21; i++) await gate.take("POST /teams/spend");
    expect(waits).toEqual([50_050]);
    for (let i = 0; i < 59; i++) await gate.take("POST /teams/user-spend-limit");
    expect(waits).toHaveLength(1);
  });

  it("backs off 1, 2, 4 s without Retry-After and honours one when sent", async () => {
    const sleeps: number[] = [];
    let n = 0;
    const r = await withRetries(
      async () => {
        n++;
        if (n <= 3) throw new VendorError("429", 429, "rate_limited", null);
        if (n === 4) throw new VendorError("500", 500, "transient", 7000);
        return "ok";
      },
      { attempts: 6, baseDelayMs: 1000, maxDelayMs: 16_000 },
      { sleep: async (ms) => void sleeps.push(ms) },
    );
    expect(r).toBe("ok");
    expect(sleeps).toEqual([1000, 2000, 4000, 7000]);
    await expect(
      withRetries(
        async () => {
          throw new VendorError("bad", 400, "rejected");
        },
        { attempts: 6, baseDelayMs: 1, maxDelayMs: 1 },
      ),
    ).rejects.toThrow("bad");
  });
});
