import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { centsToMicros, creditsToUsd, divRoundHalfEven, formatAmount, microsToDecimal, parseMicros, usdToCredits } from "./money";

describe("parseMicros", () => {
  it("parses decimal strings exactly", () => {
    expect(parseMicros("0.1234567")).toBe(123457n); // …0.5 → up to odd? 123456.7 → 123457
    expect(parseMicros("1.0000005")).toBe(1000000n); // half → even (0)
    expect(parseMicros("1.0000015")).toBe(1000002n); // half → even (2)
    expect(parseMicros("-2.5")).toBe(-2500000n);
    expect(parseMicros("12")).toBe(12000000n);
    expect(parseMicros(".5")).toBe(500000n);
    expect(parseMicros("1e-6")).toBe(1n);
    expect(parseMicros("1.5E2")).toBe(150000000n);
  });

  it("reads JSON numbers through their shortest round-trip text", () => {
    expect(parseMicros(0.1 + 0.2)).toBe(300000n); // 0.30000000000000004 → 300000
    expect(parseMicros(6.384605)).toBe(6384605n);
    expect(parseMicros(1e-7)).toBe(0n);
  });

  it("rejects what is not a number", () => {
    expect(() => parseMicros("abc")).toThrow(/not a decimal/);
    expect(() => parseMicros("")).toThrow();
    expect(() => parseMicros(Number.NaN)).toThrow();
    expect(() => parseMicros("1,5")).toThrow();
  });

  it("converts Anthropic cents to micro-USD", () => {
    expect(centsToMicros("123.45")).toBe(1234500n);
    expect(centsToMicros(0.01)).toBe(100n);
  });
});

describe("divRoundHalfEven", () => {
  it("rounds halves to even in both signs", () => {
    expect(divRoundHalfEven(5n, 2n)).toBe(2n);
    expect(divRoundHalfEven(7n, 2n)).toBe(4n);
    expect(divRoundHalfEven(-5n, 2n)).toBe(-2n);
    expect(divRoundHalfEven(-7n, 2n)).toBe(-4n);
    expect(divRoundHalfEven(10n, 3n)).toBe(3n);
  });
  it("stays within half a unit of the exact quotient", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 10n ** 9n }), (a, b) => {
        const q = divRoundHalfEven(a, b);
        const diff = a - q * b; // remainder against the rounded quotient
        expect(2n * (diff < 0n ? -diff : diff) <= b).toBe(true);
      }),
    );
  });
});

describe("formatting", () => {
  it("prints exact decimals for CSV", () => {
    expect(microsToDecimal(1234567n)).toBe("1.234567");
    expect(microsToDecimal(-5n)).toBe("-0.000005");
    expect(microsToDecimal(0n)).toBe("0.000000");
    expect(microsToDecimal(1234567n, 2)).toBe("1.23");
  });
  it("formats money and credits for people", () => {
    expect(formatAmount(1234567890n, "USD")).toBe("$1,234.57");
    expect(formatAmount(-1500000n, "USD")).toBe("−$1.50");
    expect(formatAmount(500000000n, "CREDITS")).toBe("500.00 credits");
    expect(formatAmount(12_345_000_000n, "USD", { compact: true })).toBe("$12.3k");
  });
  it("round-trips parse and print", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), (m) => {
        expect(parseMicros(microsToDecimal(m))).toBe(m);
      }),
    );
  });
});

describe("credits", () => {
  it("converts with the workspace rate", () => {
    expect(usdToCredits(1_000_000n, 40_000n)).toBe(25_000_000n); // $1 at 4¢ = 25 credits
    expect(creditsToUsd(25_000_000n, 40_000n)).toBe(1_000_000n);
  });
});
