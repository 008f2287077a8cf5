/**
 * Anthropic Admin API: the messages usage report (tokens per api key / workspace / model),
 * the cost report (cents as decimal strings per workspace / description) and the Claude
 * Code report (per person per day, estimated cost in cents) for the same days form one
 * page. Each (day, workspace) bill is allocated to that workspace's usage by list price.
 * Claude Code rows carry their own estimate: subscription seats are not in the cost
 * report, so the estimate is their cost; API-billed Claude Code is already in the bill.
 */
import { z } from "zod";
import { centsToMicros } from "../../money";
import type { RateCard } from "../../ratecard/rate-card";
import { attributeBilled, scopeKey } from "../attribute-billed";
import { getJson, validate } from "../http";
import { priceTokens } from "../pricing";
import type { FetchContext, SourceAdapter, SyncWindow, UsagePage, UsageRow } from "../types";
import { big, dayOfIso, isoStart, joinUrl, nextDay, tokenCount, type HttpAdapterOptions } from "./provider-common";

export const ANTHROPIC_VERSION = "2023-06-01";
export const DEFAULT_WORKSPACE = "default";

const usageResult = z.object({
  uncached_input_tokens: tokenCount,
  cache_read_input_tokens: tokenCount,
  cache_creation: z
    .object({ ephemeral_5m_input_tokens: tokenCount, ephemeral_1h_input_tokens: tokenCount })
    .optional()
    .default({ ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 }),
  output_tokens: tokenCount,
  api_key_id: z.string().nullish(),
  workspace_id: z.string().nullish(),
  model: z.string().nullish(),
});

const costResult = z.object({
  currency: z.string().refine((c) => c.toUpperCase() === "USD", "expected currency USD"),
  amount: z.string().regex(/^-?\d+(\.\d+)?$/, "expected cents as a decimal string"),
  workspace_id: z.string().nullish(),
  description: z.string().nullish(),
});

function pageSchema<T extends z.ZodType>(result: T) {
  return z.object({
    data: z.array(z.object({ starting_at: z.string(), ending_at: z.string(), results: z.array(result) })),
    has_more: z.boolean(),
    next_page: z.string().nullish(),
  });
}
const usagePage = pageSchema(usageResult);
const costPage = pageSchema(costResult);

const claudeCodeRecord = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}/),
  actor: z.object({ type: z.string(), email_address: z.string().nullish(), api_key_name: z.string().nullish() }),
  customer_type: z.string().nullish(),
  model_breakdown: z.array(
    z.object({
      model: z.string(),
      tokens: z.object({ input: tokenCount, output: tokenCount, cache_read: tokenCount, cache_creation: tokenCount }),
      estimated_cost: z.object({ currency: z.string(), amount: z.number() }),
    }),
  ),
});
const claudeCodePage = z.object({ data: z.array(claudeCodeRecord), has_more: z.boolean(), next_page: z.string().nullish() });

export interface AnthropicOptions extends HttpAdapterOptions {
  rateCard: RateCard;
  /** include the Claude Code report (default true) */
  claudeCode?: boolean;
}

/** A usage row plus the token detail our fact table folds into input/cached. */
export type AnthropicUsageRow = UsageRow & { uncachedInputTokens?: bigint; cacheWriteTokens?: bigint };

export function anthropicAdapter(opts: AnthropicOptions): SourceAdapter {
  const limit = String(opts.pageLimit ?? 31);
  const headers = { "x-api-key": opts.apiKey, "anthropic-version": ANTHROPIC_VERSION };
  const get = (path: string, params: [string, string][], label: string, ctx: FetchContext) =>
    getJson({ url: joinUrl(opts.baseUrl, path, params), headers, label, signal: ctx.signal, retry: opts.retry, log: ctx.log });
  const pageParam = (p: string | null): [string, string][] => (p ? [["page", p]] : []);

  async function costsFor(first: string, last: string, ctx: FetchContext): Promise<Map<string, bigint>> {
    const billed = new Map<string, bigint>();
    let page: string | null = null;
    for (let n = 1; ; n++) {
      const label = `anthropic cost report ${first}..${last} page ${n}`;
      const params: [string, string][] = [
        ["starting_at", isoStart(first)], ["ending_at", isoStart(nextDay(last))], ["group_by[]", "workspace_id"],
        ["group_by[]", "description"], ["limit", limit], ...pageParam(page),
      ];
      const body = validate(costPage, await get("/organizations/cost_report", params, label, ctx), label);
      for (const bucket of body.data) {
        const day = dayOfIso(bucket.starting_at);
        for (const r of bucket.results) {
          const key = scopeKey(day, r.workspace_id ?? DEFAULT_WORKSPACE);
          billed.set(key, (billed.get(key) ?? 0n) + centsToMicros(r.amount));
        }
      }
      if (!body.has_more || !body.next_page) return billed;
      page = body.next_page;
    }
  }

  async function claudeCodeFor(day: string, ctx: FetchContext): Promise<UsageRow[]> {
    const rows: UsageRow[] = [];
    let page: string | null = null;
    for (let n = 1; ; n++) {
      const label = `anthropic claude code ${day} page ${n}`;
      const params: [string, string][] = [["starting_at", day], ["limit", "1000"], ...pageParam(page)];
      const body = validate(claudeCodePage, await get("/organizations/usage_report/claude_code", params, label, ctx), label);
      for (const rec of body.data) {
        if (rec.date.slice(0, 10) !== day) continue;
        const who = rec.actor.email_address ?? rec.actor.api_key_name ?? "";
        const identity = rec.actor.email_address
          ? { provider: "claude_code", kind: "email" as const, externalId: rec.actor.email_address.toLowerCase(), email: rec.actor.email_address }
          : rec.actor.api_key_name
            ? { provider: "claude_code", kind: "api_key_id" as const, externalId: rec.actor.api_key_name }
            : null;
        for (const m of rec.model_breakdown) {
          const estimate = centsToMicros(m.estimated_cost.amount);
          rows.push({
            day, provider: "anthropic", identity, product: "claude_code", model: m.model, project: "", apiKey: "",
            lineItem: who ? "" : "unknown actor",
            inputTokens: big(m.tokens.input + m.tokens.cache_read + m.tokens.cache_creation), cachedInputTokens: big(m.tokens.cache_read),
            outputTokens: big(m.tokens.output), requests: 0n, estimatedCostMicros: estimate,
            costMicros: rec.customer_type === "api" ? 0n : estimate, creditsMicros: null, unpriced: false,
          });
        }
      }
      if (!body.has_more || !body.next_page) return rows;
      page = body.next_page;
    }
  }

  return {
    kind: "anthropic",
    async testConnection(ctx) {
      const today = new Date().toISOString().slice(0, 10);
      const params: [string, string][] = [["starting_at", isoStart(today)], ["bucket_width", "1d"], ["limit", "1"]];
      await get("/organizations/usage_report/messages", params, "anthropic test", ctx);
      return { ok: true, detail: "Anthropic Admin API reachable" };
    },
    async *pages(window: SyncWindow, cursor: string | null, ctx: FetchContext): AsyncIterable<UsagePage> {
      const start = cursor && cursor > window.start && cursor <= window.end ? cursor : window.start;
      let page: string | null = null;
      for (let n = 1; ; n++) {
        const label = `anthropic usage page ${n}`;
        const params: [string, string][] = [
          ["starting_at", isoStart(start)], ["ending_at", isoStart(nextDay(window.end))], ["bucket_width", "1d"],
          ["group_by[]", "api_key_id"], ["group_by[]", "workspace_id"], ["group_by[]", "model"], ["limit", limit], ...pageParam(page),
        ];
        const body = validate(usagePage, await get("/organizations/usage_report/messages", params, label, ctx), label);
        const days = body.data.map((b) => dayOfIso(b.starting_at)).filter((d) => d >= start && d <= window.end).sort();
        const more = body.has_more && !!body.next_page;
        if (days.length) {
          const first = days[0]!;
          const last = days[days.length - 1]!;
          const usage: AnthropicUsageRow[] = [];
          for (const bucket of body.data) {
            const day = dayOfIso(bucket.starting_at);
            if (day < start || day > window.end) continue;
            for (const r of bucket.results) usage.push(usageRow(day, r, opts.rateCard));
          }
          const billed = await costsFor(first, last, ctx);
          const rows = attributeBilled({ provider: "anthropic", usage, billed });
          if (opts.claudeCode !== false) for (const day of days) rows.push(...(await claudeCodeFor(day, ctx)));
          yield { completeDays: days, rows, nextCursor: more && last < window.end ? nextDay(last) : null, label: `anthropic ${first}..${last} (usage page ${n})` };
        }
        if (!more) return;
        page = body.next_page!;
      }
    },
  };
}

function usageRow(day: string, r: z.output<typeof usageResult>, rateCard: RateCard): AnthropicUsageRow {
  const model = r.model ?? "";
  const write5m = r.cache_creation.ephemeral_5m_input_tokens;
  const write1h = r.cache_creation.ephemeral_1h_input_tokens;
  const total = r.uncached_input_tokens + r.cache_read_input_tokens + write5m + write1h;
  const price = rateCard.priceFor("anthropic", model, day);
  const estimated = price
    ? priceTokens(price, {
        uncachedInput: big(r.uncached_input_tokens), cachedInput: big(r.cache_read_input_tokens), output: big(r.output_tokens),
        cacheWrite5m: big(write5m), cacheWrite1h: big(write1h),
      })
    : 0n;
  return {
    day, provider: "anthropic",
    identity: r.api_key_id ? { provider: "anthropic", kind: "api_key_id", externalId: r.api_key_id } : null,
    product: "api", model, project: r.workspace_id ?? DEFAULT_WORKSPACE, apiKey: r.api_key_id ?? "", lineItem: "",
    inputTokens: big(total), cachedInputTokens: big(r.cache_read_input_tokens), outputTokens: big(r.output_tokens), requests: 0n,
    estimatedCostMicros: estimated, costMicros: 0n, creditsMicros: null, unpriced: !price && total + r.output_tokens > 0,
    uncachedInputTokens: big(r.uncached_input_tokens), cacheWriteTokens: big(write5m + write1h),
  };
}
