/**
 * Anthropic's Usage & Cost Analytics API (beta `analytics-usage-cost-2026-08-24`):
 * `GET /v1/organizations/analytics/usage` and `/cost`, one row per day × actor × product ×
 * model × workspace × API key × tier × context window × region. Shapes and labels:
 * `VENDOR-APIS.md` §1.0/§1.1; see docs/anthropic-analytics.md.
 *
 * Unlike the legacy adapter (./anthropic.ts) nothing is split by list price: the cost
 * endpoint reports each actor's cost itself, so a row's billed cost is the provider's own
 * `amount` for exactly that combination, and its estimate is the provider's `list_amount`.
 * Both endpoints are asked for the same dimensions, so a cost row joins exactly one usage
 * row (or stands alone: web search or code execution cost has no tokens).
 *
 * What is invoiced: `amount` is "post-discount, pre-credit" and the data "includes all cost,
 * whether or not it is attributable to a seat user". For an organisation billed per use
 * (Console; Enterprise on usage-based billing) every amount is invoiced. For one whose seat
 * fees cover its people's claude.ai products (Team / Enterprise seats), the amount of a
 * person's (user or federated actor's) non-API product — Claude Code, chat, cowork, … — is
 * what that use would have cost, not money invoiced: the connection option
 * `seatUsage: "included"` books it as a seat estimate (costMicros 0) and keeps API keys',
 * service accounts' and API-product cost as billed. The API has no field that says which
 * plan applies (Unconfirmed), hence the option.
 */
import { z } from "zod";

import { parseDecimalScaled } from "../../core/money";
import { addDays, eachDay, type DayKey } from "../../core/period";
import { majorFromCents, scaledToText } from "../../currency/convert";
import { USD_ONLY, type ToUsd } from "../../currency/rates";
import { now } from "../../server/clock";
import { ProviderHttpError, ProviderValidationError, validate } from "../http";
import { nextPageUnlessDone, readAllPages, withCursor } from "../paging";
import type {
  CostLine,
  FetchContext,
  IdentityRef,
  OutcomeFact,
  SourceAdapter,
  SyncWindow,
  UsagePage,
  UsageRow,
} from "../types";
import { usageRowOf } from "../usage-row";
import { ClaudeCodeReader } from "./claude-code";
import {
  big,
  dayOfIso,
  isoStart,
  jsonGetter,
  nextDay,
  tokenCount,
  type HttpAdapterOptions,
} from "./provider-common";

export const ANTHROPIC_VERSION = "2023-06-01";
export const ANALYTICS_BETA = "analytics-usage-cost-2026-08-24";
/** "Must be … no earlier than 2026-01-01T00:00:00Z" (Confirmed): earlier days hold no data. */
export const ANALYTICS_EPOCH: DayKey = "2026-01-01";
/** The default range is starting_at + 31 days; a hard maximum is Inferred, so never ask for more. */
export const MAX_RANGE_DAYS = 31;
export const DEFAULT_WORKSPACE = "default";
/** Both endpoints, same dimensions: cost rows then join usage rows one to one. */
export const GROUP_BY = [
  "actor",
  "product",
  "model",
  "workspace_id",
  "api_key_id",
  "service_tier",
  "context_window",
  "inference_geo",
] as const;

export type SeatUsage = "invoiced" | "included";

// ---------- response schemas (zod) ----------

/** "fractional cents" as a decimal string (Confirmed); a JSON number is accepted too (the other reading). */
const cents = z.union([z.string(), z.number()]).refine((v) => {
  try {
    parseDecimalScaled(v, 4);
    return true;
  } catch {
    return false;
  }
}, "expected an amount in cents (a decimal string or number)");

/**
 * The actor union's field names are Confirmed, its `type` literals are not (perhaps
 * "user_actor", "api_actor" …): the kind is read from which id the object carries.
 */
const actorSchema = z
  .object({
    type: z.string(),
    user_id: z.string().min(1).nullish(),
    email_address: z.string().nullish(),
    name: z.string().nullish(),
    deleted: z.boolean().nullish(),
    service_account_id: z.string().min(1).nullish(),
    api_key_id: z.string().min(1).nullish(),
    provider: z.string().nullish(),
    subject: z.string().nullish(),
  })
  .refine(
    (a) => a.user_id || a.service_account_id || a.api_key_id || (a.provider && a.subject),
    "actor has none of user_id, service_account_id, api_key_id, provider+subject",
  );

/** Each group key is null unless requested; an absent key is read as null. */
const groupSchema = z.object({
  actor: actorSchema.nullish(),
  product: z.string().nullish(),
  model: z.string().nullish(),
  workspace_id: z.string().nullish(),
  api_key_id: z.string().nullish(),
  service_tier: z.string().nullish(),
  context_window: z.string().nullish(),
  inference_geo: z.string().nullish(),
});

const bucket = {
  starting_at: z.iso.datetime({ offset: true }),
  ending_at: z.iso.datetime({ offset: true }),
  group: groupSchema,
};

const usageItem = z.object({
  ...bucket,
  usage: z.object({
    uncached_input_tokens: tokenCount,
    cache_creation: z
      .object({ ephemeral_1h_input_tokens: tokenCount, ephemeral_5m_input_tokens: tokenCount })
      .nullish()
      .transform((c) => c ?? { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 }),
    cache_read_input_tokens: tokenCount,
    output_tokens: tokenCount,
    requests: z.number().int().nonnegative().nullish(),
  }),
});

const costItem = z.object({
  ...bucket,
  cost: z.object({
    amount: cents,
    /** "Currently always USD": another ISO code is allowed and kept, never booked as USD */
    currency: z.string().regex(/^[A-Za-z]{3}$/, "expected an ISO 4217 currency code"),
    list_amount: cents.nullish(),
    requests: z.number().int().nonnegative().nullish(),
  }),
});

/** `data` is Confirmed; `has_more` / `next_page` are Inferred (either may be absent). */
function envelope<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    has_more: z.boolean().nullish(),
    next_page: z.string().nullish(),
  });
}
export const usagePageSchema = envelope(usageItem);
export const costPageSchema = envelope(costItem);
interface Paged<T> {
  data: T[];
  has_more?: boolean | null;
  next_page?: string | null;
}
export type UsageItem = z.output<typeof usageItem>;
export type CostItem = z.output<typeof costItem>;
type Group = z.output<typeof groupSchema>;

// ---------- pure mapping ----------

/** A row plus the token detail the fact table folds into input (for tests and tools). */
export type AnalyticsUsageRow = UsageRow & { uncachedInputTokens?: bigint };

/**
 * The identity behind an actor: users and federated people are `user_id` identities,
 * service accounts `service_account_id`, API keys `api_key_id`. Claude Code rows live in
 * the `claude_code` identity namespace, as the unmapped-identities screen files them
 * (lib/connections/identity-mapping.ts identityProviderOf).
 */
export function actorIdentity(actor: Group["actor"], product: string): IdentityRef | null {
  if (!actor) return null;
  const provider = product === "claude_code" ? "claude_code" : "anthropic";
  if (actor.user_id)
    return {
      provider,
      kind: "user_id",
      externalId: actor.user_id,
      ...(actor.email_address ? { email: actor.email_address } : {}),
    };
  if (actor.service_account_id)
    return { provider, kind: "service_account_id", externalId: actor.service_account_id };
  if (actor.api_key_id) return { provider, kind: "api_key_id", externalId: actor.api_key_id };
  const subject = actor.subject ?? "";
  return {
    provider,
    kind: "user_id",
    externalId: `federated:${actor.provider}:${subject}`,
    ...(subject.includes("@") ? { email: subject } : {}),
  };
}

/** A person on a seat: users and federated identities (not keys, not service accounts). */
function isPerson(actor: Group["actor"]): boolean {
  return (
    !!actor && !actor.service_account_id && !actor.api_key_id && !!(actor.user_id || actor.subject)
  );
}

function actorKey(actor: Group["actor"]): string {
  if (!actor) return "";
  return (
    actor.user_id ??
    actor.service_account_id ??
    actor.api_key_id ??
    `federated:${actor.provider}:${actor.subject}`
  );
}

/** One day bucket; a bucket that is not a whole UTC day inside the requested range breaks the contract. */
function dayOf(
  item: { starting_at: string; ending_at: string },
  range: { start: DayKey; end: DayKey },
  where: string,
): DayKey {
  const day = dayOfIso(item.starting_at);
  if (
    Date.parse(item.starting_at) !== Date.parse(isoStart(day)) ||
    Date.parse(item.ending_at) !== Date.parse(isoStart(nextDay(day)))
  ) {
    throw new ProviderValidationError(
      `${where}.starting_at: expected a one-day bucket, got ${item.starting_at}..${item.ending_at}`,
    );
  }
  if (day < range.start || day > range.end)
    throw new ProviderValidationError(
      `${where}.starting_at: ${day} is outside the requested ${range.start}..${range.end}`,
    );
  return day;
}

function joinKey(day: DayKey, g: Group): string {
  return [
    day,
    actorKey(g.actor),
    g.product ?? "",
    g.model ?? "",
    g.workspace_id ?? "",
    g.api_key_id ?? "",
    g.service_tier ?? "",
    g.context_window ?? "",
    g.inference_geo ?? "",
  ].join("\u0001");
}

export interface MapOptions {
  seatUsage: SeatUsage;
  range: { start: DayKey; end: DayKey };
  /** the workspace's exchange rates (FetchContext.toUsd); absent = USD only */
  toUsd?: ToUsd;
}

export interface MappedRange {
  rows: AnalyticsUsageRow[];
  /** invoiced cost per (day, workspace, product, currency), as reported */
  costLines: CostLine[];
  warnings: string[];
}

/** Joins one range's usage and cost items into rows, cost lines and warnings. Pure. */
export function mapAnalytics(usage: UsageItem[], costs: CostItem[], opts: MapOptions): MappedRange {
  const toUsd = opts.toUsd ?? USD_ONLY.toUsd;
  const rows = new Map<string, AnalyticsUsageRow>();
  const lines = new Map<string, { line: CostLine; scaled: bigint }>();
  const warnings: string[] = [];
  const base = (day: DayKey, g: Group): AnalyticsUsageRow => {
    // null product: usage outside any named product, i.e. the Messages API
    const product = g.product ?? "api";
    return usageRowOf({
      day,
      provider: "anthropic",
      identity: actorIdentity(g.actor, product),
      product,
      model: g.model ?? "",
      project: g.workspace_id ?? DEFAULT_WORKSPACE,
      apiKey: g.api_key_id ?? g.actor?.api_key_id ?? "",
      lineItem: g.actor ? "" : "unknown actor",
      cacheWriteTokens: 0n,
      serviceTier: g.service_tier ?? "",
      contextWindow: g.context_window ?? "",
      inferenceGeo: g.inference_geo ?? "",
    });
  };
  usage.forEach((item, i) => {
    const day = dayOf(item, opts.range, `usage data[${i}]`);
    const u = item.usage;
    const write =
      u.cache_creation.ephemeral_5m_input_tokens + u.cache_creation.ephemeral_1h_input_tokens;
    const key = joinKey(day, item.group);
    const row = rows.get(key) ?? base(day, item.group);
    // inputTokens is every input token (uncached + cache reads + cache writes), as the legacy adapter stores it
    row.inputTokens += big(u.uncached_input_tokens + u.cache_read_input_tokens + write);
    row.cachedInputTokens += big(u.cache_read_input_tokens);
    row.cacheWriteTokens = (row.cacheWriteTokens ?? 0n) + big(write);
    row.outputTokens += big(u.output_tokens);
    row.requests += big(u.requests ?? 0);
    row.uncachedInputTokens = (row.uncachedInputTokens ?? 0n) + big(u.uncached_input_tokens);
    rows.set(key, row);
  });
  costs.forEach((item, i) => {
    const day = dayOf(item, opts.range, `cost data[${i}]`);
    const key = joinKey(day, item.group);
    const row = rows.get(key) ?? base(day, item.group);
    const currency = item.cost.currency.toUpperCase();
    // "fractional cents": the major unit's exact text, then micro-USD with the day's rate (USD: exact, half-even past 6 places)
    const amount = majorFromCents(item.cost.amount);
    const usd = toUsd(amount, currency, day);
    // list_amount absent: the post-discount amount is the only price known
    const list =
      item.cost.list_amount == null
        ? usd
        : toUsd(majorFromCents(item.cost.list_amount), currency, day);
    const who = actorKey(item.group.actor) || "(no actor)";
    if (usd === null)
      warnings.push(
        `anthropic analytics cost ${day} ${who} ${row.product}: no exchange rate for ${currency} on ${day}; ${amount} ${currency} left out of billed`,
      );
    const seat =
      opts.seatUsage === "included" && isPerson(item.group.actor) && row.product !== "api";
    if (seat) row.seatEstimateMicros = (row.seatEstimateMicros ?? 0n) + (usd ?? 0n);
    else row.costMicros += usd ?? 0n;
    row.estimatedCostMicros += list ?? 0n;
    rows.set(key, row);
    if (seat) return; // covered by seat fees: not an invoiced line
    const lineKey = [day, row.project, row.product, currency].join("\u0001");
    const entry = lines.get(lineKey) ?? {
      line: {
        day,
        provider: "anthropic",
        scope: row.project,
        lineItem: row.product,
        currency,
        amount: "0",
        amountMissing: false,
        usdMicros: 0n,
      },
      scaled: 0n,
    };
    // the line's USD is the sum of its rows' (so billed rows and cost lines agree to the micro-dollar)
    entry.scaled += parseDecimalScaled(amount, LINE_SCALE);
    entry.line.amount = scaledToText(entry.scaled, LINE_SCALE);
    entry.line.usdMicros =
      entry.line.usdMicros === null || usd === null ? null : entry.line.usdMicros + usd;
    lines.set(lineKey, entry);
  });
  return { rows: [...rows.values()], costLines: [...lines.values()].map((e) => e.line), warnings };
}

/** places a cost line's summed amount keeps (cents with up to 20 decimals stay exact) */
const LINE_SCALE = 22;

/** The sync window cut into ≤31-day ranges from 2026-01-01 on (earlier days hold no data). */
export function rangesOf(
  window: SyncWindow,
  maxDays = MAX_RANGE_DAYS,
): { start: DayKey; end: DayKey }[] {
  const out: { start: DayKey; end: DayKey }[] = [];
  let start = window.start < ANALYTICS_EPOCH ? ANALYTICS_EPOCH : window.start;
  while (start <= window.end) {
    const last = addDays(start, maxDays - 1);
    const end = last < window.end ? last : window.end;
    out.push({ start, end });
    start = nextDay(end);
  }
  return out;
}

// ---------- the adapter ----------

export interface AnthropicAnalyticsOptions extends Omit<HttpAdapterOptions, "pageLimit"> {
  /** rows per page (`limit`); the API's default and maximum are Unconfirmed */
  pageLimit?: number;
  seatUsage?: SeatUsage;
  /** days per request; at most 31 */
  rangeDays?: number;
  /**
   * read the Claude Code analytics report (§1.4) for outcome facts — sessions, lines, commits,
   * pull requests — which the Analytics API does not have (default true; docs/outcomes.md)
   */
  claudeCode?: boolean;
}

export function anthropicAnalyticsAdapter(opts: AnthropicAnalyticsOptions): SourceAdapter {
  const headers = {
    "x-api-key": opts.apiKey,
    "anthropic-version": ANTHROPIC_VERSION,
    "anthropic-beta": ANALYTICS_BETA,
  };
  const seatUsage = opts.seatUsage ?? "invoiced";
  // the Claude Code report is not part of the beta: asked without the beta header
  const get = jsonGetter({ baseUrl: opts.baseUrl, headers, retry: opts.retry });
  const getClaudeCode = jsonGetter({
    baseUrl: opts.baseUrl,
    headers: { "x-api-key": opts.apiKey, "anthropic-version": ANTHROPIC_VERSION },
    retry: opts.retry,
  });
  const rangeDays = Math.min(MAX_RANGE_DAYS, Math.max(1, opts.rangeDays ?? MAX_RANGE_DAYS));

  /** Every page of one endpoint for one range; an expired cursor (410) restarts the range once. */
  async function readAll<T>(
    endpoint: "usage" | "cost",
    schema: z.ZodType<Paged<T>, unknown>,
    range: { start: DayKey; end: DayKey },
    ctx: FetchContext,
  ): Promise<T[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        const params: [string, string][] = [
          ["starting_at", isoStart(range.start)],
          ["ending_at", isoStart(nextDay(range.end))],
          ["time_bucket_width", "1d"],
          ...GROUP_BY.map((g): [string, string] => ["group_by[]", g]),
          ...(opts.pageLimit ? [["limit", String(opts.pageLimit)] as [string, string]] : []),
        ];
        return await readAllPages({
          schema,
          label: (n) => `anthropic analytics ${endpoint} ${range.start}..${range.end} page ${n}`,
          fetch: (page, label) =>
            get(
              `/organizations/analytics/${endpoint}`,
              withCursor(params, "page", page),
              label,
              ctx,
            ),
          // paging is Inferred: go on while a next_page is given and has_more does not say false
          next: nextPageUnlessDone,
        });
      } catch (error) {
        // "An expired cursor returns HTTP 410 and pagination must restart" (legacy siblings; Inferred here)
        if (error instanceof ProviderHttpError && error.status === 410 && attempt < 3) {
          ctx.log?.(
            `anthropic analytics ${endpoint}: cursor expired, reading ${range.start}..${range.end} again`,
          );
          continue;
        }
        throw error;
      }
    }
  }

  return {
    kind: "anthropic",
    async testConnection(ctx) {
      const today = now().toISOString().slice(0, 10);
      const start = addDays(today, -1) < ANALYTICS_EPOCH ? ANALYTICS_EPOCH : addDays(today, -1);
      const params: [string, string][] = [
        ["starting_at", isoStart(start)],
        ["limit", "1"],
      ];
      const label = "anthropic analytics test";
      validate(
        costPageSchema,
        await get("/organizations/analytics/cost", params, label, ctx),
        label,
      );
      return { ok: true, detail: "Anthropic Usage & Cost Analytics API reachable" };
    },
    async *pages(
      window: SyncWindow,
      cursor: string | null,
      ctx: FetchContext,
    ): AsyncIterable<UsagePage> {
      // the cursor is the first day of the next range still to read
      const from = cursor && cursor > window.start && cursor <= window.end ? cursor : window.start;
      const ranges = rangesOf({ start: from, end: window.end }, rangeDays);
      // outcomes come from the Claude Code report, a day a request; its money is already in the
      // cost endpoint's per-actor rows, so it adds no seat rows (a 403/404 is a note, not a failure)
      const claudeCode =
        opts.claudeCode === false
          ? null
          : new ClaudeCodeReader(getClaudeCode, { seatEstimates: false });
      for (const [i, range] of ranges.entries()) {
        const usage = await readAll("usage", usagePageSchema, range, ctx);
        const costs = await readAll("cost", costPageSchema, range, ctx);
        const mapped = mapAnalytics(usage, costs, {
          seatUsage,
          range,
          ...(ctx.toUsd ? { toUsd: ctx.toUsd } : {}),
        });
        const days = eachDay(range.start, range.end);
        const outcomes: OutcomeFact[] = [];
        if (claudeCode)
          for (const day of days) {
            const read = await claudeCode.day(day, ctx, mapped.warnings);
            if (!read) break;
            outcomes.push(...read.outcomes);
          }
        const next = ranges[i + 1];
        // rows are ranked by spend across the range, so only the whole range states its days completely
        yield {
          completeDays: days,
          rows: mapped.rows,
          costLines: mapped.costLines,
          warnings: mapped.warnings,
          nextCursor: next ? next.start : null,
          label: `anthropic analytics ${range.start}..${range.end}`,
          // the days' outcome facts are replaced only when the report was read for all of them
          ...(claudeCode?.available ? { outcomes } : {}),
        };
      }
    },
  };
}
