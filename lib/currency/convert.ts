/**
 * Exact currency arithmetic on decimal text: provider amounts keep their own currency and
 * text, converted to micro-USD with an owner-maintained rate (USD per unit), half-even once.
 * No floats: JSON numbers are read through their shortest round-trip text. Pure.
 */
import { divRoundHalfEven, parseDecimalScaled } from "../core/money";

/** places kept when an amount is normalised to text (Anthropic's cents shifted two places stay exact) */
const AMOUNT_SCALE = 22;
const RATE_SCALE = 12;

export const ISO_CURRENCY = /^[A-Za-z]{3}$/;

/** A scaled integer back to plain decimal text without trailing zeros: (12340n, 4) → "1.234". */
export function scaledToText(value: bigint, scale: number): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const base = 10n ** BigInt(scale);
  const frac = (abs % base).toString().padStart(scale, "0").replace(/0+$/, "");
  const text = `${abs / base}${frac ? "." + frac : ""}`;
  return negative && text !== "0" ? `-${text}` : text;
}

/** A provider's decimal (string or JSON number) as normalised plain text in the same unit. */
export function decimalText(value: string | number): string {
  return scaledToText(parseDecimalScaled(value, AMOUNT_SCALE), AMOUNT_SCALE);
}

/** Minor units (Anthropic's cents) → the major unit's exact text: "123.45" → "1.2345". */
export function majorFromCents(cents: string | number): string {
  return scaledToText(parseDecimalScaled(cents, AMOUNT_SCALE - 2), AMOUNT_SCALE);
}

/** amount (major units) × usdPerUnit → micro-USD, half-even once. */
export function toUsdMicros(amount: string, usdPerUnit: string): bigint {
  const a = parseDecimalScaled(amount, AMOUNT_SCALE);
  const r = parseDecimalScaled(usdPerUnit, RATE_SCALE);
  return divRoundHalfEven(a * r, 10n ** BigInt(AMOUNT_SCALE + RATE_SCALE - 6));
}
