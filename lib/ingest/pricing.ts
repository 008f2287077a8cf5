/**
 * List-price estimates from a rate card (USD per 1M tokens, exact decimal strings).
 * USD per 1M tokens is numerically micro-USD per token, so a row's cost is
 * Σ tokens × price, kept exact at pico scale and rounded half-even once per row.
 */
import { divRoundHalfEven, parseDecimalScaled } from "../money";

export interface ModelPrice {
  /** uncached input */
  input: string;
  cachedInput: string;
  output: string;
  cacheWrite5m?: string;
  cacheWrite1h?: string;
}

export interface TokenCounts {
  /** uncached input tokens */
  uncachedInput: bigint;
  cachedInput: bigint;
  output: bigint;
  cacheWrite5m?: bigint;
  cacheWrite1h?: bigint;
}

const PICO_PER_MICRO = 1_000_000n;

const parsedPrices = new Map<string, bigint>();

function picoPerToken(price: string): bigint {
  // price (USD per 1M tokens) == micro-USD per token; scaled by 10^6 to pico-USD, exact
  // for any price with up to six decimals. Memoised: ingestion prices millions of rows.
  let pico = parsedPrices.get(price);
  if (pico === undefined) {
    pico = parseDecimalScaled(price, 6);
    parsedPrices.set(price, pico);
  }
  return pico;
}

/** Exact list price of one usage row in micro-USD, half-even. */
export function priceTokens(price: ModelPrice, t: TokenCounts): bigint {
  let picos =
    t.uncachedInput * picoPerToken(price.input) +
    t.cachedInput * picoPerToken(price.cachedInput) +
    t.output * picoPerToken(price.output);
  if (t.cacheWrite5m) picos += t.cacheWrite5m * picoPerToken(price.cacheWrite5m ?? price.input);
  if (t.cacheWrite1h) picos += t.cacheWrite1h * picoPerToken(price.cacheWrite1h ?? price.input);
  return divRoundHalfEven(picos, PICO_PER_MICRO);
}
