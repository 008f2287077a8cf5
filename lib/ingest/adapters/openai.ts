/**
 * OpenAI Administration API: usage (tokens per project / user / api key / model, no money)
 * and costs (dollars per project / line item, no user) for the same days form one page;
 * each (day, project) bill is allocated to that project's usage rows by list price.
 * The page's cursor is the next day, so a resumed run restarts cleanly at a day boundary.
 */
import { z } from "zod";
import { parseMicros } from "../../money";
import type { RateCard } from "../../ratecard/rate-card";
import { attributeBilled, scopeKey } from "../attribute-billed";
import { getJson, validate } from "../http";
import { priceTokens } from "../pricing";
import type { FetchContext, IdentityRef, SourceAdapter, SyncWindow, UsagePage, UsageRow } from "../types";
import { big, dayOfUnix, joinUrl, nextDay, tokenCount, unixSeconds, type HttpAdapterOptions } from "./provider-common";

const usageResult = z.object({
  input_tokens: tokenCount,
  input_cached_tokens: tokenCount,
  output_tokens: tokenCount,
  num_model_requests: tokenCount,
  // newer API versions add these; accepted, not needed for cost
  input_cache_write_tokens: tokenCount,
  input_uncached_tokens: tokenCount.optional(),
  project_id: z.string().nullish(),
  user_id: z.string().nullish(),
  api_key_id: z.string().nullish(),
  model: z.string().nullish(),
});

const costResult = z.object({
  amount: z.object({ value: z.number(), currency: z.string().refine((c) => c.toLowerCase() === "usd", "expected currency usd") }),
  line_item: z.string().nullish(),
  project_id: z.string().nullish(),
});

function pageSchema<T extends z.ZodType>(result: T) {
  return z.object({
    data: z.array(z.object({ start_time: z.number().int(), end_time: z.number().int(), results: z.array(result) })),
    has_more: z.boolean(),
    next_page: z.string().nullish(),
  });
}
const usagePage = pageSchema(usageResult);
const costPage = pageSchema(costResult);
const listPage = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), has_more: z.boolean().optional().default(false), last_id: z.string().nullish() });
const users = listPage(z.object({ id: z.string(), email: z.string().nullish(), name: z.string().nullish() }));
const projects = listPage(z.object({ id: z.string(), name: z.string().nullish() }));

export interface OpenAiOptions extends HttpAdapterOptions {
  rateCard: RateCard;
}

export function openaiAdapter(opts: OpenAiOptions): SourceAdapter & { projectNames(ctx?: FetchContext): Promise<Map<string, string>> } {
  const limit = String(opts.pageLimit ?? 31);
  const headers = { authorization: `Bearer ${opts.apiKey}` };
  const get = (path: string, params: [string, string][], label: string, ctx: FetchContext) =>
    getJson({ url: joinUrl(opts.baseUrl, path, params), headers, label, signal: ctx.signal, retry: opts.retry, log: ctx.log });

  async function listAll<T extends z.ZodType>(path: string, schema: T, label: string, ctx: FetchContext) {
    const items: z.output<T> extends { data: (infer I)[] } ? I[] : never = [] as never;
    let after: string | null = null;
    for (let n = 1; ; n++) {
      const params: [string, string][] = [["limit", "100"], ...(after ? ([["after", after]] as [string, string][]) : [])];
      const body = validate(schema, await get(path, params, `${label} page ${n}`, ctx), `openai ${label} page ${n}`) as {
        data: unknown[]; has_more: boolean; last_id?: string | null;
      };
      (items as unknown[]).push(...body.data);
      if (!body.has_more || !body.last_id) return items;
      after = body.last_id;
    }
  }

  async function costsFor(first: string, last: string, ctx: FetchContext): Promise<Map<string, bigint>> {
    const billed = new Map<string, bigint>();
    let page: string | null = null;
    for (let n = 1; ; n++) {
      const params: [string, string][] = [
        ["start_time", String(unixSeconds(first))], ["end_time", String(unixSeconds(nextDay(last)))], ["bucket_width", "1d"],
        ["group_by", "project_id"], ["group_by", "line_item"], ["limit", limit], ...(page ? ([["page", page]] as [string, string][]) : []),
      ];
      const label = `openai costs ${first}..${last} page ${n}`;
      const body = validate(costPage, await get("/organization/costs", params, label, ctx), label);
      for (const bucket of body.data) {
        const day = dayOfUnix(bucket.start_time);
        for (const r of bucket.results) {
          const key = scopeKey(day, r.project_id ?? "");
          // half-even per result row, then summed (the bill's own granularity)
          billed.set(key, (billed.get(key) ?? 0n) + parseMicros(r.amount.value));
        }
      }
      if (!body.has_more || !body.next_page) return billed;
      page = body.next_page;
    }
  }

  return {
    kind: "openai",
    async testConnection(ctx) {
      const list = validate(projects, await get("/organization/projects", [["limit", "100"]], "projects", ctx), "openai projects");
      return { ok: true, detail: `OpenAI organisation reachable: ${list.data.length} project(s)` };
    },
    async projectNames(ctx = {}) {
      const list = await listAll("/organization/projects", projects, "projects", ctx);
      return new Map((list as { id: string; name?: string | null }[]).map((p) => [p.id, p.name ?? p.id]));
    },
    async *pages(window: SyncWindow, cursor: string | null, ctx: FetchContext): AsyncIterable<UsagePage> {
      const start = cursor && cursor > window.start && cursor <= window.end ? cursor : window.start;
      const emails = new Map(
        ((await listAll("/organization/users", users, "users", ctx)) as { id: string; email?: string | null }[]).map((u) => [u.id, u.email ?? undefined]),
      );
      let page: string | null = null;
      for (let n = 1; ; n++) {
        const params: [string, string][] = [
          ["start_time", String(unixSeconds(start))], ["end_time", String(unixSeconds(nextDay(window.end)))], ["bucket_width", "1d"],
          ["group_by", "project_id"], ["group_by", "user_id"], ["group_by", "api_key_id"], ["group_by", "model"],
          ["limit", limit], ...(page ? ([["page", page]] as [string, string][]) : []),
        ];
        const label = `openai usage page ${n}`;
        const body = validate(usagePage, await get("/organization/usage/completions", params, label, ctx), label);
        const days = body.data.map((b) => dayOfUnix(b.start_time)).filter((d) => d >= start && d <= window.end).sort();
        const more = body.has_more && !!body.next_page;
        if (days.length) {
          const first = days[0]!;
          const last = days[days.length - 1]!;
          const usage: UsageRow[] = [];
          for (const bucket of body.data) {
            const day = dayOfUnix(bucket.start_time);
            if (day < start || day > window.end) continue;
            for (const r of bucket.results) usage.push(usageRow(day, r, emails, opts.rateCard));
          }
          const billed = await costsFor(first, last, ctx);
          yield {
            completeDays: days,
            rows: attributeBilled({ provider: "openai", usage, billed }),
            nextCursor: more && last < window.end ? nextDay(last) : null,
            label: `openai ${first}..${last} (usage page ${n})`,
          };
        }
        if (!more) return;
        page = body.next_page!;
      }
    },
  };
}

function usageRow(day: string, r: z.output<typeof usageResult>, emails: Map<string, string | undefined>, rateCard: RateCard): UsageRow {
  const model = r.model ?? "";
  const identity: IdentityRef | null = r.user_id
    ? { provider: "openai", kind: "user_id", externalId: r.user_id, ...(emails.get(r.user_id) ? { email: emails.get(r.user_id)! } : {}) }
    : r.api_key_id
      ? { provider: "openai", kind: "api_key_id", externalId: r.api_key_id }
      : null;
  const cached = Math.min(r.input_cached_tokens, r.input_tokens);
  const price = rateCard.priceFor("openai", model, day);
  const estimated = price
    ? priceTokens(price, { uncachedInput: big(r.input_tokens - cached), cachedInput: big(cached), output: big(r.output_tokens) })
    : 0n;
  return {
    day, provider: "openai", identity, product: "api", model, project: r.project_id ?? "", apiKey: r.api_key_id ?? "", lineItem: "",
    inputTokens: big(r.input_tokens), cachedInputTokens: big(r.input_cached_tokens), outputTokens: big(r.output_tokens),
    requests: big(r.num_model_requests), estimatedCostMicros: estimated, costMicros: 0n, creditsMicros: null,
    unpriced: !price && r.input_tokens + r.output_tokens > 0,
  };
}
