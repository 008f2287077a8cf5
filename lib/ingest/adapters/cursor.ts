/**
 * The `cursor` source: a Cursor team through the Admin API with one admin key (§3). Usage is
 * `/teams/filtered-usage-events` over the whole window (both ends inclusive, epoch ms), read
 * and validated completely before the first page is handed to the sync engine, so a page that
 * breaks the documented format fails the run naming the field and nothing is written. Events
 * become one row per UTC day, person (by email) and model, product `cursor`:
 *
 * - `costMicros`: the chargeable (on-demand) `chargedCents`: what the team pays beyond its
 *   plan and what Cursor's member spend limits cap;
 * - `seatEstimateMicros`: `chargedCents` of included usage (covered by the seat fee);
 * - `estimatedCostMicros`: both together.
 *
 * Fractional cents are summed exactly (pico-USD) and rounded to micro-USD once per row. Every
 * day of the window is stated completely (a day Cursor now reports differently replaces the
 * old rows). The team's members are the directory: identities by email.
 */
import { z } from "zod";

import { addDays, dayStart, eachDay, toDayKey, type DayKey } from "../../core/period";
import { CursorClient } from "../../vendors/cursor/client";
import { CURSOR_READ_RETRY } from "../../vendors/cursor/http";
import { centsToPico, picoToMicros } from "../../vendors/cursor/money";
import { LocalRateGate } from "../../vendors/cursor/rate-limits";
import type { UsageEvent } from "../../vendors/cursor/schemas";
import type { RetryPolicy } from "../../vendors/http";
import type { Directory, IdentityRef, SourceAdapter, UsagePage, UsageRow } from "../types";
import { usageRowOf } from "../usage-row";

export const cursorConfigSchema = z.object({
  /** events per page (Cursor's maximum is 1000) */
  pageSize: z.number().int().min(1).max(1000).default(1000),
});
export type CursorConfig = z.infer<typeof cursorConfigSchema>;

export interface CursorAdapterOptions {
  baseUrl: string;
  apiKey: string;
  config?: Partial<CursorConfig>;
  retry?: Partial<RetryPolicy>;
  /** injectable for tests (rate-gate waits and retry backoff) */
  sleep?: (ms: number) => Promise<void>;
  clock?: () => number;
}

export const CURSOR_PROVIDER = "cursor";
export const CURSOR_PRODUCT = "cursor";

function identityOf(e: UsageEvent): IdentityRef | null {
  if (e.userEmail) {
    const email = e.userEmail.toLowerCase();
    return { provider: CURSOR_PROVIDER, kind: "email", externalId: email, email };
  }
  if (e.serviceAccountId)
    return {
      provider: CURSOR_PROVIDER,
      kind: "service_account_id",
      externalId: e.serviceAccountId,
    };
  return null;
}

interface Acc {
  row: UsageRow;
  chargeable: bigint;
  included: bigint;
}

/** Events → usage rows per day, identity and model (pure; exact sums, rounded once per row). */
export function rowsForEvents(events: UsageEvent[]): Map<DayKey, UsageRow[]> {
  const acc = new Map<string, Acc>();
  for (const e of events) {
    const day = toDayKey(new Date(Number(e.timestamp)));
    const identity = identityOf(e);
    const model = e.model ?? "";
    const key = `${day}|${identity?.kind ?? ""}:${identity?.externalId ?? ""}|${model}`;
    let a = acc.get(key);
    if (!a) {
      a = {
        row: usageRowOf({
          day,
          provider: CURSOR_PROVIDER,
          identity,
          product: CURSOR_PRODUCT,
          model,
          cacheWriteTokens: 0n,
          seatEstimateMicros: 0n,
        }),
        chargeable: 0n,
        included: 0n,
      };
      acc.set(key, a);
    }
    const t = e.tokenUsage;
    if (t) {
      // Cursor's inputTokens excludes the cache: Allotment's input counts cache reads and writes too
      a.row.inputTokens += BigInt(t.inputTokens + t.cacheWriteTokens + t.cacheReadTokens);
      a.row.cachedInputTokens += BigInt(t.cacheReadTokens);
      a.row.cacheWriteTokens! += BigInt(t.cacheWriteTokens);
      a.row.outputTokens += BigInt(t.outputTokens);
    }
    a.row.requests += 1n;
    const pico = centsToPico(e.chargedCents);
    if (e.isChargeable) a.chargeable += pico;
    else a.included += pico;
  }
  const out = new Map<DayKey, UsageRow[]>();
  for (const a of acc.values()) {
    a.row.costMicros = picoToMicros(a.chargeable);
    a.row.seatEstimateMicros = picoToMicros(a.included);
    a.row.estimatedCostMicros = picoToMicros(a.chargeable + a.included);
    const list = out.get(a.row.day) ?? [];
    list.push(a.row);
    out.set(a.row.day, list);
  }
  return out;
}

export function cursorAdapter(opts: CursorAdapterOptions): SourceAdapter {
  const config = cursorConfigSchema.parse(opts.config ?? {});
  const gate = new LocalRateGate(opts.clock, opts.sleep);
  const client = (log?: (line: string) => void) =>
    new CursorClient({
      baseUrl: opts.baseUrl,
      apiKey: opts.apiKey,
      beforeCall: (route) => gate.take(route),
      retry: { ...CURSOR_READ_RETRY, ...opts.retry },
      sleep: opts.sleep,
      log,
    });

  return {
    kind: "cursor",
    async testConnection(ctx) {
      const n = await client(ctx.log).probe();
      return { ok: true, detail: `Cursor team answers (${n} member${n === 1 ? "" : "s"})` };
    },
    async directory(ctx): Promise<Directory> {
      const api = client(ctx.log);
      const members = (await api.members()).filter((m) => !m.isRemoved);
      const onTeam = new Set(members.map((m) => m.email.toLowerCase()));
      // billing groups become groups (like GitHub's cost centers); members by email, team members only
      const groups = (await api.billingGroups()).map((g) => ({
        name: g.name,
        costCenter: "",
        memberEmails: g.currentMembers
          .map((m) => (m.email ?? "").toLowerCase())
          .filter((e) => onTeam.has(e)),
        managerEmails: [],
        externalId: g.id,
      }));
      return {
        source: "cursor",
        people: members.map((m) => {
          const email = m.email.toLowerCase();
          return {
            email,
            name: m.name || email.split("@")[0]!,
            identities: [{ provider: CURSOR_PROVIDER, kind: "email", externalId: email, email }],
          };
        }),
        groups,
      };
    },
    async *pages(window, cursor, ctx): AsyncIterable<UsagePage> {
      const first = cursor && cursor > window.start ? cursor : window.start;
      if (first > window.end) return;
      // the window's last millisecond: endDate is inclusive, as documented
      const startMs = dayStart(first).getTime();
      const endMs = dayStart(addDays(window.end, 1)).getTime() - 1;
      const events = await client(ctx.log).usageEvents(startMs, endMs, {
        pageSize: config.pageSize,
      });
      const byDay = rowsForEvents(events);
      for (const day of eachDay(first, window.end)) {
        yield {
          completeDays: [day],
          rows: byDay.get(day) ?? [],
          nextCursor: day < window.end ? addDays(day, 1) : null,
          label: `cursor ${day}`,
        };
      }
    },
  };
}
