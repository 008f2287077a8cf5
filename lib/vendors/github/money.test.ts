import { describe, expect, it } from "vitest";

import {
  describeUnitConversion,
  describeVendorAmount,
  toVendorMicros,
  vendorToBudgetCeil,
} from "../units";
import { budgetAmountMicros, usdNumberToMicros, wholeDollarsDown } from "./money";

describe("GitHub money and units", () => {
  it("reads GitHub's dollar numbers exactly", () => {
    expect(usdNumberToMicros(0.1234)).toBe(123_400n);
    expect(usdNumberToMicros(24.99)).toBe(24_990_000n);
    expect(usdNumberToMicros(0.0001)).toBe(100n);
    expect(budgetAmountMicros(100)).toBe(100_000_000n);
    expect(budgetAmountMicros(12.5)).toBe(12_500_000n);
  });

  it("writes limits as whole dollars rounded down, never up", () => {
    expect(wholeDollarsDown(41_999_999n)).toBe(41);
    expect(wholeDollarsDown(42_000_000n)).toBe(42);
    expect(wholeDollarsDown(999_999n)).toBe(0);
    expect(wholeDollarsDown(-5n)).toBe(0);
    // through the one unit table: a USD budget of $41.75 is $41 at GitHub
    expect(toVendorMicros(41_750_000n, "USD", "usd_whole", 40_000n)).toBe(41_000_000n);
    // a credit budget: 1,001 credits at $0.04 = $40.04 → $40
    expect(toVendorMicros(1_001_000_000n, "CREDITS", "usd_whole", 40_000n)).toBe(40_000_000n);
    expect(toVendorMicros(null, "USD", "usd_whole", 40_000n)).toBeNull();
    // what GitHub allows counts on the safe side: $40 = 1,000 credits exactly, $41 = 1,025
    expect(vendorToBudgetCeil(41_000_000n, "CREDITS", "usd_whole", 40_000n)).toBe(1_025_000_000n);
    expect(describeVendorAmount(41_000_000n, "usd_whole")).toMatch(/\$41/);
  });

  it("converts Copilot AI credits to the workspace unit through the one table", () => {
    expect(describeUnitConversion("ai_credit", "USD", 40_000n)).toBe("1 Copilot AI credit = $0.01");
    expect(describeUnitConversion("ai_credit", "CREDITS", 40_000n)).toBe(
      "1 Copilot AI credit = $0.01 = 0.25 workspace credits",
    );
  });
});
