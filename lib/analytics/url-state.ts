/**
 * The analytics screens' state as it lives in the URL (shareable, back-button friendly):
 * range, stack dimension, breakdown dimension / sort / page, and multi-select filters.
 * The server page and the client derive the same canonical query string from it, so the
 * server's prefetch and the client's query share one react-query key.
 */
import { breakdownQuerySchema, type BreakdownQuery } from "./breakdown-query";
import { DIMENSIONS, UNATTRIBUTED, filtersFromSearch, type Filters } from "./filters";
import { rangeSpecSchema, type RangeSpec } from "./range";
import { z } from "zod";

export const STACKS = ["product", "model", "provider", "group"] as const;
export type Stack = (typeof STACKS)[number];

export interface AnalyticsState {
  spec: RangeSpec;
  filters: Filters;
  query: BreakdownQuery;
  stack: Stack;
}

const stackSchema = z.enum(STACKS).catch("product");

/** Lenient parse: a bad value falls back to the default instead of breaking a shared link. */
export function parseAnalyticsSearch(sp: URLSearchParams): AnalyticsState {
  const one = (k: string) => sp.get(k) ?? undefined;
  const spec = rangeSpecSchema.safeParse({ range: one("range"), from: one("from"), to: one("to") });
  const query = breakdownQuerySchema.safeParse({ dimension: one("dimension"), sort: one("sort"), dir: one("dir"), page: one("page"), pageSize: one("pageSize") });
  let filters: Filters = {};
  try {
    filters = filtersFromSearch(sp);
  } catch {
    filters = {};
  }
  return {
    spec: spec.success ? spec.data : rangeSpecSchema.parse({}),
    filters,
    query: query.success ? query.data : breakdownQuerySchema.parse({}),
    stack: stackSchema.parse(one("stack")),
  };
}

export function recordToSearch(record: Record<string, string | string[] | undefined>): URLSearchParams {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(record)) {
    if (Array.isArray(v)) v.forEach((x) => sp.append(k, x));
    else if (v !== undefined) sp.set(k, v);
  }
  return sp;
}

/** Canonical query string of the parts a view uses, defaults omitted, fixed order. */
export function canonicalSearch(s: AnalyticsState, parts: { breakdown?: boolean; stack?: boolean } = {}): string {
  const sp = new URLSearchParams();
  if (s.spec.range !== "period") sp.set("range", s.spec.range);
  if (s.spec.range === "custom") {
    if (s.spec.from) sp.set("from", s.spec.from);
    if (s.spec.to) sp.set("to", s.spec.to);
  }
  if (parts.stack && s.stack !== "product") sp.set("stack", s.stack);
  if (parts.breakdown) {
    if (s.query.dimension !== "member") sp.set("dimension", s.query.dimension);
    if (s.query.sort !== "amount") sp.set("sort", s.query.sort);
    if (s.query.dir !== "desc") sp.set("dir", s.query.dir);
    if (s.query.page !== 1) sp.set("page", String(s.query.page));
    if (s.query.pageSize !== 25) sp.set("pageSize", String(s.query.pageSize));
  }
  for (const d of DIMENSIONS) {
    const v = s.filters[d];
    if (v?.length) sp.set(d, [...v].sort().map((x) => (x === UNATTRIBUTED ? "unattributed" : x)).join(","));
  }
  return sp.toString();
}
