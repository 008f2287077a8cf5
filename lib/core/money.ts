/**
 * Money and credits as integer micro-units (1 USD = 1,000,000 micros).
 * Parsing is exact (decimal text → bigint) with half-even rounding; formatting happens
 * only at the edge. Nothing here ever multiplies a float.
 */

export const MICROS_PER_UNIT = 1_000_000n;

/** 100 million credits (or dollars) per member, pool or grant: beyond that it is a typo. */
export const MAX_AMOUNT_MICROS = 100_000_000n * MICROS_PER_UNIT;

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Provider data never needs an exponent beyond this (1e30 micro-units is far past any bill);
 * a bigger one ("1e10000000") would make `10n ** exponent` stall the event loop.
 */
export const MAX_DECIMAL_EXPONENT = 30;
/** Nor more digits than this in one amount (BigInt parsing of huge texts is slow too). */
const MAX_DECIMAL_DIGITS = 200;

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
  if (!m || (m[2] === "" && (m[3] ?? "") === ""))
    throw new RangeError(`not a decimal number: "${text}"`);
  const sign = m[1] === "-" ? -1n : 1n;
  const digits = (m[2] ?? "") + (m[3] ?? "");
  if (digits.length > MAX_DECIMAL_DIGITS)
    throw new RangeError(`too many digits: "${text.slice(0, 40)}…"`);
  // checked on the text before any arithmetic: Number("9".repeat(400)) is Infinity, and a
  // large finite one would ask for a BigInt with millions of digits
  const given = m[4] === undefined ? 0 : Number(m[4]);
  if (!(Math.abs(given) <= MAX_DECIMAL_EXPONENT))
    throw new RangeError(
      `exponent out of range (at most ±${MAX_DECIMAL_EXPONENT}): "${text.slice(0, 40)}"`,
    );
  const exponent = given - (m[3] ?? "").length + scale;
  const mantissa = BigInt(digits === "" ? "0" : digits);
  if (exponent >= 0) return sign * mantissa * 10n ** BigInt(exponent);
  return sign * divRoundHalfEven(mantissa, 10n ** BigInt(-exponent));
}

export type AmountParse = { ok: true; micros: bigint } | { ok: false; error: string };

export interface AmountTextOptions {
  /** the largest accepted value (micro-units); default MAX_AMOUNT_MICROS */
  maxMicros?: bigint;
  /** how messages name the field: "Amount" (default), "Limit", "Pooled cap" */
  label?: string;
}

const PLAIN_AMOUNT = /^(\d+|\d{1,3}(?:,\d{3})+)?(?:\.(\d+))?$/;

/** "100000000" → "100,000,000" (for messages). */
function wholeUnitsText(micros: bigint): string {
  const whole = (micros / MICROS_PER_UNIT).toString();
  const frac = micros % MICROS_PER_UNIT;
  return (
    groupThousands(whole) +
    (frac === 0n ? "" : "." + frac.toString().padStart(6, "0").replace(/0+$/, ""))
  );
}

/**
 * THE parser for an amount a person typed (limits, pooled caps, requests, grants, the
 * manager ceiling; the decision screen checks with it too): plain digits with an optional
 * point and at most 6 decimal places ("1200", "99.5", "0.000001"); a comma only as a
 * correctly grouped thousands separator ("1,200", "12,345.5"). Everything is checked on
 * the text — exponents, signs, length, grouping, decimal places — before any BigInt is
 * made, so no input can make the arithmetic slow. Positive and at most `maxMicros`.
 */
export function parseAmountText(text: string, opts: AmountTextOptions = {}): AmountParse {
  const max = opts.maxMicros ?? MAX_AMOUNT_MICROS;
  const label = opts.label ?? "Amount";
  const t = text.trim();
  const fail = (error: string): AmountParse => ({ ok: false, error });
  if (t === "") return fail(`${label} is missing: enter a number like 1200 or 99.50`);
  // the longest text a value up to max can be written with: grouped whole part, point, 6 places
  const wholeDigits = (max / MICROS_PER_UNIT).toString().length;
  const longest = wholeDigits + Math.floor((wholeDigits - 1) / 3) + 1 + 6;
  if (t.length > longest)
    return fail(
      `${label} is too long: at most ${wholeUnitsText(max)}, with up to 6 decimal places`,
    );
  if (/^[+-]/.test(t))
    return t.startsWith("-")
      ? fail(`${label} must be more than zero`)
      : fail(`${label} must be plain digits, like 1200 or 99.50 (no sign)`);
  if (/[eE]/.test(t))
    return fail(`${label} must be plain digits, like 1200 or 99.50 (no exponents such as 1e6)`);
  const m = PLAIN_AMOUNT.exec(t);
  if (!m || (m[1] === undefined && m[2] === undefined)) {
    if (/^[\d,]*(\.\d*)?$/.test(t) && t.includes(",")) {
      return fail(
        `${label}: a comma may only separate thousands (1,200 or 12,345.5); for decimals use a point, e.g. 1.5`,
      );
    }
    return fail(`${label} must be a number, like 1200 or 99.50`);
  }
  const frac = m[2] ?? "";
  if (frac.length > 6) return fail(`${label} has more than 6 decimal places`);
  const whole = (m[1] ?? "0").replace(/,/g, "");
  const micros = BigInt(whole) * MICROS_PER_UNIT + BigInt(frac.padEnd(6, "0"));
  if (micros <= 0n) return fail(`${label} must be more than zero`);
  if (micros > max) return fail(`${label} must be at most ${wholeUnitsText(max)}`);
  return { ok: true, micros };
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
    if (abs >= 1_000_000n * MICROS_PER_UNIT)
      body = `${microsToDecimal(divRoundHalfEven(abs, 1_000_000n), 1)}M`;
    else if (abs >= 10_000n * MICROS_PER_UNIT)
      body = `${microsToDecimal(divRoundHalfEven(abs, 1_000n), 1)}k`;
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

/** A percentage as shown everywhere: one decimal and the sign ("12.5%"); "—" when unknown. */
export function formatPercent(pct: number | null): string {
  return pct === null ? "—" : `${pct.toFixed(1)}%`;
}

/** Number of micro-units as a JS number, for chart geometry only. */
export function microsToChartNumber(micros: bigint): number {
  return Number(micros) / 1_000_000;
}
