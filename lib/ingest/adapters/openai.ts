/**
 * OpenAI Administration API: usage (tokens per project / user / api key / model / batch /
 * service tier, no money; completions plus every other /organization/usage/* endpoint) and
 * costs (an amount in its own currency per project / line item, no user) for the same days
 * form one page; each (day, project) bill, converted to USD, is allocated to that project's
 * usage rows by list price. The page's cursor is the next day, so a resumed run restarts
 * cleanly at a day boundary.
 */
import { z } from "zod";

import { decimalText, ISO_CURRENCY } from "../../currency/convert";
import { USD_ONLY } from "../../currency/rates";
import type { RateCard } from "../../ratecard/rate-card";
import { attributeBilled, scopeKey } from "../attribute-billed";
import { validate } from "../http";
import { cursorPages, nextPageWhileMore, readAllPages, withCursor } from "../paging";
import { priceTokensWith } from "../pricing";
import type { FetchContext, SourceAdapter, SyncWindow, UsagePage, UsageRow } from "../types";
import { endpointRow, openaiIdentity, OTHER_USAGE_ENDPOINTS } from "./openai-endpoints";
import {
  big,
  dayOfUnix,
  emptyBilledCosts,
  jsonGetter,
  nextDay,
  tokenCount,
  unixSeconds,
  usageReportPages,
  type BilledCosts,
  type HttpAdapterOptions,
} from "./provider-common";

const usageResult = z.object({
  input_tokens: tokenCount,
  input_cached_tokens: tokenCount,
  // input_tokens includes cached and cache-write tokens (UsageCompletionsResult)
  input_cache_write_tokens: tokenCount,
  input_uncached_tokens: tokenCount.optional(),
  output_tokens: tokenCount,
  num_model_requests: tokenCount,
  project_id: z.string().nullish(),
  user_id: z.string().nullish(),
  api_key_id: z.string().nullish(),
  model: z.string().nullish(),
  batch: z.boolean().nullish(),
  service_tier: z.string().nullish(),
});

// CostsResult: `amount` and both its fields are optional in the spec; currency is any ISO 4217 code
const costResult = z.object({
  amount: z
    .object({
      value: z.number().nullish(),
      currency: z.string().regex(ISO_CURRENCY, "expected an ISO 4217 currency code").nullish(),
    })
    .nullish(),
  line_item: z.string().nullish(),
  project_id: z.string().nullish(),
});

function pageSchema<T extends z.ZodType>(result: T) {
  return z.object({
    data: z.array(
      z.object({
        start_time: z.number().int(),
        end_time: z.number().int(),
        results: z.array(result),
      }),
    ),
    has_more: z.boolean(),
    next_page: z.string().nullish(),
  });
}
const usagePage = pageSchema(usageResult);
const costPage = pageSchema(costResult);
const listPage = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    has_more: z.boolean().optional().default(false),
    last_id: z.string().nullish(),
  });
const users = listPage(
  z.object({ id: z.string(), email: z.string().nullish(), name: z.string().nullish() }),
);
const projects = listPage(z.object({ id: z.string(), name: z.string().nullish() }));

export interface OpenAiOptions extends HttpAdapterOptions {
  rateCard: RateCard;
}

export function openaiAdapter(
  opts: OpenAiOptions,
): SourceAdapter & { projectNames(ctx?: FetchContext): Promise<Map<string, string>> } {
  const limit = String(opts.pageLimit ?? 31);
  const headers = { authorization: `Bearer ${opts.apiKey}` };
  const get = jsonGetter({ baseUrl: opts.baseUrl, headers, retry: opts.retry });

  const listAll = <P extends { data: unknown[]; has_more: boolean; last_id?: string | null }>(
    path: string,
    schema: z.ZodType<P, unknown>,
    label: string,
    ctx: FetchContext,
  ) =>
    readAllPages({
      schema,
      label: (n) => `openai ${label} page ${n}`,
      fetch: (after, pageLabel) =>
        get(path, withCursor([["limit", "100"]], "after", after), pageLabel, ctx),
      next: (page) => (page.has_more && page.last_id ? page.last_id : null),
      cursorField: "last_id",
    });

  async function costsFor(first: string, last: string, ctx: FetchContext): Promise<BilledCosts> {
    const costs = emptyBilledCosts();
    const toUsd = ctx.toUsd ?? USD_ONLY.toUsd;
    const params: [string, string][] = [
      ["start_time", String(unixSeconds(first))],
      ["end_time", String(unixSeconds(nextDay(last)))],
      ["bucket_width", "1d"],
      ["group_by", "project_id"],
      ["group_by", "line_item"],
      ["limit", limit],
    ];
    for await (const body of cursorPages({
      schema: costPage,
      label: (n) => `openai costs ${first}..${last} page ${n}`,
      fetch: (page, label) =>
        get("/organization/costs", withCursor(params, "page", page), label, ctx),
      next: nextPageWhileMore,
    })) {
      for (const bucket of body.data) {
        const day = dayOfUnix(bucket.start_time);
        for (const r of bucket.results) {
          const scope = r.project_id ?? "";
          const lineItem = r.line_item ?? "";
          const currency = (r.amount?.currency ?? "usd").toUpperCase();
          const missing = r.amount?.value === undefined || r.amount?.value === null;
          const amount = missing ? "0" : decimalText(r.amount!.value!);
          if (missing)
            costs.warnings.push(
              `openai cost ${day} project "${scope}" line "${lineItem}": no amount, counted as 0`,
            );
          // half-even per result row, then summed (the bill's own granularity)
          const usd = toUsd(amount, currency, day);
          if (usd === null)
            costs.warnings.push(
              `openai cost ${day} project "${scope}" line "${lineItem}": no exchange rate for ${currency} on ${day}; ${amount} ${currency} left out of billed`,
            );
          else
            costs.billed.set(
              scopeKey(day, scope),
              (costs.billed.get(scopeKey(day, scope)) ?? 0n) + usd,
            );
          costs.lines.push({
            day,
            provider: "openai",
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

  /** Every page of one usage endpoint over [first, last]. */
  async function otherUsage(
    first: string,
    last: string,
    emails: Map<string, string | undefined>,
    ctx: FetchContext,
  ): Promise<UsageRow[]> {
    const rows: UsageRow[] = [];
    for (const ep of OTHER_USAGE_ENDPOINTS) {
      const schema = pageSchema(ep.schema);
      const params: [string, string][] = [
        ["start_time", String(unixSeconds(first))],
        ["end_time", String(unixSeconds(nextDay(last)))],
        ["bucket_width", "1d"],
        ...ep.groupBy.map((g): [string, string] => ["group_by", g]),
        ["limit", limit],
      ];
      for await (const body of cursorPages({
        schema,
        label: (n) => `openai ${ep.lineItem} ${first}..${last} page ${n}`,
        fetch: (page, label) => get(ep.path, withCursor(params, "page", page), label, ctx),
        next: nextPageWhileMore,
      }))
        for (const bucket of body.data) {
          const day = dayOfUnix(bucket.start_time);
          if (day < first || day > last) continue;
          for (const r of bucket.results) rows.push(endpointRow(ep, day, r, emails, opts.rateCard));
        }
    }
    return rows;
  }

  return {
    kind: "openai",
    async testConnection(ctx) {
      const list = validate(
        projects,
        await get("/organization/projects", [["limit", "100"]], "projects", ctx),
        "openai projects",
      );
      return { ok: true, detail: `OpenAI organisation reachable: ${list.data.length} project(s)` };
    },
    async projectNames(ctx = {}) {
      const list = await listAll("/organization/projects", projects, "projects", ctx);
      return new Map(
        (list as { id: string; name?: string | null }[]).map((p) => [p.id, p.name ?? p.id]),
      );
    },
    async *pages(
      window: SyncWindow,
      cursor: string | null,
      ctx: FetchContext,
    ): AsyncIterable<UsagePage> {
      const start = cursor && cursor > window.start && cursor <= window.end ? cursor : window.start;
      const emails = new Map(
        (
          (await listAll("/organization/users", users, "users", ctx)) as {
            id: string;
            email?: string | null;
          }[]
        ).map((u) => [u.id, u.email ?? undefined]),
      );
      const params: [string, string][] = [
        ["start_time", String(unixSeconds(start))],
        ["end_time", String(unixSeconds(nextDay(window.end)))],
        ["bucket_width", "1d"],
        ["group_by", "project_id"],
        ["group_by", "user_id"],
        ["group_by", "api_key_id"],
        ["group_by", "model"],
        ["group_by", "batch"],
        ["group_by", "service_tier"],
        ["limit", limit],
      ];
      const pages = usageReportPages(
        {
          schema: usagePage,
          label: (k) => `openai usage page ${k}`,
          fetch: (page, label) =>
            get("/organization/usage/completions", withCursor(params, "page", page), label, ctx),
          dayOf: (b) => dayOfUnix(b.start_time),
        },
        start,
        window.end,
      );
      for await (const { n, kept, days, first, last, nextCursor } of pages) {
        const usage: UsageRow[] = kept.flatMap(({ day, bucket }) =>
          bucket.results.map((r) => usageRow(day, r, emails, opts.rateCard)),
        );
        usage.push(...(await otherUsage(first, last, emails, ctx)));
        const costs = await costsFor(first, last, ctx);
        yield {
          completeDays: days,
          rows: attributeBilled({ provider: "openai", usage, billed: costs.billed }),
          nextCursor,
          label: `openai ${first}..${last} (usage page ${n})`,
          costLines: costs.lines,
          warnings: costs.warnings,
        };
      }
    },
  };
}

function usageRow(
  day: string,
  r: z.output<typeof usageResult>,
  emails: Map<string, string | undefined>,
  rateCard: RateCard,
): UsageRow {
  const model = r.model ?? "";
  const cached = Math.min(r.input_cached_tokens, r.input_tokens);
  const writes = Math.min(r.input_cache_write_tokens, r.input_tokens - cached);
  // batch is its own group-by; a batch row is priced (and keyed) as the batch tier
  const serviceTier = r.batch ? "batch" : (r.service_tier ?? "");
  const price = rateCard.priceFor("openai", model, day);
  const estimated = price
    ? priceTokensWith(
        "openai",
        price,
        {
          uncachedInput: big(r.input_tokens - cached - writes),
          cachedInput: big(cached),
          output: big(r.output_tokens),
          cacheWrite5m: big(writes),
        },
        { serviceTier },
      )
    : 0n;
  return {
    day,
    provider: "openai",
    identity: openaiIdentity(r, emails),
    product: "api",
    model,
    project: r.project_id ?? "",
    apiKey: r.api_key_id ?? "",
    lineItem: "",
    inputTokens: big(r.input_tokens),
    cachedInputTokens: big(r.input_cached_tokens),
    cacheWriteTokens: big(writes),
    outputTokens: big(r.output_tokens),
    requests: big(r.num_model_requests),
    serviceTier,
    estimatedCostMicros: estimated,
    costMicros: 0n,
    creditsMicros: null,
    unpriced: !price && r.input_tokens + r.output_tokens > 0,
  };
}
