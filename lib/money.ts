/**
 * Money and credits as integer micro-units (1 USD = 1,000,000 micros).
 * Parsing is exact (decimal text → bigint) with half-even rounding; formatting happens
 * only at the edge. Nothing here ever multiplies a float.
 */

export const MICROS_PER_UNIT = 1_000_000n;

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Divides a by b (b > 0) rounding half to even. */
export function divRoundHalfEven(a: bigint, b: bigint): bigint {
  if (b <= 0n) throw new RangeError("divisor must be positive");
  const negative = a < 0n;
  const abs = negative ? -a : a;
  let q = abs / b;
  const r = abs % b;
  const twice = r * 2n;
  if (twice > b || (twice === b && q % 2n === 1n)) q += 1n;
  return negative ? -q : q;
}

/**
 * Exact decimal → integer units scaled by 10^scale, half-even.
 * Accepts decimal strings ("0.1234567", "-3", "1e-7") and JSON numbers. A JSON number is
 * read through its shortest round-trip text (String(n)), which is the text the provider
 * sent for any value with ≤ 15 significant digits.
 */
export function parseDecimalScaled(value: string | number, scale: number): bigint {
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw new RangeError(`not a finite number: ${value}`);
  }
  const text = String(value).trim();
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new RangeError(`not a decimal number: "${text}"`);
  const sign = m[1] === "-" ? -1n : 1n;
  const digits = (m[2] ?? "") + (m[3] ?? "");
  const exponent = Number(m[4] ?? "0") - (m[3] ?? "").length + scale;
  const mantissa = BigInt(digits === "" ? "0" : digits);
  if (exponent >= 0) return sign * mantissa * 10n ** BigInt(exponent);
  return sign * divRoundHalfEven(mantissa, 10n ** BigInt(-exponent));
}

/** "12.345678" dollars (or credits) → micro-units, half-even beyond six decimals. */
export function parseMicros(value: string | number): bigint {
  return parseDecimalScaled(value, 6);
}

/** Cents as a decimal (Anthropic's cost amounts) → micro-USD. "123.45" cents = $1.2345. */
export function centsToMicros(value: string | number): bigint {
  return parseDecimalScaled(value, 4);
}

/** Exact plain decimal text with six places, for CSV and JSON: 1234567n → "1.234567". */
export function microsToDecimal(micros: bigint, places = 6): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  let scaled = abs;
  if (places < 6) scaled = divRoundHalfEven(abs, 10n ** BigInt(6 - places));
  const base = 10n ** BigInt(places);
  const whole = scaled / base;
  const frac = places > 0 ? "." + (scaled % base).toString().padStart(places, "0") : "";
  return `${negative && scaled !== 0n ? "-" : ""}${whole}${frac}`;
}

export type Unit = "USD" | "CREDITS";

function groupThousands(whole: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * The one display formatter for money and credits: "$1,234.56", "1,234.5 credits".
 * USD is shown to the cent; credits to two places. Rounding is half-even on the integer.
 */
export function formatAmount(micros: bigint, unit: Unit, opts: { compact?: boolean } = {}): string {
  const text = microsToDecimal(micros, 2);
  const negative = text.startsWith("-");
  const [whole = "0", frac = "00"] = (negative ? text.slice(1) : text).split(".");
  let body = `${groupThousands(whole)}.${frac}`;
  if (opts.compact) {
    const abs = micros < 0n ? -micros : micros;
    if (abs >= 1_000_000n * MICROS_PER_UNIT) body = `${microsToDecimal(divRoundHalfEven(abs, 1_000_000n), 1)}M`;
    else if (abs >= 10_000n * MICROS_PER_UNIT) body = `${microsToDecimal(divRoundHalfEven(abs, 1_000n), 1)}k`;
  }
  const sign = negative ? "−" : "";
  return unit === "USD" ? `${sign}$${body}` : `${sign}${body} credits`;
}

/** Converts between USD and credits with the workspace rate (micro-USD per credit). */
export function usdToCredits(usdMicros: bigint, usdPerCreditMicros: bigint): bigint {
  return divRoundHalfEven(usdMicros * MICROS_PER_UNIT, usdPerCreditMicros);
}

export function creditsToUsd(creditMicros: bigint, usdPerCreditMicros: bigint): bigint {
  return divRoundHalfEven(creditMicros * usdPerCreditMicros, MICROS_PER_UNIT);
}

/** Picks the figure that a workspace budgets in. */
export function inBudgetUnit(unit: Unit, v: { costMicros: bigint; creditsMicros: bigint }): bigint {
  return unit === "USD" ? v.costMicros : v.creditsMicros;
}

/** Share a/b as a percentage with one decimal, for display only (never for money). */
export function percentOf(part: bigint, whole: bigint): number {
  if (whole === 0n) return 0;
  return Number((part * 1000n) / whole) / 10;
}

/** Number of micro-units as a JS number, for chart geometry only. */
export function microsToChartNumber(micros: bigint): number {
  return Number(micros) / 1_000_000;
}
