/**
 * The billing scenario's truth, computed from its events with this module's own exact
 * arithmetic (BigInt, half-even once per event) — never through adapter, pricing, currency or
 * allocation code of the app. What a correct sync must reproduce to the micro-dollar:
 * billed per provider / day / person, the seat estimates per person, and the cost report in USD.
 *
 * Price rules (the provider's list prices, see lib/ingest/pricing.ts for the sources):
 * OpenAI batch and flex ×0.5, priority ×2, cache writes at the input price; Anthropic batch
 * ×0.5, priority ×1, context 200k-1M input ×2 / output ×1.5, inference geo us ×1.1.
 * Per-unit list prices of the other OpenAI endpoints in micro-USD: image 40,000, character 15,
 * transcribed second 100, web search call 10,000, file search call 2,500, code interpreter
 * session 30,000, vector storage 0.0001 per byte-day; moderations are free.
 */
import {
  anthropicEvents,
  BILLING_CURRENCY,
  claudeCodeRecords,
  EXTRA_COST_LINES,
  MAPPED_IDENTITIES,
  OPENAI_USERS,
  openaiEvents,
  SCENARIO_DAYS,
  SCENARIO_PRICES,
  SCENARIO_RATES,
  type AnthropicMessage,
  type OpenAiCompletion,
  type OpenAiOther,
} from "./billing-scenario";

export const NONE = "(none)";

/** "1.25" → 1250000n at scale 6 (prices have at most six decimals). */
function scaled(text: string, scale: number): bigint {
  const [w, f = ""] = text.split(".");
  if (f.length > scale) throw new Error(`too many decimals in ${text}`);
  return BigInt(w!) * 10n ** BigInt(scale) + BigInt((f + "0".repeat(scale)).slice(0, scale) || "0");
}

function halfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r * 2n > d || (r * 2n === d && q % 2n === 1n)) return q + 1n;
  return q;
}

/** micro-USD → exact decimal text with `places` decimals fewer (1e6 → dollars, 1e4 → cents). */
function microsText(micros: bigint, perUnit: bigint): string {
  const digits = perUnit.toString().length - 1;
  const whole = micros / perUnit;
  const frac = (micros % perUnit).toString().padStart(digits, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : `${whole}`;
}

const OPENAI_FAMILY: Record<string, keyof typeof SCENARIO_PRICES.openai> = {
  "gpt-4o-mini-2024-07-18": "gpt-4o-mini",
  "gpt-4o-mini": "gpt-4o-mini",
  "gpt-5-2025-08-07": "gpt-5",
  "gpt-5": "gpt-5",
  "text-embedding-3-small": "text-embedding-3-small",
};
const ANTHROPIC_FAMILY: Record<string, keyof typeof SCENARIO_PRICES.anthropic> = {
  "claude-sonnet-4-20250514": "claude-sonnet-4",
  "claude-haiku-4-5-20251001": "claude-haiku-4-5",
};

// pico-USD per token = price (USD / 1M tokens) × 10^6
const pico = (price: string) => scaled(price, 6);
const MICRO_IN_PICO = 1_000_000n;

export function completionMicros(e: OpenAiCompletion): bigint {
  const p = SCENARIO_PRICES.openai[OPENAI_FAMILY[e.model]!];
  const uncached = BigInt(e.input - e.cached - e.writes);
  const picos =
    (uncached + BigInt(e.writes)) * pico(p.input) +
    BigInt(e.cached) * pico(p.cachedInput) +
    BigInt(e.output) * pico(p.output);
  const tier = e.batch ? "batch" : e.tier;
  const [num, den] =
    tier === "batch" || tier === "flex" ? [1n, 2n] : tier === "priority" ? [2n, 1n] : [1n, 1n];
  return halfEven(picos * num, MICRO_IN_PICO * den);
}

export function otherMicros(e: OpenAiOther): bigint {
  const f = (k: string) => BigInt(Number(e.fields[k] ?? 0));
  switch (e.endpoint) {
    case "embeddings":
      return halfEven(
        f("input_tokens") * pico(SCENARIO_PRICES.openai[OPENAI_FAMILY[e.model!]!].input),
        MICRO_IN_PICO,
      );
    case "moderations":
      return 0n;
    case "images":
      return f("images") * 40_000n;
    case "audio_speeches":
      return f("characters") * 15n;
    case "audio_transcriptions":
      return f("seconds") * 100n;
    case "web_search_calls":
      return f("num_requests") * 10_000n;
    case "file_search_calls":
      return f("num_requests") * 2_500n;
    case "code_interpreter_sessions":
      return f("num_sessions") * 30_000n;
    case "vector_stores":
      return halfEven(f("usage_bytes"), 10_000n);
    default:
      throw new Error(`unknown endpoint ${e.endpoint}`);
  }
}

export function messageMicros(e: AnthropicMessage): bigint {
  const p = SCENARIO_PRICES.anthropic[ANTHROPIC_FAMILY[e.model]!];
  const input =
    BigInt(e.uncached) * pico(p.input) +
    BigInt(e.cacheRead) * pico(p.cachedInput) +
    BigInt(e.write5m) * pico(p.cacheWrite5m) +
    BigInt(e.write1h) * pico(p.cacheWrite1h);
  const output = BigInt(e.output) * pico(p.output);
  // factors in hundredths
  let inF = 100n,
    outF = 100n,
    den = 100n;
  const mul = (i: bigint, o: bigint) => {
    inF *= i;
    outF *= o;
    den *= 100n;
  };
  if (e.tier === "batch" || e.tier === "flex") mul(50n, 50n);
  if (e.context === "200k-1M") mul(200n, 150n);
  if (e.geo === "us") mul(110n, 110n);
  return halfEven(input * inF + output * outF, MICRO_IN_PICO * den);
}

const openaiPerson = new Map(OPENAI_USERS.map((u) => [u.id, u.email]));
const mapped = new Map(
  MAPPED_IDENTITIES.map((i) => [`${i.provider}|${i.kind}|${i.externalId}`, i.email]),
);

function anthropicPerson(e: AnthropicMessage): string {
  if (e.account) return mapped.get(`anthropic|user_id|${e.account}`) ?? NONE;
  if (e.serviceAccount) return NONE;
  return (e.key && mapped.get(`anthropic|api_key_id|${e.key}`)) || NONE;
}

/** The bill of one (provider, day, scope): the sum of its events' list prices, micro-USD. */
export interface Bill {
  provider: "openai" | "anthropic";
  day: string;
  scope: string | null;
  micros: bigint;
}

export function bills(): Bill[] {
  const out = new Map<string, Bill>();
  const add = (provider: Bill["provider"], day: string, scope: string | null, micros: bigint) => {
    const key = `${provider}|${day}|${scope}`;
    const b = out.get(key) ?? { provider, day, scope, micros: 0n };
    b.micros += micros;
    out.set(key, b);
  };
  SCENARIO_DAYS.forEach((day, d) => {
    for (const e of openaiEvents(d))
      add("openai", day, e.project, e.kind === "completion" ? completionMicros(e) : otherMicros(e));
    for (const e of anthropicEvents(d)) add("anthropic", day, e.workspace, messageMicros(e));
  });
  return [...out.values()];
}

/** A served cost line: amount in major units (exact text) and currency; USD micros by the owner's rates (null = no rate). */
export interface ServedCost {
  provider: "openai" | "anthropic";
  day: string;
  scope: string | null;
  lineItem: string;
  currency: string;
  amount: string | null;
  usdMicros: bigint | null;
}

function rateFor(currency: string, day: string): string | null {
  if (currency.toUpperCase() === "USD") return "1";
  const entries = SCENARIO_RATES.filter(
    (r) => r.currency === currency.toUpperCase() && r.effectiveFrom <= day,
  ).sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1));
  return entries[0]?.usdPerUnit ?? null;
}

function usdOf(amount: string | null, currency: string, day: string): bigint | null {
  const rate = rateFor(currency, day);
  if (rate === null) return null;
  if (amount === null) return 0n;
  return halfEven(scaled(amount, 12) * scaled(rate, 6), 10n ** 12n);
}

/** `usdOnly`: every bill in USD and no quirky extra lines (what the code before issue 16 could read). */
export interface ScenarioOptions {
  usdOnly?: boolean;
}

function extras(o: ScenarioOptions) {
  return EXTRA_COST_LINES.filter(
    (x) => !o.usdOnly || (x.amount !== null && x.currency.toUpperCase() === "USD"),
  );
}

export function servedCosts(o: ScenarioOptions = {}): ServedCost[] {
  const out: ServedCost[] = [];
  for (const b of bills()) {
    const cur = o.usdOnly ? undefined : BILLING_CURRENCY[b.scope ?? ""];
    const lineItem = b.provider === "openai" ? "usage" : "Claude usage";
    // a non-USD bill: micros × unit-per-USD, exact (the rate is its inverse)
    const amount = cur
      ? microsText(b.micros * scaled(cur.perUsd, 1), 10_000_000n)
      : microsText(b.micros, 1_000_000n);
    const currency = cur?.currency ?? (b.provider === "openai" ? "usd" : "USD");
    out.push({
      provider: b.provider,
      day: b.day,
      scope: b.scope,
      lineItem,
      currency,
      amount,
      usdMicros: usdOf(amount, currency, b.day),
    });
  }
  for (const x of extras(o)) out.push({ ...x, usdMicros: usdOf(x.amount, x.currency, x.day) });
  return out;
}

export interface Truth {
  /** provider → billed micro-USD (= the cost report converted, lines without a rate left out) */
  billedByProvider: Record<string, bigint>;
  /** provider|day → billed */
  billedByDay: Record<string, bigint>;
  /** provider|email (or "(none)") → billed */
  billedByPerson: Record<string, bigint>;
  /** provider|day|email → billed */
  billedByDayPerson: Record<string, bigint>;
  /** email → Claude Code seat estimate, micro-USD */
  seatByPerson: Record<string, bigint>;
  /** lines served without an exchange rate */
  missingRate: { provider: string; day: string; currency: string }[];
  missingAmount: number;
}

const addTo = (m: Record<string, bigint>, k: string, v: bigint) => {
  m[k] = (m[k] ?? 0n) + v;
};

export function billingTruth(o: ScenarioOptions = {}): Truth {
  const t: Truth = {
    billedByProvider: {},
    billedByDay: {},
    billedByPerson: {},
    billedByDayPerson: {},
    seatByPerson: {},
    missingRate: [],
    missingAmount: 0,
  };
  const credit = (provider: string, day: string, person: string, micros: bigint) => {
    addTo(t.billedByProvider, provider, micros);
    addTo(t.billedByDay, `${provider}|${day}`, micros);
    addTo(t.billedByPerson, `${provider}|${person}`, micros);
    addTo(t.billedByDayPerson, `${provider}|${day}|${person}`, micros);
  };
  // every bill equals its events' list prices, so each event is billed exactly its list price
  SCENARIO_DAYS.forEach((day, d) => {
    for (const e of openaiEvents(d)) {
      const person = e.user ? (openaiPerson.get(e.user) ?? NONE) : NONE;
      credit("openai", day, person, e.kind === "completion" ? completionMicros(e) : otherMicros(e));
    }
    for (const e of anthropicEvents(d))
      credit("anthropic", day, anthropicPerson(e), messageMicros(e));
    for (const r of claudeCodeRecords(d)) {
      if (r.customerType !== "subscription") continue;
      const usd = usdOf(microsText(BigInt(r.cents), 100n), r.currency, day);
      addTo(t.seatByPerson, r.email, usd ?? 0n);
    }
  });
  // extra lines: billed with no usage behind them (unattributed), no amount (0), or no rate (left out)
  for (const x of extras(o)) {
    const usd = usdOf(x.amount, x.currency, x.day);
    if (x.amount === null) t.missingAmount++;
    if (usd === null)
      t.missingRate.push({ provider: x.provider, day: x.day, currency: x.currency.toUpperCase() });
    else if (usd !== 0n) credit(x.provider, x.day, NONE, usd);
  }
  return t;
}
