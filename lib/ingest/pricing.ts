/**
 * List-price estimates from a rate card (USD per 1M tokens, exact decimal strings).
 * USD per 1M tokens is numerically micro-USD per token, so a row's cost is
 * Σ tokens × price, kept exact at pico scale and rounded half-even once per row.
 */
import { divRoundHalfEven, parseDecimalScaled } from "../core/money";

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

/** Pricing dimensions of a usage row (UsageRow.serviceTier / contextWindow / inferenceGeo). */
export interface PricingDimensions {
  serviceTier?: string;
  contextWindow?: string;
  inferenceGeo?: string;
}

/** A multiplier in hundredths (exact): 50 = ×0.5, 110 = ×1.1. */
interface Factor {
  input: bigint;
  output: bigint;
}
const ONE: Factor = { input: 100n, output: 100n };

/*
 * Where the multipliers come from (list prices, so they only shape an estimate and the split of
 * a bill; the billed amount always comes from the provider's cost data):
 * - batch ×0.5: OpenAI "Batch API: save 50% on inputs and outputs" (openai.com/api/pricing);
 *   Anthropic "Message Batches API … 50% discount" (docs.anthropic.com, pricing → batch processing).
 * - flex ×0.5: OpenAI "Flex processing … priced at Batch API rates" (platform docs, flex processing).
 *   Anthropic's flex / flex_discount tiers (VENDOR-APIS §1.2) are undocumented in price: read the
 *   same way (Inferred).
 * - priority: OpenAI priority processing lists gpt-5 at $2.50 / $20 against $1.25 / $10 standard,
 *   ×2 (openai.com/api/pricing, "Priority"). Anthropic's Priority Tier is a committed-spend plan
 *   at standard token prices: ×1.
 * - long context (Anthropic context_window 200k-1M): Sonnet 1M-context requests over 200k input
 *   are billed $6 / $22.50 against $3 / $15: input ×2, output ×1.5 (Anthropic pricing, "Long
 *   context pricing"); cache reads and writes follow the input price.
 * - regional (Anthropic inference_geo us): US-only inference ×1.1 on every token (Anthropic docs,
 *   "Data residency — inference_geo").
 */
function tierFactor(provider: string, tier: string): Factor {
  switch (tier) {
    case "batch":
    case "flex":
    case "flex_discount":
      return { input: 50n, output: 50n };
    case "priority":
      return provider === "openai" ? { input: 200n, output: 200n } : ONE;
    default:
      return ONE;
  }
}

function contextFactor(window: string): Factor {
  return window === "200k-1M" ? { input: 200n, output: 150n } : ONE;
}

function geoFactor(geo: string): Factor {
  return geo === "us" ? { input: 110n, output: 110n } : ONE;
}

/**
 * Exact list price of a row with its pricing dimensions, micro-USD half-even (once). With no
 * dimensions it equals priceTokens to the micro.
 */
export function priceTokensWith(
  provider: string,
  price: ModelPrice,
  t: TokenCounts,
  dims: PricingDimensions = {},
): bigint {
  let input =
    t.uncachedInput * picoPerToken(price.input) + t.cachedInput * picoPerToken(price.cachedInput);
  if (t.cacheWrite5m) input += t.cacheWrite5m * picoPerToken(price.cacheWrite5m ?? price.input);
  if (t.cacheWrite1h) input += t.cacheWrite1h * picoPerToken(price.cacheWrite1h ?? price.input);
  const output = t.output * picoPerToken(price.output);
  const factors = [
    tierFactor(provider, dims.serviceTier ?? ""),
    contextFactor(dims.contextWindow ?? ""),
    geoFactor(dims.inferenceGeo ?? ""),
  ];
  const inF = factors.reduce((a, f) => a * f.input, 1n);
  const outF = factors.reduce((a, f) => a * f.output, 1n);
  return divRoundHalfEven(input * inF + output * outF, PICO_PER_MICRO * 1_000_000n);
}

/**
 * OpenAI usage that is not priced per token: list price per unit in micro-USD (decimal text).
 * Weights for splitting a project's bill, from openai.com/api/pricing: images $0.04 (DALL·E 3 /
 * gpt-image standard 1024×1024), text-to-speech $15 per 1M characters (tts-1), transcription
 * $0.006 per minute (whisper-1), code interpreter $0.03 per session, file search $2.50 per 1k
 * calls, web search $10 per 1k calls, vector storage $0.10 per GB-day.
 */
export const UNIT_PRICES_MICROS = {
  image: "40000",
  character: "15",
  second: "100",
  session: "30000",
  fileSearchCall: "2500",
  webSearchCall: "10000",
  /** per byte-day: $0.10 / 1e9 bytes */
  byteDay: "0.0001",
} as const;

/** units × a unit price in micro-USD (decimal text), half-even. */
export function priceUnits(units: bigint, microsPerUnit: string): bigint {
  return divRoundHalfEven(units * parseDecimalScaled(microsPerUnit, 6), 1_000_000n);
}
