import { describe, expect, it } from "vitest";

import { decimalText, majorFromCents, toUsdMicros } from "./convert";
import { RateTable } from "./rates";

describe("currency conversion on decimal text", () => {
  it("keeps amounts exact and rounds once, half-even", () => {
    expect(decimalText(0.0020877)).toBe("0.0020877");
    expect(decimalText("1e-7")).toBe("0.0000001");
    expect(majorFromCents("123.78912")).toBe("1.2378912");
    expect(majorFromCents(186)).toBe("1.86");
    expect(toUsdMicros("1.2378912", "1")).toBe(1_237_891n);
    expect(toUsdMicros("0.0000005", "1")).toBe(0n); // half to even
    expect(toUsdMicros("0.0000015", "1")).toBe(2n);
    expect(toUsdMicros("10", "1.0825")).toBe(10_825_000n);
    expect(toUsdMicros("0.1", "0.000000333333")).toBe(0n);
    expect(toUsdMicros("-2.5", "1.1")).toBe(-2_750_000n);
  });

  it("a rate is in force from its day until the currency's next one; USD is 1; before the first, none", () => {
    const t = new RateTable([
      { currency: "eur", effectiveFrom: "2026-11-10", usdPerUnit: "1.10" },
      { currency: "EUR", effectiveFrom: "2026-11-01", usdPerUnit: "1.05" },
    ]);
    expect(t.rateFor("EUR", "2026-10-31")).toBeNull();
    expect(t.rateFor("eur", "2026-11-01")).toBe("1.05");
    expect(t.rateFor("EUR", "2026-11-09")).toBe("1.05");
    expect(t.rateFor("EUR", "2026-12-01")).toBe("1.10");
    expect(t.rateFor("usd", "1999-01-01")).toBe("1");
    expect(t.toUsd("2", "GBP", "2026-11-05")).toBeNull();
    expect(t.toUsd("2", "EUR", "2026-11-05")).toBe(2_100_000n);
  });
});
