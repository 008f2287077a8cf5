/**
 * GitHub's money: usage amounts are JSON numbers in US dollars, budgets whole dollars, and
 * 1 AI credit = $0.01 (§2.1 pricePerUnit). All exact: a number is read through its decimal
 * text (lib/core/money.ts), never multiplied as a float.
 */
import { parseMicros } from "../../core/money";

/** micro-USD per Copilot AI credit ($0.01) */
export const AI_CREDIT_USD_MICROS = 10_000n;
export const USD_MICROS_PER_DOLLAR = 1_000_000n;

export function usdNumberToMicros(value: number): bigint {
  return parseMicros(value);
}

/** A limit as GitHub's whole dollars, rounded down: GitHub never allows more than Allotment. */
export function wholeDollarsDown(usdMicros: bigint): number {
  if (usdMicros <= 0n) return 0;
  return Number(usdMicros / USD_MICROS_PER_DOLLAR);
}

/** A budget amount (whole dollars; a float in one API variant, read exactly) → micro-USD. */
export function budgetAmountMicros(amount: number): bigint {
  return parseMicros(amount);
}
