import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";

import {
  centsToMicros,
  creditsToUsd,
  divRoundHalfEven,
  formatAmount,
  formatPercent,
  MAX_AMOUNT_MICROS,
  microsToDecimal,
  parseAmountText,
  parseDecimalScaled,
  parseMicros,
  percentOf,
  usdToCredits,
} from "./money";

/** property tests: every fc.assert states its runs; this bound holds on a busy 2-core machine */
const PROPERTY_TIMEOUT_MS = 60_000;

/**
 * Runs fn and returns what it passed to BigInt(). A stall needs a huge conversion (10n **
 * BigInt(1e7), or BigInt of a megabyte of digits), so "refused before any arithmetic" is
 * checked on what was converted, not on the time taken (which depends on the machine).
 */
function bigIntInputsOf(fn: () => void): unknown[] {
  const spy = vi.spyOn(globalThis, "BigInt");
  try {
    fn();
    return spy.mock.calls.map((c) => c[0]);
  } finally {
    spy.mockRestore();
  }
}

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
  it(
    "stays within half a unit of the exact quotient",
    () => {
      fc.assert(
        fc.property(
          fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
          fc.bigInt({ min: 1n, max: 10n ** 9n }),
          (a, b) => {
            const q = divRoundHalfEven(a, b);
            const diff = a - q * b; // remainder against the rounded quotient
            expect(2n * (diff < 0n ? -diff : diff) <= b).toBe(true);
          },
        ),
        { numRuns: 100 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
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
  it(
    "round-trips parse and print",
    () => {
      fc.assert(
        fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), (m) => {
          expect(parseMicros(microsToDecimal(m))).toBe(m);
        }),
        { numRuns: 100 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe("credits", () => {
  it("converts with the workspace rate", () => {
    expect(usdToCredits(1_000_000n, 40_000n)).toBe(25_000_000n); // $1 at 4¢ = 25 credits
    expect(creditsToUsd(25_000_000n, 40_000n)).toBe(1_000_000n);
  });
});

describe("parseDecimalScaled: absurd exponents (provider data)", () => {
  it("refuses an exponent beyond ±30 before any arithmetic", () => {
    const refusals: string[] = [];
    const refuse = (f: () => unknown) => {
      try {
        f();
        refusals.push("accepted");
      } catch (error) {
        refusals.push((error as Error).message);
      }
    };
    const converted = bigIntInputsOf(() => {
      refuse(() => parseMicros("1e10000000"));
      refuse(() => parseMicros("1e-10000000"));
      refuse(() => parseMicros("1e" + "9".repeat(400)));
      refuse(() => parseDecimalScaled("5E31", 6));
      refuse(() => parseMicros("1" + "0".repeat(500)));
    });
    expect(refusals.slice(0, 4).every((m) => /exponent out of range/.test(m))).toBe(true);
    expect(refusals[4]).toMatch(/too many digits/);
    // a stalled event loop would need a huge BigInt; none was made (an accepted exponent makes some)
    expect(converted).toEqual([]);
    expect(bigIntInputsOf(() => parseMicros("1e3")).length).toBeGreaterThan(0);
  });
  it("still reads every exponent a provider sends", () => {
    expect(parseMicros("1e30")).toBe(10n ** 36n);
    expect(parseMicros("1.5e-30")).toBe(0n);
    expect(parseMicros("2.5E+2")).toBe(250_000_000n);
    expect(parseMicros(1e21)).toBe(10n ** 27n); // String(1e21) = "1e+21"
  });
});

describe("parseAmountText: what a person types", () => {
  const ok = (t: string, opts?: Parameters<typeof parseAmountText>[1]) => {
    const r = parseAmountText(t, opts);
    if (!r.ok) throw new Error(`expected ${t} to parse: ${r.error}`);
    return r.micros;
  };
  const err = (t: string, opts?: Parameters<typeof parseAmountText>[1]) => {
    const r = parseAmountText(t, opts);
    if (r.ok) throw new Error(`expected ${t} to be refused, got ${r.micros}`);
    return r.error;
  };

  it("reads plain and correctly grouped amounts exactly", () => {
    expect(ok("1200")).toBe(1_200_000_000n);
    expect(ok(" 99.5 ")).toBe(99_500_000n);
    expect(ok("1,200")).toBe(1_200_000_000n);
    expect(ok("12,345.5")).toBe(12_345_500_000n);
    expect(ok("1,234,567.000001")).toBe(1_234_567_000_001n);
    expect(ok(".5")).toBe(500_000n);
    expect(ok("0.000001")).toBe(1n);
    expect(ok("100,000,000")).toBe(MAX_AMOUNT_MICROS);
    expect(ok("100000000.000000")).toBe(MAX_AMOUNT_MICROS);
  });

  it("never reads a decimal comma as thousands: 1,5 is an error, not 15", () => {
    expect(err("1,5")).toMatch(/comma may only separate thousands.*use a point/);
    expect(err("12,34")).toMatch(/comma/);
    expect(err("1,2345")).toMatch(/comma/);
    expect(err("1,200,5")).toMatch(/comma/);
    expect(err(",500")).toMatch(/comma/);
    expect(err("1234,567")).toMatch(/comma/);
  });

  it("refuses exponents, signs, too many places, junk, zero and more than a budget can hold", () => {
    expect(err("1e10000000")).toMatch(/no exponents/);
    expect(err("1E3")).toMatch(/no exponents/);
    expect(err("0.0000001")).toMatch(/more than 6 decimal places/);
    expect(err("-5")).toMatch(/more than zero/);
    expect(err("+5")).toMatch(/no sign/);
    expect(err("0")).toMatch(/more than zero/);
    expect(err("0.000000")).toMatch(/more than zero/);
    expect(err("")).toMatch(/missing/);
    expect(err("12abc")).toMatch(/must be a number/);
    expect(err("1.2.3")).toMatch(/must be a number/);
    expect(err("Infinity")).toMatch(/must be a number/);
    expect(err("0x10")).toMatch(/must be a number/);
    expect(err("100000000.000001")).toMatch(/at most 100,000,000$/);
    expect(err("999999999")).toMatch(/at most 100,000,000$/);
    expect(err("1000000000")).toMatch(/at most 100,000,000$/);
    expect(err("1".repeat(19))).toMatch(
      /too long: at most 100,000,000, with up to 6 decimal places/,
    );
    expect(err("9".repeat(100_000))).toMatch(/too long/);
    expect(err("300", { maxMicros: 250_000_000n, label: "Grant" })).toBe(
      "Grant must be at most 250",
    );
  });

  it("turns a huge text down without ever making a BigInt of it", () => {
    const huge = "1" + "0".repeat(1_000_000);
    const answers: boolean[] = [];
    const converted = bigIntInputsOf(() => {
      for (let i = 0; i < 100; i++) answers.push(parseAmountText(huge).ok);
    });
    expect(answers.every((ok) => !ok)).toBe(true);
    expect(converted.filter((v) => String(v).length > 40)).toEqual([]);
  });

  it(
    "agrees with the exact decimal parser on every valid amount, grouped or not, and refuses every over-long fraction",
    () => {
      fc.assert(
        fc.property(
          fc.bigInt({ min: 1n, max: MAX_AMOUNT_MICROS }),
          fc.integer({ min: 0, max: 6 }),
          fc.boolean(),
          (micros, places, grouped) => {
            // drop digits beyond `places` so the text is exact at that many places
            const step = 10n ** BigInt(6 - places);
            const v = (micros / step) * step;
            fc.pre(v > 0n);
            const [whole, frac = ""] = microsToDecimal(v).split(".");
            const fracText = frac.slice(0, places);
            const wholeText = grouped ? whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",") : whole!;
            const text = places > 0 ? `${wholeText}.${fracText}` : wholeText;
            const r = parseAmountText(text);
            expect(r).toEqual({ ok: true, micros: v });
            expect(parseMicros(text.replace(/,/g, ""))).toBe(v);
            // a seventh decimal place is always refused, never rounded
            expect(parseAmountText(`${whole}.${frac}1`).ok).toBe(false);
          },
        ),
        { numRuns: 300 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "never throws and never accepts a text with a badly placed comma (arbitrary strings)",
    () => {
      fc.assert(
        fc.property(fc.stringMatching(/^[0-9,.eE+-]{0,24}$/), (t) => {
          const r = parseAmountText(t);
          if (r.ok) {
            expect(r.micros > 0n && r.micros <= MAX_AMOUNT_MICROS).toBe(true);
            if (t.includes(",")) expect(/^\d{1,3}(,\d{3})+(\.\d{1,6})?$/.test(t.trim())).toBe(true);
            expect(/[eE+-]/.test(t)).toBe(false);
          }
        }),
        { numRuns: 500 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe("percentages", () => {
  it("percentOf keeps one decimal, rounded toward zero, and is 0 of nothing", () => {
    expect(percentOf(1n, 3n)).toBe(33.3);
    expect(percentOf(2n, 3n)).toBe(66.6);
    expect(percentOf(5n, 0n)).toBe(0);
  });
  it("formatPercent shows one decimal with the sign, and a dash when unknown", () => {
    expect(formatPercent(12.5)).toBe("12.5%");
    expect(formatPercent(100)).toBe("100.0%");
    expect(formatPercent(null)).toBe("—");
  });
});
