/** Small helpers shared by the HTTP provider adapters. Pure. */
import { z } from "zod";

import { addDays, dayStart, toDayKey, type DayKey } from "../../core/period";
import { getJson, type RetryPolicy } from "../http";
import { cursorPages, nextPageWhileMore, type CursorPaging, type NextPageFields } from "../paging";
import type { CostLine, FetchContext } from "../types";

export interface HttpAdapterOptions {
  /** including the version segment, e.g. https://api.openai.com/v1 */
  baseUrl: string;
  apiKey: string;
  /** buckets per page (the providers' `limit`) */
  pageLimit?: number;
  retry?: Partial<RetryPolicy>;
}

export const tokenCount = z.number().int().nonnegative().optional().default(0);

/** One GET of a provider's JSON (unknown: validate it next). */
export type GetJson = (
  path: string,
  params: [string, string][],
  label: string,
  ctx: FetchContext,
) => Promise<unknown>;

/** The GET of one provider: its base URL, headers and retry policy, with the sync's signal and log. */
export function jsonGetter(opts: {
  baseUrl: string;
  headers: Record<string, string>;
  retry?: Partial<RetryPolicy>;
}): GetJson {
  return (path, params, label, ctx) =>
    getJson({
      url: joinUrl(opts.baseUrl, path, params),
      headers: opts.headers,
      label,
      signal: ctx.signal,
      retry: opts.retry,
      log: ctx.log,
    });
}

export function joinUrl(base: string, path: string, params: [string, string][]): string {
  const url = new URL(base.replace(/\/+$/, "") + path);
  for (const [k, v] of params) url.searchParams.append(k, v);
  return url.toString();
}

export function unixSeconds(day: DayKey): number {
  return dayStart(day).getTime() / 1000;
}

export function dayOfUnix(seconds: number): DayKey {
  return toDayKey(new Date(seconds * 1000));
}

export function dayOfIso(iso: string): DayKey {
  return toDayKey(new Date(iso));
}

export function isoStart(day: DayKey): string {
  return `${day}T00:00:00Z`;
}

export function nextDay(day: DayKey): DayKey {
  return addDays(day, 1);
}

/** One page of a usage report by day, cut to the sync's window. */
export interface ReportPage<B> {
  /** the page's number, from 1 */
  n: number;
  /** the page's day buckets inside the window, each with its day, in the page's order */
  kept: { day: DayKey; bucket: B }[];
  /** their days, sorted: the page states them completely */
  days: DayKey[];
  first: DayKey;
  last: DayKey;
  /** where the next sync resumes when it stops after this page: the day after `last`, while more follow */
  nextCursor: DayKey | null;
}

/**
 * A usage report by day (the OpenAI and Anthropic Admin APIs'), cursor page by cursor page from
 * `start` to `end`: the pages with a bucket inside that window, cut to it.
 */
export async function* usageReportPages<P extends NextPageFields & { data: unknown[] }>(
  report: Omit<CursorPaging<P>, "next"> & { dayOf: (bucket: P["data"][number]) => DayKey },
  start: DayKey,
  end: DayKey,
): AsyncGenerator<ReportPage<P["data"][number]>, void, undefined> {
  let n = 0;
  for await (const body of cursorPages({ ...report, next: nextPageWhileMore })) {
    n++;
    const kept = body.data
      .map((bucket) => ({ day: report.dayOf(bucket), bucket }))
      .filter(({ day }) => day >= start && day <= end);
    if (!kept.length) continue;
    const days = kept.map((k) => k.day).sort();
    const last = days[days.length - 1]!;
    const more = nextPageWhileMore(body) !== null;
    yield {
      n,
      kept,
      days,
      first: days[0]!,
      last,
      nextCursor: more && last < end ? nextDay(last) : null,
    };
  }
}

export function big(n: number): bigint {
  return BigInt(n);
}

/** A cost report read for a window: billed micro-USD per scopeKey, the lines in their own currency, run-log warnings. */
export interface BilledCosts {
  billed: Map<string, bigint>;
  lines: CostLine[];
  warnings: string[];
}

export function emptyBilledCosts(): BilledCosts {
  return { billed: new Map(), lines: [], warnings: [] };
}
