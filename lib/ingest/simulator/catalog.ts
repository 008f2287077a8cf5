/** The simulator's products, models and list prices (USD per 1M tokens). */
import type { ModelPrice } from "../pricing";

export interface SimModel {
  name: string;
  provider: "openai" | "anthropic";
  price: ModelPrice;
}

export const SIM_MODELS: Record<string, SimModel> = {
  "gpt-5": {
    name: "gpt-5",
    provider: "openai",
    price: { input: "1.25", cachedInput: "0.125", output: "10" },
  },
  "gpt-5-codex": {
    name: "gpt-5-codex",
    provider: "openai",
    price: { input: "1.25", cachedInput: "0.125", output: "10" },
  },
  "gpt-5-mini": {
    name: "gpt-5-mini",
    provider: "openai",
    price: { input: "0.25", cachedInput: "0.025", output: "2" },
  },
  "gpt-4.1": {
    name: "gpt-4.1",
    provider: "openai",
    price: { input: "2", cachedInput: "0.5", output: "8" },
  },
  "gpt-4o-mini": {
    name: "gpt-4o-mini",
    provider: "openai",
    price: { input: "0.15", cachedInput: "0.075", output: "0.60" },
  },
  o3: { name: "o3", provider: "openai", price: { input: "2", cachedInput: "0.5", output: "8" } },
  "claude-sonnet-4-5": {
    name: "claude-sonnet-4-5",
    provider: "anthropic",
    price: { input: "3", cachedInput: "0.30", output: "15" },
  },
  "claude-opus-4-1": {
    name: "claude-opus-4-1",
    provider: "anthropic",
    price: { input: "15", cachedInput: "1.50", output: "75" },
  },
  "claude-haiku-4-5": {
    name: "claude-haiku-4-5",
    provider: "anthropic",
    price: { input: "1", cachedInput: "0.10", output: "5" },
  },
  "claude-sonnet-4": {
    name: "claude-sonnet-4",
    provider: "anthropic",
    price: { input: "3", cachedInput: "0.30", output: "15" },
  },
  "gpt-5-nano": {
    name: "gpt-5-nano",
    provider: "openai",
    price: { input: "0.05", cachedInput: "0.005", output: "0.40" },
  },
  "claude-3-5-haiku": {
    name: "claude-3-5-haiku",
    provider: "anthropic",
    price: { input: "0.80", cachedInput: "0.08", output: "4" },
  },
};

export type SimProduct = "chatgpt" | "codex" | "api" | "claude_code";

export interface ProductProfile {
  product: SimProduct;
  /** share of members who use it at all */
  adoption: number;
  /** models and their weights */
  models: [string, number][];
  /** mean input tokens on an active day */
  meanInput: number;
  outputRatio: number;
  cacheRatio: number;
  tokensPerRequest: number;
}

export const PRODUCT_PROFILES: ProductProfile[] = [
  {
    product: "chatgpt",
    adoption: 0.75,
    models: [
      ["gpt-5", 0.7],
      ["gpt-5-mini", 0.3],
    ],
    meanInput: 260_000,
    outputRatio: 0.18,
    cacheRatio: 0.3,
    tokensPerRequest: 6_000,
  },
  {
    product: "codex",
    adoption: 0.5,
    models: [["gpt-5-codex", 1]],
    meanInput: 700_000,
    outputRatio: 0.08,
    cacheRatio: 0.6,
    tokensPerRequest: 40_000,
  },
  {
    product: "api",
    adoption: 0.2,
    models: [
      ["gpt-5-mini", 0.3],
      ["gpt-4.1", 0.15],
      ["gpt-4o-mini", 0.15],
      ["o3", 0.1],
      ["claude-haiku-4-5", 0.15],
      ["claude-sonnet-4", 0.1],
      ["gpt-5-nano", 0.05],
    ],
    meanInput: 900_000,
    outputRatio: 0.12,
    cacheRatio: 0.25,
    tokensPerRequest: 3_000,
  },
  {
    product: "claude_code",
    adoption: 0.4,
    models: [
      ["claude-sonnet-4-5", 0.8],
      ["claude-opus-4-1", 0.15],
      ["claude-3-5-haiku", 0.05],
    ],
    meanInput: 600_000,
    outputRatio: 0.06,
    cacheRatio: 0.7,
    tokensPerRequest: 35_000,
  },
];
