/**
 * The `chatgpt` source: ChatGPT Enterprise / Edu (Codex included) through the ChatGPT Admin
 * API with one workspace admin key. Usage is the workspace's daily per-user history with the
 * vendor's native `credits` (or `cost_usd`), never `estimated_cost_usd`. One page per UTC day
 * that states the day completely: a user the history omits on a day spent zero, and a later
 * revision of a day replaces the old value (the caller re-reads trailing days, since the
 * history has no finalization marker). The roster and groups become the directory; groups
 * are found through the usage-limit objects' `group_id` (the only documented way to learn a
 * group id) plus any ids configured by the owner, and are imported with source "chatgpt".
 */
import { z } from "zod";

import { creditsToUsd, parseMicros } from "../../core/money";
import { addDays, eachDay } from "../../core/period";
import {
  groupSchema,
  groupUsersSchema,
  usagePageSchema,
  userLimitSchema,
  userListSchema,
  type UsageResult,
} from "../../vendors/chatgpt/schemas";
import { validate, type RetryPolicy } from "../http";
import { cursorPages, nextPageWhileMore, readAllPages, withCursor } from "../paging";
import type {
  Directory,
  DirectoryGroup,
  DirectoryPerson,
  FetchContext,
  SourceAdapter,
  SyncWindow,
  UsagePage,
  UsageRow,
} from "../types";
import { usageRowOf } from "../usage-row";
import { dayOfUnix, jsonGetter, unixSeconds } from "./provider-common";

export const chatgptConfigSchema = z.object({
  /** the ChatGPT workspace id ({ws} in the Admin API paths) */
  workspaceId: z.string().min(1),
  /** group ids to import besides those the usage-limit objects name */
  groupIds: z.array(z.string().min(1)).default([]),
  /** look up each user's usage limit to discover their groups */
  discoverGroups: z.boolean().default(true),
  /** days before the last synced day that are read again (the history is revised) */
  trailingDays: z.number().int().min(0).max(31).default(3),
  pageLimit: z.number().int().min(1).max(1000).default(200),
});
export type ChatgptConfig = z.infer<typeof chatgptConfigSchema>;

export interface ChatgptAdapterOptions {
  baseUrl: string;
  apiKey: string;
  config: ChatgptConfig;
  /** the Allotment workspace's rate, to show a credit workspace's spend in USD as well */
  usdPerCreditMicros: bigint;
  retry?: Partial<RetryPolicy>;
}

/** Client entries are not given a shape by the reference: split by product only when they read unambiguously. */
const clientEntry = z.object({ client: z.string(), credits: z.number().nonnegative() });

const num = (v: number | string | null | undefined): string | null =>
  v === null || v === undefined ? null : String(v);

export function rowsForResult(r: UsageResult, usdPerCreditMicros: bigint): UsageRow[] {
  const userId = r.user_id ?? r.actor?.user_id ?? null;
  const day =
    typeof r.start_time === "number" ? dayOfUnix(r.start_time) : r.start_time.slice(0, 10);
  const credits = num(r.totals.credits);
  const cost = num(r.totals.cost_usd);
  if (credits === null && cost === null) return []; // no native figure: never fall back to the estimate
  const identity = userId
    ? { provider: "chatgpt", kind: "user_id" as const, externalId: userId }
    : null;
  const make = (product: string, creditsMicros: bigint | null, costMicros: bigint): UsageRow =>
    usageRowOf({ day, provider: "chatgpt", identity, product, creditsMicros, costMicros });
  if (credits === null) return [make("chatgpt", null, parseMicros(cost!))];
  const totalCredits = parseMicros(credits);
  const costOf = (c: bigint) =>
    cost !== null && c === totalCredits ? parseMicros(cost) : creditsToUsd(c, usdPerCreditMicros);
  const clients = z.array(clientEntry).safeParse(r.clients ?? []);
  if (clients.success && clients.data.length > 0) {
    const byProduct = new Map<string, bigint>();
    for (const c of clients.data) {
      const product = /codex/i.test(c.client) ? "codex" : "chatgpt";
      byProduct.set(product, (byProduct.get(product) ?? 0n) + parseMicros(c.credits));
    }
    const sum = [...byProduct.values()].reduce((a, b) => a + b, 0n);
    if (sum === totalCredits)
      return [...byProduct.entries()].map(([product, c]) => make(product, c, costOf(c)));
  }
  return [make("chatgpt", totalCredits, costOf(totalCredits))];
}

/** The window a sync should read: from `trailingDays` before what was synced, at the latest. */
export function chatgptSyncWindow(
  syncedThrough: string | null,
  today: string,
  trailingDays: number,
  backfillFrom: string,
): SyncWindow {
  const start = syncedThrough ? addDays(syncedThrough, -trailingDays) : backfillFrom;
  return { start: start < backfillFrom ? backfillFrom : start, end: today };
}

export function chatgptAdapter(opts: ChatgptAdapterOptions): SourceAdapter {
  const headers = { authorization: `Bearer ${opts.apiKey}` };
  const ws = encodeURIComponent(opts.config.workspaceId);
  const get = jsonGetter({ baseUrl: opts.baseUrl, headers, retry: opts.retry });

  const roster = (ctx: FetchContext) =>
    readAllPages({
      schema: userListSchema,
      label: (n) => `ChatGPT users page ${n}`,
      fetch: (after, label) =>
        get(
          `/manage/workspaces/${ws}/users`,
          withCursor([["limit", "200"]], "after", after),
          label,
          ctx,
        ),
      next: (page) =>
        page.has_more && page.data.length > 0
          ? (page.last_id ?? page.data[page.data.length - 1]!.id)
          : null,
      cursorField: "last_id",
    });

  return {
    kind: "chatgpt",
    async testConnection(ctx) {
      const page = validate(
        userListSchema,
        await get(`/manage/workspaces/${ws}/users`, [["limit", "1"]], "ChatGPT users", ctx),
        "ChatGPT users",
      );
      return {
        ok: true,
        detail: `ChatGPT workspace ${opts.config.workspaceId} answers (${page.data.length ? "has members" : "no members yet"})`,
      };
    },
    async directory(ctx): Promise<Directory> {
      const users = await roster(ctx);
      const emailById = new Map(users.map((u) => [u.id, u.email.toLowerCase()]));
      const people: DirectoryPerson[] = users.map((u) => ({
        email: u.email.toLowerCase(),
        name: u.name || u.email.split("@")[0]!,
        identities: [
          { provider: "chatgpt", kind: "user_id", externalId: u.id, email: u.email.toLowerCase() },
        ],
      }));
      const groupIds = new Set(opts.config.groupIds);
      if (opts.config.discoverGroups) {
        for (const u of users) {
          const limit = validate(
            userLimitSchema,
            await get(
              `/manage/workspaces/${ws}/usage_limits/users/${encodeURIComponent(u.id)}`,
              [],
              `ChatGPT usage limit of ${u.id}`,
              ctx,
            ),
            `ChatGPT usage limit of ${u.id}`,
          );
          for (const src of [
            limit.inherited_monthly_usage_limit?.source,
            limit.effective_monthly_usage_limit?.source,
          ]) {
            if (src?.kind === "group_default" && src.group_id) groupIds.add(src.group_id);
          }
        }
      }
      const groups: DirectoryGroup[] = [];
      for (const id of [...groupIds].sort()) {
        const g = validate(
          groupSchema,
          await get(
            `/manage/workspaces/${ws}/groups/${encodeURIComponent(id)}`,
            [],
            `ChatGPT group ${id}`,
            ctx,
          ),
          `ChatGPT group ${id}`,
        );
        const memberEmails: string[] = [];
        for await (const page of cursorPages({
          schema: groupUsersSchema,
          label: (n) => `ChatGPT group ${id} users page ${n}`,
          fetch: (cursor, label) =>
            get(
              `/manage/workspaces/${ws}/groups/${encodeURIComponent(id)}/users`,
              withCursor([["limit", "200"]], "cursor", cursor),
              label,
              ctx,
            ),
          next: (p) => (p.has_more && p.next_cursor ? p.next_cursor : null),
          cursorField: "next_cursor",
        }))
          for (const m of page.data) {
            const email = emailById.get(m.id);
            if (email) memberEmails.push(email);
          }
        groups.push({
          name: g.name,
          costCenter: "",
          memberEmails,
          managerEmails: [],
          externalId: g.id,
        });
      }
      return { source: "chatgpt", people, groups };
    },
    async *pages(
      window: SyncWindow,
      cursor: string | null,
      ctx: FetchContext,
    ): AsyncIterable<UsagePage> {
      const first = cursor && cursor > window.start ? cursor : window.start;
      for (const day of eachDay(first, window.end)) {
        const rows: UsageRow[] = [];
        const params: [string, string][] = [
          ["start_time", String(unixSeconds(day))],
          ["end_time", String(unixSeconds(addDays(day, 1)))],
          ["limit", String(opts.config.pageLimit)],
        ];
        for await (const p of cursorPages({
          schema: usagePageSchema,
          label: (n) => `ChatGPT usage ${day} page ${n}`,
          fetch: (page, label) =>
            get(`/analytics/workspaces/${ws}/usage`, withCursor(params, "page", page), label, ctx),
          next: nextPageWhileMore,
        }))
          for (const r of p.data) rows.push(...rowsForResult(r, opts.usdPerCreditMicros));
        // several results for one user-day (e.g. per client) add up to one row per key
        const merged = new Map<string, UsageRow>();
        for (const r of rows) {
          const k = `${r.day}|${r.identity?.externalId ?? ""}|${r.product}`;
          const prev = merged.get(k);
          merged.set(
            k,
            prev
              ? {
                  ...prev,
                  costMicros: prev.costMicros + r.costMicros,
                  creditsMicros:
                    prev.creditsMicros === null || r.creditsMicros === null
                      ? null
                      : prev.creditsMicros + r.creditsMicros,
                }
              : r,
          );
        }
        yield {
          completeDays: [day],
          rows: [...merged.values()],
          nextCursor: day < window.end ? addDays(day, 1) : null,
          label: `chatgpt ${day}`,
        };
      }
    },
  };
}
