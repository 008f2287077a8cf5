/**
 * The Claude Code analytics report, `GET /v1/organizations/usage_report/claude_code`
 * (../shared/VENDOR-APIS.md §1.4): one day per request (`starting_at=YYYY-MM-DD`), pages by
 * `limit` / `page` until `has_more` is false. Each record is one person (or API key) on one
 * day, local and remote usage apart. It yields two things:
 * - the seat estimate rows (docs/billing.md: a subscription's `estimated_cost` is kept as
 *   seatEstimateMicros; API-billed records are left out, their money is in the cost report);
 * - outcome facts (docs/outcomes.md): sessions, lines added / removed, commits and pull
 *   requests from `core_metrics`, for every customer type (a commit is a commit, whoever
 *   pays for the tokens).
 * The key may not be allowed to read the report (an Admin key of an organisation without
 * Claude Code, or a narrower analytics key): a 403 / 404 is a note on the run, never a failed
 * sync of the costs (`ClaudeCodeReader`).
 */
import { z } from "zod";

import type { DayKey } from "../../core/period";
import { decimalText, ISO_CURRENCY, majorFromCents } from "../../currency/convert";
import { USD_ONLY } from "../../currency/rates";
import { ProviderHttpError } from "../http";
import { cursorPages, nextPageWhileMore, withCursor } from "../paging";
import type { FetchContext, IdentityRef, OutcomeFact, UsageRow } from "../types";
import { usageRowOf } from "../usage-row";
import { big, tokenCount, type GetJson } from "./provider-common";

/** Outcome counts are stored in 32-bit integer columns; a count beyond that is not a real day. */
const outcomeCount = z.number().int().nonnegative().max(2_147_483_647).optional().default(0);

const coreMetrics = z.object({
  num_sessions: outcomeCount,
  lines_of_code: z
    .object({ added: outcomeCount, removed: outcomeCount })
    .optional()
    .default({ added: 0, removed: 0 }),
  commits_by_claude_code: outcomeCount,
  pull_requests_by_claude_code: outcomeCount,
});

const claudeCodeRecord = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}/, "expected an RFC 3339 date"),
  actor: z.object({
    type: z.string(),
    email_address: z.string().nullish(),
    api_key_name: z.string().nullish(),
  }),
  customer_type: z.string().nullish(),
  /** "Remote and local usage are reported as separate rows"; absent in older records */
  is_remote: z.boolean().nullish(),
  /** absent or null: the record says nothing about outcomes (no fact is written for it) */
  core_metrics: coreMetrics.nullish(),
  model_breakdown: z
    .array(
      z.object({
        model: z.string(),
        tokens: z.object({
          input: tokenCount,
          output: tokenCount,
          cache_read: tokenCount,
          cache_creation: tokenCount,
        }),
        estimated_cost: z.object({
          currency: z.string().regex(ISO_CURRENCY, "expected an ISO 4217 currency code"),
          amount: z.number(),
        }),
      }),
    )
    .optional()
    .default([]),
});
export type ClaudeCodeRecord = z.output<typeof claudeCodeRecord>;

export const claudeCodePage = z.object({
  data: z.array(claudeCodeRecord),
  has_more: z.boolean(),
  next_page: z.string().nullish(),
});

export const CLAUDE_CODE_PATH = "/organizations/usage_report/claude_code";

/** Every record of one day, all pages read; a page that breaks the format throws naming the field. */
export async function fetchClaudeCodeDay(
  get: GetJson,
  day: DayKey,
  ctx: FetchContext,
): Promise<ClaudeCodeRecord[]> {
  const records: ClaudeCodeRecord[] = [];
  const params: [string, string][] = [
    ["starting_at", day],
    ["limit", "1000"],
  ];
  for await (const body of cursorPages({
    schema: claudeCodePage,
    label: (n) => `anthropic claude code ${day} page ${n}`,
    fetch: (page, label) => get(CLAUDE_CODE_PATH, withCursor(params, "page", page), label, ctx),
    next: nextPageWhileMore,
  }))
    for (const rec of body.data) if (rec.date.slice(0, 10) === day) records.push(rec);
  return records;
}

function actorOf(rec: ClaudeCodeRecord): IdentityRef | null {
  if (rec.actor.email_address)
    return {
      provider: "claude_code",
      kind: "email",
      externalId: rec.actor.email_address.toLowerCase(),
      email: rec.actor.email_address,
    };
  if (rec.actor.api_key_name)
    return { provider: "claude_code", kind: "api_key_id", externalId: rec.actor.api_key_name };
  return null;
}

/** Seat-estimate usage rows of a day's records (subscription customers only, docs/billing.md). */
export function seatRowsOf(
  day: DayKey,
  records: ClaudeCodeRecord[],
  ctx: FetchContext,
  warnings: string[],
): UsageRow[] {
  const toUsd = ctx.toUsd ?? USD_ONLY.toUsd;
  const rows: UsageRow[] = [];
  for (const rec of records) {
    // API-billed: already in the messages and cost reports
    if (rec.customer_type === "api") continue;
    const who = rec.actor.email_address ?? rec.actor.api_key_name ?? "";
    const identity = actorOf(rec);
    for (const m of rec.model_breakdown) {
      const currency = m.estimated_cost.currency.toUpperCase();
      const estimate = toUsd(majorFromCents(decimalText(m.estimated_cost.amount)), currency, day);
      if (estimate === null)
        warnings.push(
          `anthropic claude code ${day} ${who || "unknown actor"} ${m.model}: no exchange rate for ${currency} on ${day}; seat estimate left at 0`,
        );
      // a seat plan's usage is not billed per use: costMicros stays 0, the estimate is apart
      rows.push(
        usageRowOf({
          day,
          provider: "anthropic",
          identity,
          product: "claude_code",
          model: m.model,
          lineItem: who ? "" : "unknown actor",
          inputTokens: big(m.tokens.input + m.tokens.cache_read + m.tokens.cache_creation),
          cachedInputTokens: big(m.tokens.cache_read),
          cacheWriteTokens: big(m.tokens.cache_creation),
          outputTokens: big(m.tokens.output),
          seatEstimateMicros: estimate ?? 0n,
        }),
      );
    }
  }
  return rows;
}

/**
 * Outcome facts of a day's records, one per (identity, local/remote): records that share
 * them (one per terminal, say) are added up, so the natural key holds and nothing is lost.
 */
export function outcomeFactsOf(day: DayKey, records: ClaudeCodeRecord[]): OutcomeFact[] {
  const facts = new Map<string, OutcomeFact>();
  for (const rec of records) {
    const m = rec.core_metrics;
    if (!m) continue;
    const identity = actorOf(rec);
    const source = rec.is_remote === true ? "remote" : rec.is_remote === false ? "local" : "";
    const key = `${identity?.kind ?? ""}|${identity?.externalId ?? ""}|${source}`;
    const fact = facts.get(key) ?? {
      day,
      identity,
      product: "claude_code",
      source,
      sessions: 0,
      linesAdded: 0,
      linesRemoved: 0,
      commits: 0,
      pullRequests: 0,
    };
    fact.sessions += m.num_sessions;
    fact.linesAdded += m.lines_of_code.added;
    fact.linesRemoved += m.lines_of_code.removed;
    fact.commits += m.commits_by_claude_code;
    fact.pullRequests += m.pull_requests_by_claude_code;
    facts.set(key, fact);
  }
  return [...facts.values()];
}

/**
 * Reads the report day by day for one sync. Once the endpoint answers 403 or 404 the key
 * cannot read it: the run gets one note saying so and the report is not asked again; the
 * costs and token usage of the sync go on.
 */
export class ClaudeCodeReader {
  private unavailable = false;

  /**
   * `seatEstimates: false` (the Analytics API mode, whose cost report already has each
   * person's Claude Code cost): the report gives outcome facts only, no seat rows.
   */
  constructor(
    private readonly get: GetJson,
    private readonly opts: { seatEstimates?: boolean } = {},
  ) {}

  get available(): boolean {
    return !this.unavailable;
  }

  /** The day's seat rows and outcome facts, or null when the key may not read the report. */
  async day(
    day: DayKey,
    ctx: FetchContext,
    warnings: string[],
  ): Promise<{ rows: UsageRow[]; outcomes: OutcomeFact[] } | null> {
    if (this.unavailable) return null;
    let records: ClaudeCodeRecord[];
    try {
      records = await fetchClaudeCodeDay(this.get, day, ctx);
    } catch (error) {
      if (error instanceof ProviderHttpError && (error.status === 403 || error.status === 404)) {
        this.unavailable = true;
        const seats = this.opts.seatEstimates !== false;
        warnings.push(
          `Claude Code analytics not available to this key (HTTP ${error.status} on ${CLAUDE_CODE_PATH}): ` +
            `outcomes (commits, pull requests)${seats ? " and Claude Code seat estimates were" : " were"} not synced; costs and usage were. ` +
            `Use an Admin API key of an organisation with Claude Code to read them.`,
        );
        return null;
      }
      throw error;
    }
    return {
      rows: this.opts.seatEstimates === false ? [] : seatRowsOf(day, records, ctx, warnings),
      outcomes: outcomeFactsOf(day, records),
    };
  }
}
