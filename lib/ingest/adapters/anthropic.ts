/**
 * Anthropic Admin API: the messages usage report (tokens per account / service account /
 * api key / workspace / model / service tier / context window / inference geo), the cost
 * report (minor units as decimal strings, in its own currency, per workspace / description)
 * and the Claude Code report (per person per day, estimated cost in minor units, outcomes;
 * ./claude-code.ts) for the same days form one page. Each (day, workspace) bill, converted to USD, is allocated to that
 * workspace's usage by list price.
 * Claude Code (docs/billing.md): a subscription (seat) customer's estimate is not invoiced
 * per use, so it is kept as the row's seatEstimateMicros with costMicros 0. API-billed Claude
 * Code is already in the messages report (tokens) and the cost report (money) under its API
 * key, so its Claude Code rows are not stored at all: they would count it twice.
 */
import { z } from "zod";

import { ISO_CURRENCY, majorFromCents } from "../../currency/convert";
import { USD_ONLY } from "../../currency/rates";
import type { RateCard } from "../../ratecard/rate-card";
import { attributeBilled, scopeKey } from "../attribute-billed";
import { cursorPages, nextPageWhileMore, withCursor } from "../paging";
import { priceTokensWith } from "../pricing";
import type {
  FetchContext,
  IdentityRef,
  OutcomeFact,
  SourceAdapter,
  SyncWindow,
  UsagePage,
  UsageRow,
} from "../types";
import { ClaudeCodeReader } from "./claude-code";
import {
  big,
  dayOfIso,
  emptyBilledCosts,
  isoStart,
  jsonGetter,
  nextDay,
  tokenCount,
  usageReportPages,
  type BilledCosts,
  type HttpAdapterOptions,
} from "./provider-common";

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
  account_id: z.string().nullish(),
  service_account_id: z.string().nullish(),
  api_key_id: z.string().nullish(),
  workspace_id: z.string().nullish(),
  model: z.string().nullish(),
  service_tier: z.string().nullish(),
  context_window: z.string().nullish(),
  inference_geo: z.string().nullish(),
});

const costResult = z.object({
  currency: z.string().regex(ISO_CURRENCY, "expected an ISO 4217 currency code").nullish(),
  amount: z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, "expected minor units as a decimal string")
    .nullish(),
  workspace_id: z.string().nullish(),
  description: z.string().nullish(),
});

function pageSchema<T extends z.ZodType>(result: T) {
  return z.object({
    data: z.array(
      z.object({ starting_at: z.string(), ending_at: z.string(), results: z.array(result) }),
    ),
    has_more: z.boolean(),
    next_page: z.string().nullish(),
  });
}
const usagePage = pageSchema(usageResult);
const costPage = pageSchema(costResult);

export interface AnthropicOptions extends HttpAdapterOptions {
  rateCard: RateCard;
  /** include the Claude Code report (default true) */
  claudeCode?: boolean;
}

/** A usage row plus the token detail our fact table folds into input/cached. */
export type AnthropicUsageRow = UsageRow & { uncachedInputTokens?: bigint };

export function anthropicAdapter(opts: AnthropicOptions): SourceAdapter {
  const limit = String(opts.pageLimit ?? 31);
  const headers = { "x-api-key": opts.apiKey, "anthropic-version": ANTHROPIC_VERSION };
  const get = jsonGetter({ baseUrl: opts.baseUrl, headers, retry: opts.retry });

  async function costsFor(first: string, last: string, ctx: FetchContext): Promise<BilledCosts> {
    const costs = emptyBilledCosts();
    const toUsd = ctx.toUsd ?? USD_ONLY.toUsd;
    const params: [string, string][] = [
      ["starting_at", isoStart(first)],
      ["ending_at", isoStart(nextDay(last))],
      ["group_by[]", "workspace_id"],
      ["group_by[]", "description"],
      ["limit", limit],
    ];
    for await (const body of cursorPages({
      schema: costPage,
      label: (n) => `anthropic cost report ${first}..${last} page ${n}`,
      fetch: (page, label) =>
        get("/organizations/cost_report", withCursor(params, "page", page), label, ctx),
      next: nextPageWhileMore,
    })) {
      for (const bucket of body.data) {
        const day = dayOfIso(bucket.starting_at);
        for (const r of bucket.results) {
          const scope = r.workspace_id ?? DEFAULT_WORKSPACE;
          const lineItem = r.description ?? "";
          const currency = (r.currency ?? "USD").toUpperCase();
          const missing = r.amount === undefined || r.amount === null;
          if (missing)
            costs.warnings.push(
              `anthropic cost ${day} workspace "${scope}" line "${lineItem}": no amount, counted as 0`,
            );
          const amount = missing ? "0" : majorFromCents(r.amount!);
          const usd = toUsd(amount, currency, day);
          const key = scopeKey(day, scope);
          if (usd === null)
            costs.warnings.push(
              `anthropic cost ${day} workspace "${scope}" line "${lineItem}": no exchange rate for ${currency} on ${day}; ${amount} ${currency} left out of billed`,
            );
          else costs.billed.set(key, (costs.billed.get(key) ?? 0n) + usd);
          costs.lines.push({
            day,
            provider: "anthropic",
            scope,
            lineItem,
            currency,
            amount,
            amountMissing: missing,
            usdMicros: usd,
          });
        }
      }
    }
    return costs;
  }

  return {
    kind: "anthropic",
    async testConnection(ctx) {
      const today = new Date().toISOString().slice(0, 10);
      const params: [string, string][] = [
        ["starting_at", isoStart(today)],
        ["bucket_width", "1d"],
        ["limit", "1"],
      ];
      await get("/organizations/usage_report/messages", params, "anthropic test", ctx);
      return { ok: true, detail: "Anthropic Admin API reachable" };
    },
    async *pages(
      window: SyncWindow,
      cursor: string | null,
      ctx: FetchContext,
    ): AsyncIterable<UsagePage> {
      const start = cursor && cursor > window.start && cursor <= window.end ? cursor : window.start;
      const claudeCode = new ClaudeCodeReader(get);
      const params: [string, string][] = [
        ["starting_at", isoStart(start)],
        ["ending_at", isoStart(nextDay(window.end))],
        ["bucket_width", "1d"],
        ["group_by[]", "api_key_id"],
        ["group_by[]", "workspace_id"],
        ["group_by[]", "model"],
        ["group_by[]", "account_id"],
        ["group_by[]", "service_account_id"],
        ["group_by[]", "service_tier"],
        ["group_by[]", "context_window"],
        ["group_by[]", "inference_geo"],
        ["limit", limit],
      ];
      const pages = usageReportPages(
        {
          schema: usagePage,
          label: (k) => `anthropic usage page ${k}`,
          fetch: (page, label) =>
            get(
              "/organizations/usage_report/messages",
              withCursor(params, "page", page),
              label,
              ctx,
            ),
          dayOf: (b) => dayOfIso(b.starting_at),
        },
        start,
        window.end,
      );
      for await (const { n, kept, days, first, last, nextCursor } of pages) {
        const usage: AnthropicUsageRow[] = kept.flatMap(({ day, bucket }) =>
          bucket.results.map((r) => usageRow(day, r, opts.rateCard)),
        );
        const costs = await costsFor(first, last, ctx);
        const rows = attributeBilled({ provider: "anthropic", usage, billed: costs.billed });
        const outcomes: OutcomeFact[] = [];
        if (opts.claudeCode !== false)
          for (const day of days) {
            const read = await claudeCode.day(day, ctx, costs.warnings);
            if (!read) break;
            rows.push(...read.rows);
            outcomes.push(...read.outcomes);
          }
        yield {
          completeDays: days,
          rows,
          nextCursor,
          label: `anthropic ${first}..${last} (usage page ${n})`,
          costLines: costs.lines,
          warnings: costs.warnings,
          // the days' outcome facts are replaced only when the report was read for all of them
          ...(opts.claudeCode !== false && claudeCode.available ? { outcomes } : {}),
        };
      }
    },
  };
}

/** The person behind a messages-report row: the account, else the service account, else the API key. */
function usageIdentity(r: z.output<typeof usageResult>): IdentityRef | null {
  if (r.account_id) return { provider: "anthropic", kind: "user_id", externalId: r.account_id };
  if (r.service_account_id)
    return { provider: "anthropic", kind: "service_account_id", externalId: r.service_account_id };
  return r.api_key_id
    ? { provider: "anthropic", kind: "api_key_id", externalId: r.api_key_id }
    : null;
}

function usageRow(
  day: string,
  r: z.output<typeof usageResult>,
  rateCard: RateCard,
): AnthropicUsageRow {
  const model = r.model ?? "";
  const write5m = r.cache_creation.ephemeral_5m_input_tokens;
  const write1h = r.cache_creation.ephemeral_1h_input_tokens;
  const total = r.uncached_input_tokens + r.cache_read_input_tokens + write5m + write1h;
  const dims = {
    serviceTier: r.service_tier ?? "",
    contextWindow: r.context_window ?? "",
    inferenceGeo: r.inference_geo ?? "",
  };
  const price = rateCard.priceFor("anthropic", model, day);
  const estimated = price
    ? priceTokensWith(
        "anthropic",
        price,
        {
          uncachedInput: big(r.uncached_input_tokens),
          cachedInput: big(r.cache_read_input_tokens),
          output: big(r.output_tokens),
          cacheWrite5m: big(write5m),
          cacheWrite1h: big(write1h),
        },
        dims,
      )
    : 0n;
  return {
    day,
    provider: "anthropic",
    identity: usageIdentity(r),
    product: "api",
    model,
    project: r.workspace_id ?? DEFAULT_WORKSPACE,
    apiKey: r.api_key_id ?? "",
    lineItem: "",
    ...dims,
    inputTokens: big(total),
    cachedInputTokens: big(r.cache_read_input_tokens),
    outputTokens: big(r.output_tokens),
    requests: 0n,
    estimatedCostMicros: estimated,
    costMicros: 0n,
    creditsMicros: null,
    unpriced: !price && total + r.output_tokens > 0,
    uncachedInputTokens: big(r.uncached_input_tokens),
    cacheWriteTokens: big(write5m + write1h),
  };
}
