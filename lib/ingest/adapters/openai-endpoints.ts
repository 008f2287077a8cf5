/**
 * OpenAI's organisation usage endpoints besides completions (openai/openai-openapi:
 * /organization/usage/*): each becomes usage rows of product "api" with the endpoint as line
 * item, priced at list (tokens by the rate card, other units by UNIT_PRICES_MICROS), so a
 * project's bill is split over what was really used instead of only over completions.
 * Pure: schemas and the result → row mapping; the adapter does the fetching.
 */
import { z } from "zod";

import type { RateCard } from "../../ratecard/rate-card";
import { priceTokensWith, priceUnits, UNIT_PRICES_MICROS } from "../pricing";
import type { IdentityRef, UsageRow } from "../types";
import { big, tokenCount } from "./provider-common";

const ids = {
  project_id: z.string().nullish(),
  user_id: z.string().nullish(),
  api_key_id: z.string().nullish(),
  model: z.string().nullish(),
};

interface Measured {
  inputTokens?: number;
  requests: number;
  /** list price when not per token */
  unitEstimate?: bigint;
}

export interface UsageEndpoint {
  path: string;
  /** the row's lineItem */
  lineItem: string;
  groupBy: string[];
  schema: z.ZodType<Record<string, unknown>>;
  measure(r: Record<string, unknown>): Measured;
}

const n = (v: unknown) => (typeof v === "number" ? v : 0);

export const OTHER_USAGE_ENDPOINTS: UsageEndpoint[] = [
  {
    path: "/organization/usage/embeddings",
    lineItem: "embeddings",
    groupBy: ["project_id", "user_id", "api_key_id", "model"],
    schema: z.object({ ...ids, input_tokens: tokenCount, num_model_requests: tokenCount }),
    measure: (r) => ({ inputTokens: n(r.input_tokens), requests: n(r.num_model_requests) }),
  },
  {
    // moderations are free: priced at the rate card's input price when it lists the model, else 0
    path: "/organization/usage/moderations",
    lineItem: "moderations",
    groupBy: ["project_id", "user_id", "api_key_id", "model"],
    schema: z.object({ ...ids, input_tokens: tokenCount, num_model_requests: tokenCount }),
    measure: (r) => ({
      inputTokens: n(r.input_tokens),
      requests: n(r.num_model_requests),
      unitEstimate: 0n,
    }),
  },
  {
    path: "/organization/usage/images",
    lineItem: "images",
    groupBy: ["project_id", "user_id", "api_key_id", "model"],
    schema: z.object({
      ...ids,
      images: tokenCount,
      num_model_requests: tokenCount,
      source: z.string().nullish(),
      size: z.string().nullish(),
    }),
    measure: (r) => ({
      requests: n(r.num_model_requests),
      unitEstimate: priceUnits(big(n(r.images)), UNIT_PRICES_MICROS.image),
    }),
  },
  {
    path: "/organization/usage/audio_speeches",
    lineItem: "audio speeches",
    groupBy: ["project_id", "user_id", "api_key_id", "model"],
    schema: z.object({ ...ids, characters: tokenCount, num_model_requests: tokenCount }),
    measure: (r) => ({
      requests: n(r.num_model_requests),
      unitEstimate: priceUnits(big(n(r.characters)), UNIT_PRICES_MICROS.character),
    }),
  },
  {
    path: "/organization/usage/audio_transcriptions",
    lineItem: "audio transcriptions",
    groupBy: ["project_id", "user_id", "api_key_id", "model"],
    schema: z.object({ ...ids, seconds: tokenCount, num_model_requests: tokenCount }),
    measure: (r) => ({
      requests: n(r.num_model_requests),
      unitEstimate: priceUnits(big(n(r.seconds)), UNIT_PRICES_MICROS.second),
    }),
  },
  {
    path: "/organization/usage/web_search_calls",
    lineItem: "web search calls",
    groupBy: ["project_id", "user_id", "api_key_id", "model"],
    schema: z.object({
      ...ids,
      num_requests: tokenCount,
      num_model_requests: tokenCount,
      context_level: z.string().nullish(),
    }),
    measure: (r) => ({
      requests: n(r.num_requests),
      unitEstimate: priceUnits(big(n(r.num_requests)), UNIT_PRICES_MICROS.webSearchCall),
    }),
  },
  {
    path: "/organization/usage/file_search_calls",
    lineItem: "file search calls",
    groupBy: ["project_id", "user_id", "api_key_id"],
    schema: z.object({ ...ids, num_requests: tokenCount, vector_store_id: z.string().nullish() }),
    measure: (r) => ({
      requests: n(r.num_requests),
      unitEstimate: priceUnits(big(n(r.num_requests)), UNIT_PRICES_MICROS.fileSearchCall),
    }),
  },
  {
    path: "/organization/usage/code_interpreter_sessions",
    lineItem: "code interpreter sessions",
    groupBy: ["project_id"],
    schema: z.object({ project_id: z.string().nullish(), num_sessions: tokenCount }),
    measure: (r) => ({
      requests: n(r.num_sessions),
      unitEstimate: priceUnits(big(n(r.num_sessions)), UNIT_PRICES_MICROS.session),
    }),
  },
  {
    path: "/organization/usage/vector_stores",
    lineItem: "vector stores",
    groupBy: ["project_id"],
    schema: z.object({ project_id: z.string().nullish(), usage_bytes: tokenCount }),
    measure: (r) => ({
      requests: 0,
      unitEstimate: priceUnits(big(n(r.usage_bytes)), UNIT_PRICES_MICROS.byteDay),
    }),
  },
];

export function openaiIdentity(
  r: { user_id?: string | null; api_key_id?: string | null },
  emails: Map<string, string | undefined>,
): IdentityRef | null {
  if (r.user_id) {
    const email = emails.get(r.user_id);
    return {
      provider: "openai",
      kind: "user_id",
      externalId: r.user_id,
      ...(email ? { email } : {}),
    };
  }
  return r.api_key_id ? { provider: "openai", kind: "api_key_id", externalId: r.api_key_id } : null;
}

export function endpointRow(
  ep: UsageEndpoint,
  day: string,
  r: Record<string, unknown>,
  emails: Map<string, string | undefined>,
  rateCard: RateCard,
): UsageRow {
  const ref = r as {
    project_id?: string | null;
    user_id?: string | null;
    api_key_id?: string | null;
    model?: string | null;
  };
  const model = ref.model ?? "";
  const m = ep.measure(r);
  let estimated = m.unitEstimate ?? 0n;
  let unpriced = false;
  if (m.inputTokens !== undefined && m.unitEstimate === undefined) {
    const price = model ? rateCard.priceFor("openai", model, day) : null;
    if (price)
      estimated = priceTokensWith("openai", price, {
        uncachedInput: big(m.inputTokens),
        cachedInput: 0n,
        output: 0n,
      });
    else unpriced = m.inputTokens > 0;
  }
  return {
    day,
    provider: "openai",
    identity: openaiIdentity(ref, emails),
    product: "api",
    model,
    project: ref.project_id ?? "",
    apiKey: ref.api_key_id ?? "",
    lineItem: ep.lineItem,
    inputTokens: big(m.inputTokens ?? 0),
    cachedInputTokens: 0n,
    outputTokens: 0n,
    requests: big(m.requests),
    estimatedCostMicros: estimated,
    costMicros: 0n,
    creditsMicros: null,
    unpriced,
  };
}
