/**
 * Cursor's money in Allotment's integer units. Cursor reports cents as fractional numbers
 * (`2450.125487`, `21.36232`): finer than a micro-dollar. Each amount is read exactly into
 * pico-dollars (10⁻¹² USD) and amounts are summed there; a total is rounded to micro-USD once
 * (half-even), so a sum of many fractional-cent events never drifts. Limits are whole dollars.
 */
import { divRoundHalfEven, parseDecimalScaled } from "../../core/money";

/** 1 cent = 10¹⁰ pico-dollars. */
const PICO_PER_CENT_SCALE = 10;
export const PICO_PER_MICRO = 1_000_000n;
export const MICROS_PER_DOLLAR = 1_000_000n;

/** Cents as sent (number or decimal text) → exact pico-USD. */
export function centsToPico(cents: number | string): bigint {
  return parseDecimalScaled(cents, PICO_PER_CENT_SCALE);
}

/** A pico-USD total → micro-USD, rounded half-even once. */
export function picoToMicros(pico: bigint): bigint {
  return divRoundHalfEven(pico, PICO_PER_MICRO);
}

/** Cents → micro-USD (one amount on its own). */
export function centsToMicrosExact(cents: number | string): bigint {
  return picoToMicros(centsToPico(cents));
}

/** Whole dollars as Cursor reads and writes limits → micro-USD (a fraction, if ever sent, is kept). */
export function dollarsToMicros(dollars: number): bigint {
  return parseDecimalScaled(dollars, 6);
}

/** micro-USD → the whole dollars Cursor accepts, rounded down (a vendor never allows more than Allotment). */
export function microsToWholeDollars(micros: bigint): number {
  if (micros <= 0n) return 0;
  return Number(micros / MICROS_PER_DOLLAR);
}
