/**
 * The analytics screens' state as it lives in the URL (shareable, back-button friendly):
 * range, stack dimension, breakdown dimension / sort / page, and multi-select filters.
 * The server page and the client derive the same canonical query string from it, so the
 * server's prefetch and the client's query share one react-query key.
 */
import { z } from "zod";

import { firstIssueText } from "../http/query";
import { breakdownQuerySchema, type BreakdownQuery } from "./breakdown-query";
import { DIMENSIONS, filtersFromSearch, UNATTRIBUTED, type Filters } from "./filters";
import { rangeSpecSchema, type RangeSpec } from "./range";

export const STACKS = ["product", "model", "provider", "group"] as const;
export type Stack = (typeof STACKS)[number];

export interface AnalyticsState {
  spec: RangeSpec;
  filters: Filters;
  query: BreakdownQuery;
  stack: Stack;
  /**
   * Set when the URL's range/from/to could not be used and the default range is shown
   * instead ("to: must be a real date YYYY-MM-DD"): pages say so visibly.
   */
  rangeProblem?: string;
}

const stackSchema = z.enum(STACKS).catch("product");

function rangeInput(sp: URLSearchParams) {
  return {
    range: sp.get("range") ?? undefined,
    from: sp.get("from") ?? undefined,
    to: sp.get("to") ?? undefined,
  };
}

/**
 * Lenient parse for pages and the client: a bad value falls back to the default instead of
 * breaking a shared link; a bad range says why in `rangeProblem` so the page can show it.
 */
export function parseAnalyticsSearch(sp: URLSearchParams): AnalyticsState {
  const one = (k: string) => sp.get(k) ?? undefined;
  const spec = rangeSpecSchema.safeParse(rangeInput(sp));
  const query = breakdownQuerySchema.safeParse({
    dimension: one("dimension"),
    sort: one("sort"),
    dir: one("dir"),
    page: one("page"),
    pageSize: one("pageSize"),
  });
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
    ...(spec.success ? {} : { rangeProblem: firstIssueText(spec.error) }),
  };
}

/**
 * The analytics JSON/CSV APIs: the same state, but the range (range, from, to) is strict —
 * a non-date, an impossible day or a reversed/too-long range throws a ZodError (400 naming
 * the field) before any date arithmetic runs.
 */
export function parseAnalyticsQuery(sp: URLSearchParams): AnalyticsState {
  const spec = rangeSpecSchema.parse(rangeInput(sp));
  return { ...parseAnalyticsSearch(sp), spec };
}

export function recordToSearch(
  record: Record<string, string | string[] | undefined>,
): URLSearchParams {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(record)) {
    if (Array.isArray(v)) v.forEach((x) => sp.append(k, x));
    else if (v !== undefined) sp.set(k, v);
  }
  return sp;
}

/** Canonical query string of the parts a view uses, defaults omitted, fixed order. */
export function canonicalSearch(
  s: AnalyticsState,
  parts: { breakdown?: boolean; stack?: boolean } = {},
): string {
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
    if (v?.length)
      sp.set(
        d,
        [...v]
          .sort()
          .map((x) => (x === UNATTRIBUTED ? "unattributed" : x))
          .join(","),
      );
  }
  return sp.toString();
}
