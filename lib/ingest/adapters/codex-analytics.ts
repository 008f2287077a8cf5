/**
 * The Codex Analytics API (../shared/VENDOR-APIS.md §4.3): what Codex produced per person and
 * day — threads, turns and, when the vendor attributes code, lines added and removed — read as
 * outcome facts (docs/outcomes.md) of product `codex`. It has no commits and no pull requests.
 *
 *   GET {base}/workspaces/{workspace_id}/usage?start_time=<unix s>&end_time=<unix s>[&page=<next_page>]
 *   base https://api.chatgpt.com/v1/analytics/codex, Authorization: Bearer <Platform API key
 *   scoped by OpenAI support to codex.enterprise.analytics.read>
 *
 * What is known and how sure (the labels of VENDOR-APIS.md):
 * - the base, the route, the auth, `start_time` / `end_time` and paging "with next_page":
 *   Confirmed (2nd-hand copy of OpenAI's admin-setup page);
 * - the row shape: Secondary (a third party's types file) — so every field but `totals` may be
 *   absent or null, and unknown fields are ignored;
 * - Unix seconds for the times: Inferred. They are sent as Unix seconds; a row's `start_time`
 *   is read as Unix seconds or as an RFC 3339 text (either reading);
 * - the name of the paging parameter (`page` or `cursor`): Unconfirmed. `page` by default (the
 *   ChatGPT Admin API's sibling usage route takes `page`), `cursor` by the connection's option;
 *   a cursor that comes back twice fails the sync rather than loop.
 *
 * The money is not read here: Codex credits are already usage rows of whatever connection
 * reads the ChatGPT workspace (lib/ingest/adapters/chatgpt.ts); counting them again would
 * double them. Each page is one UTC day, stated completely (a re-sync replaces the day's facts).
 */
import { z } from "zod";

import { addDays, eachDay, type DayKey } from "../../core/period";
import { now } from "../../server/clock";
import { ProviderValidationError, type RetryPolicy } from "../http";
import { nextPageUnlessDone, readAllPages, withCursor } from "../paging";
import type {
  FetchContext,
  IdentityRef,
  OutcomeFact,
  SourceAdapter,
  SyncWindow,
  UsagePage,
} from "../types";
import { dayOfUnix, jsonGetter, unixSeconds } from "./provider-common";

export const DEFAULT_CODEX_ANALYTICS_BASE_URL = "https://api.chatgpt.com/v1/analytics/codex";

export const codexConfigSchema = z.object({
  /** the ChatGPT workspace id (from the ChatGPT Admin console) */
  workspaceId: z.string().trim().min(1, "The ChatGPT workspace id is required").max(200),
  /** the query parameter that carries next_page (Unconfirmed: page or cursor) */
  pageParam: z.enum(["page", "cursor"]).default("page"),
});
export type CodexConfig = z.infer<typeof codexConfigSchema>;

/** Outcome counts are stored in 32-bit integer columns. */
const count = z.number().int().nonnegative().max(2_147_483_647);

/** Unix seconds (Inferred) or an RFC 3339 text: either reading is accepted. */
const time = z.union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })]);

const usageResult = z.object({
  object: z.string().nullish(),
  start_time: time,
  end_time: time,
  user_id: z.string().min(1).nullish(),
  actor: z
    .object({
      type: z.string().nullish(),
      user_id: z.string().min(1).nullish(),
      email: z.string().nullish(),
    })
    .nullish(),
  email: z.string().nullish(),
  totals: z.object({
    threads: count.nullish(),
    turns: count.nullish(),
    credits: z.number().nonnegative().nullish(),
  }),
  code_attribution: z
    .object({ lines_added: count.nullish(), lines_removed: count.nullish() })
    .nullish(),
});
export type CodexUsageResult = z.output<typeof usageResult>;

export const codexUsagePageSchema = z.object({
  object: z.string().nullish(),
  data: z.array(usageResult),
  has_more: z.boolean().nullish(),
  next_page: z.string().nullish(),
});

const dayOfTime = (t: number | string): DayKey =>
  typeof t === "number" ? dayOfUnix(t) : new Date(t).toISOString().slice(0, 10);

/**
 * The person behind a row: the ChatGPT user id (the identity the ChatGPT connection's roster
 * maps, provider `chatgpt`; that both APIs share the id is Inferred), else the email; the row's
 * email lets the sync map a new identity to the member with that email.
 */
export function codexIdentity(r: CodexUsageResult): IdentityRef | null {
  const userId = r.user_id ?? r.actor?.user_id ?? null;
  const email = (r.email ?? r.actor?.email ?? "").trim();
  if (userId)
    return {
      provider: "chatgpt",
      kind: "user_id",
      externalId: userId,
      ...(email ? { email: email.toLowerCase() } : {}),
    };
  if (email)
    return {
      provider: "chatgpt",
      kind: "email",
      externalId: email.toLowerCase(),
      email: email.toLowerCase(),
    };
  return null;
}

/**
 * Outcome facts of one day's rows: threads as sessions (a Codex thread is one conversation
 * with the agent — the closest to Claude Code's session; Inferred), lines from
 * `code_attribution` (absent = 0), no commits and no pull requests. A row of another day
 * breaks the request's contract and fails the page, naming it.
 */
export function codexFactsOf(day: DayKey, rows: CodexUsageResult[], label: string): OutcomeFact[] {
  return rows.map((r, i) => {
    const rowDay = dayOfTime(r.start_time);
    if (rowDay !== day)
      throw new ProviderValidationError(
        `${label}: data[${i}].start_time: ${String(r.start_time)} is ${rowDay}, outside the requested ${day}`,
      );
    return {
      day,
      identity: codexIdentity(r),
      product: "codex",
      source: "",
      sessions: r.totals.threads ?? 0,
      linesAdded: r.code_attribution?.lines_added ?? 0,
      linesRemoved: r.code_attribution?.lines_removed ?? 0,
      commits: 0,
      pullRequests: 0,
    };
  });
}

export interface CodexAnalyticsOptions {
  baseUrl: string;
  apiKey: string;
  config: CodexConfig;
  retry?: Partial<RetryPolicy>;
}

export function codexAnalyticsAdapter(opts: CodexAnalyticsOptions): SourceAdapter {
  const get = jsonGetter({
    baseUrl: opts.baseUrl,
    headers: { authorization: `Bearer ${opts.apiKey}` },
    retry: opts.retry,
  });
  const path = `/workspaces/${encodeURIComponent(opts.config.workspaceId)}/usage`;

  function readDay(day: DayKey, ctx: FetchContext): Promise<CodexUsageResult[]> {
    const params: [string, string][] = [
      ["start_time", String(unixSeconds(day))],
      ["end_time", String(unixSeconds(addDays(day, 1)))],
    ];
    return readAllPages({
      schema: codexUsagePageSchema,
      label: (n) => `codex analytics usage ${day} page ${n}`,
      fetch: (cursor, label) =>
        get(path, withCursor(params, opts.config.pageParam, cursor), label, ctx),
      next: nextPageUnlessDone,
    });
  }

  return {
    kind: "codex",
    async testConnection(ctx) {
      const yesterday = addDays(now().toISOString().slice(0, 10), -1);
      const rows = await readDay(yesterday, ctx);
      return {
        ok: true,
        detail: `Codex Analytics API answers for workspace ${opts.config.workspaceId} (${rows.length} people on ${yesterday})`,
      };
    },
    async *pages(
      window: SyncWindow,
      cursor: string | null,
      ctx: FetchContext,
    ): AsyncIterable<UsagePage> {
      const first = cursor && cursor > window.start && cursor <= window.end ? cursor : window.start;
      for (const day of eachDay(first, window.end)) {
        const label = `codex analytics usage ${day}`;
        const outcomes = codexFactsOf(day, await readDay(day, ctx), label);
        yield {
          completeDays: [day],
          rows: [],
          outcomes,
          nextCursor: day < window.end ? addDays(day, 1) : null,
          label,
        };
      }
    },
  };
}
