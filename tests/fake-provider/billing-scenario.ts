/**
 * The billing scenario of the fake provider (issue 16): one small organisation whose data
 * exercises what finance checks — dated model names, cache writes, batch / flex / priority
 * tiers, long context and US-only inference, every OpenAI usage endpoint, subscription and
 * API Claude Code side by side, a non-USD cost page, a cost result without amount, a day
 * without an exchange rate, a bill with no usage behind it.
 *
 * The scenario is a list of usage events with the scenario's own prices; the provider pages
 * are generated from it and each (day, project/workspace) bill is the sum of its events' list
 * prices, so each person's share of a bill is exactly their list price. The truth
 * (billing-truth.ts) is computed from these events with its own arithmetic, never by calling
 * adapter or pricing code.
 */
import type { ProviderData, Result } from "./data";

export const SCENARIO_DAYS = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"];
export const SCENARIO_WINDOW = { start: "2026-11-01", end: "2026-11-06" };

/** USD per 1M tokens (the scenario's rate card; family names, usage reports dated snapshots) */
export const SCENARIO_PRICES = {
  openai: {
    "gpt-4o-mini": { input: "0.15", cachedInput: "0.075", output: "0.6" },
    "gpt-5": { input: "1.25", cachedInput: "0.125", output: "10" },
    "text-embedding-3-small": { input: "0.02", cachedInput: "0.02", output: "0" },
  },
  anthropic: {
    "claude-sonnet-4": {
      input: "3",
      cachedInput: "0.3",
      output: "15",
      cacheWrite5m: "3.75",
      cacheWrite1h: "6",
    },
    "claude-haiku-4-5": {
      input: "1",
      cachedInput: "0.1",
      output: "5",
      cacheWrite5m: "1.25",
      cacheWrite1h: "2",
    },
  },
} as const;

/** The owner's exchange rates in the scenario (USD per unit, from the day given). CHF has none. */
export const SCENARIO_RATES = [
  { currency: "EUR", effectiveFrom: "2026-11-01", usdPerUnit: "1.25" },
  { currency: "GBP", effectiveFrom: "2026-11-01", usdPerUnit: "1.25" },
];

export interface Person {
  email: string;
  name: string;
}
export const PEOPLE: Person[] = [
  { email: "alice@acme.example", name: "Alice" },
  { email: "bob@acme.example", name: "Bob" },
  { email: "carol@acme.example", name: "Carol" },
];

/** Provider identities the owner mapped by hand (OpenAI users map by their email). */
export const MAPPED_IDENTITIES = [
  { provider: "anthropic", kind: "user_id", externalId: "acct_alice", email: "alice@acme.example" },
  {
    provider: "anthropic",
    kind: "api_key_id",
    externalId: "key_ant_bob",
    email: "bob@acme.example",
  },
];

export const OPENAI_USERS = [
  { id: "user_alice", email: "alice@acme.example", name: "Alice" },
  { id: "user_bob", email: "bob@acme.example", name: "Bob" },
];

export interface OpenAiCompletion {
  kind: "completion";
  project: string;
  user: string | null;
  key: string;
  model: string;
  input: number;
  cached: number;
  writes: number;
  output: number;
  requests: number;
  batch: boolean;
  tier: string;
}

/** Non-token OpenAI usage: `units` of `unit`, on an endpoint. */
export interface OpenAiOther {
  kind: "other";
  endpoint: string;
  project: string;
  user: string | null;
  key: string | null;
  model: string | null;
  fields: Record<string, number | string | null>;
}

export interface AnthropicMessage {
  workspace: string | null;
  account: string | null;
  serviceAccount: string | null;
  key: string | null;
  model: string;
  uncached: number;
  cacheRead: number;
  write5m: number;
  write1h: number;
  output: number;
  tier: string;
  context: string;
  geo: string;
}

export interface ClaudeCodeRecord {
  email: string;
  customerType: "subscription" | "api";
  model: string;
  /** minor units */
  cents: number;
  currency: string;
  tokens: { input: number; output: number; cache_read: number; cache_creation: number };
}

/** The events of one day (d = 0..3 varies the amounts so days differ). */
export function openaiEvents(d: number): (OpenAiCompletion | OpenAiOther)[] {
  const c = (x: Omit<OpenAiCompletion, "kind">): OpenAiCompletion => ({ kind: "completion", ...x });
  return [
    c({
      project: "proj_web",
      user: "user_alice",
      key: "key_a",
      model: "gpt-4o-mini-2024-07-18",
      input: 1_000_000 + d * 1_111,
      cached: 200_000,
      writes: 50_000,
      output: 100_000 + d * 7,
      requests: 100,
      batch: false,
      tier: "default",
    }),
    c({
      project: "proj_web",
      user: "user_bob",
      key: "key_b",
      model: "gpt-4o-mini",
      input: 1_000_000,
      cached: 200_000,
      writes: 0,
      output: 100_000,
      requests: 90,
      batch: false,
      tier: "default",
    }),
    c({
      project: "proj_web",
      user: "user_bob",
      key: "key_b",
      model: "gpt-4o-mini",
      input: 3_000_000 + d,
      cached: 0,
      writes: 0,
      output: 400_000,
      requests: 40,
      batch: true,
      tier: "default",
    }),
    c({
      project: "proj_data",
      user: "user_alice",
      key: "key_a",
      model: "gpt-5-2025-08-07",
      input: 400_000 + d * 333,
      cached: 100_000,
      writes: 0,
      output: 50_000,
      requests: 30,
      batch: false,
      tier: "priority",
    }),
    c({
      project: "proj_data",
      user: "user_alice",
      key: "key_a",
      model: "gpt-5-2025-08-07",
      input: 800_000,
      cached: 0,
      writes: 0,
      output: 60_000 + d,
      requests: 20,
      batch: false,
      tier: "flex",
    }),
    c({
      project: "proj_data",
      user: null,
      key: "key_svc",
      model: "gpt-5",
      input: 300_000,
      cached: 0,
      writes: 0,
      output: 30_000,
      requests: 10,
      batch: false,
      tier: "default",
    }),
    c({
      project: "proj_eu",
      user: "user_bob",
      key: "key_b",
      model: "gpt-5",
      input: 500_000 + d * 10,
      cached: 50_000,
      writes: 0,
      output: 40_000,
      requests: 25,
      batch: false,
      tier: "default",
    }),
    {
      kind: "other",
      endpoint: "embeddings",
      project: "proj_data",
      user: "user_alice",
      key: "key_a",
      model: "text-embedding-3-small",
      fields: { input_tokens: 2_000_000 + d, num_model_requests: 50 },
    },
    {
      kind: "other",
      endpoint: "moderations",
      project: "proj_web",
      user: "user_alice",
      key: "key_a",
      model: "omni-moderation-latest",
      fields: { input_tokens: 10_000, num_model_requests: 12 },
    },
    {
      kind: "other",
      endpoint: "images",
      project: "proj_web",
      user: "user_bob",
      key: "key_b",
      model: "gpt-image-1",
      fields: {
        images: 10 + d,
        num_model_requests: 10 + d,
        source: "image.generation",
        size: "1024x1024",
      },
    },
    {
      kind: "other",
      endpoint: "audio_speeches",
      project: "proj_web",
      user: "user_bob",
      key: "key_b",
      model: "tts-1",
      fields: { characters: 20_000, num_model_requests: 4 },
    },
    {
      kind: "other",
      endpoint: "audio_transcriptions",
      project: "proj_data",
      user: "user_alice",
      key: "key_a",
      model: "whisper-1",
      fields: { seconds: 600, num_model_requests: 3 },
    },
    {
      kind: "other",
      endpoint: "web_search_calls",
      project: "proj_web",
      user: "user_alice",
      key: "key_a",
      model: "gpt-4o-mini",
      fields: { num_requests: 30, num_model_requests: 30, context_level: "medium" },
    },
    {
      kind: "other",
      endpoint: "file_search_calls",
      project: "proj_web",
      user: "user_bob",
      key: "key_b",
      model: null,
      fields: { num_requests: 200, vector_store_id: "vs_1" },
    },
    {
      kind: "other",
      endpoint: "code_interpreter_sessions",
      project: "proj_data",
      user: null,
      key: null,
      model: null,
      fields: { num_sessions: 4 },
    },
    {
      kind: "other",
      endpoint: "vector_stores",
      project: "proj_data",
      user: null,
      key: null,
      model: null,
      fields: { usage_bytes: 3_000_000_000 },
    },
  ];
}

export function anthropicEvents(d: number): AnthropicMessage[] {
  const base = {
    workspace: "wrk_eng",
    account: null,
    serviceAccount: null,
    key: null,
    cacheRead: 0,
    write5m: 0,
    write1h: 0,
    tier: "standard",
    context: "0-200k",
    geo: "global",
  };
  return [
    {
      ...base,
      account: "acct_alice",
      model: "claude-sonnet-4-20250514",
      uncached: 200_000 + d * 99,
      cacheRead: 1_000_000,
      write5m: 40_000,
      write1h: 10_000,
      output: 30_000,
    },
    {
      ...base,
      account: "acct_alice",
      model: "claude-sonnet-4-20250514",
      uncached: 500_000,
      output: 50_000 + d,
      tier: "batch",
    },
    {
      ...base,
      account: "acct_alice",
      model: "claude-sonnet-4-20250514",
      uncached: 400_000,
      cacheRead: 100_000,
      output: 20_000,
      context: "200k-1M",
    },
    {
      ...base,
      key: "key_ant_bob",
      model: "claude-haiku-4-5-20251001",
      uncached: 900_000 + d,
      cacheRead: 300_000,
      write5m: 5_000,
      output: 80_000,
      geo: "us",
    },
    {
      ...base,
      serviceAccount: "sa_ci",
      model: "claude-haiku-4-5-20251001",
      uncached: 100_000,
      output: 10_000,
      tier: "priority",
    },
    // bob's API-billed Claude Code: in the messages report under his key (and below in the Claude Code report)
    {
      ...base,
      workspace: null,
      key: "key_ant_bob",
      model: "claude-sonnet-4-20250514",
      uncached: 150_000,
      cacheRead: 600_000,
      write5m: 20_000,
      output: 25_000 + d,
    },
    {
      ...base,
      workspace: "wrk_uk",
      key: "key_ant_bob",
      model: "claude-haiku-4-5-20251001",
      uncached: 300_000,
      output: 30_000 + d * 3,
    },
  ];
}

export function claudeCodeRecords(d: number): ClaudeCodeRecord[] {
  return [
    {
      email: "alice@acme.example",
      customerType: "subscription",
      model: "claude-sonnet-4-20250514",
      cents: 1234 + d,
      currency: "USD",
      tokens: { input: 50_000, output: 9_000, cache_read: 70_000, cache_creation: 3_000 },
    },
    {
      email: "carol@acme.example",
      customerType: "subscription",
      model: "claude-sonnet-4-20250514",
      cents: 800,
      currency: "EUR",
      tokens: { input: 20_000, output: 4_000, cache_read: 10_000, cache_creation: 1_000 },
    },
    // API-billed: its tokens and money are already in the messages and cost reports
    {
      email: "bob@acme.example",
      customerType: "api",
      model: "claude-sonnet-4-20250514",
      cents: 321,
      currency: "USD",
      tokens: { input: 770_000, output: 25_000, cache_read: 600_000, cache_creation: 20_000 },
    },
  ];
}

/** Cost lines beyond "the events' list price" per (day, scope): quirks the sync must take in stride. */
export interface ExtraCostLine {
  provider: "openai" | "anthropic";
  day: string;
  scope: string | null;
  lineItem: string;
  currency: string;
  /** major units as decimal text; null = the result has no amount */
  amount: string | null;
}
export const EXTRA_COST_LINES: ExtraCostLine[] = [
  {
    provider: "openai",
    day: "2026-11-03",
    scope: "proj_data",
    lineItem: "web search tool calls",
    currency: "usd",
    amount: null,
  },
  {
    provider: "openai",
    day: "2026-11-04",
    scope: "proj_web",
    lineItem: "support plan",
    currency: "chf",
    amount: "7.5",
  },
  {
    provider: "openai",
    day: "2026-11-03",
    scope: "proj_empty",
    lineItem: "fine-tuning training",
    currency: "usd",
    amount: "1.5",
  },
  {
    provider: "anthropic",
    day: "2026-11-05",
    scope: "wrk_idle",
    lineItem: "Web search",
    currency: "USD",
    amount: "0.42",
  },
];

/** Scopes billed in a currency other than USD, with the unit per USD used to write the bill. */
export const BILLING_CURRENCY: Record<string, { currency: string; perUsd: string }> = {
  proj_eu: { currency: "eur", perUsd: "0.8" },
  wrk_uk: { currency: "GBP", perUsd: "0.8" },
};

export type { ProviderData, Result };
