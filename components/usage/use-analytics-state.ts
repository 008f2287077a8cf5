"use client";

import { parseAsArrayOf, parseAsInteger, parseAsString, useQueryStates } from "nuqs";
import { useMemo } from "react";

import { DIMENSIONS, type Dimension } from "@/lib/analytics/filters";
import {
  canonicalSearch,
  parseAnalyticsSearch,
  type AnalyticsState,
} from "@/lib/analytics/url-state";

const list = parseAsArrayOf(parseAsString);
const parsers = {
  range: parseAsString,
  from: parseAsString,
  to: parseAsString,
  stack: parseAsString,
  dimension: parseAsString,
  sort: parseAsString,
  dir: parseAsString,
  page: parseAsInteger,
  ...(Object.fromEntries(DIMENSIONS.map((d) => [d, list])) as Record<Dimension, typeof list>),
};

export type UrlPatch = Partial<{ [K in keyof typeof parsers]: string | number | string[] | null }>;

/**
 * The analytics view state lives in the URL (history entries, so Back works). Values are
 * validated by the same parser the server uses; `search` is the canonical query string
 * shared with the server's prefetch key.
 */
export function useAnalyticsState(parts: { breakdown?: boolean; stack?: boolean }) {
  const [raw, setRaw] = useQueryStates(parsers, { history: "push" });
  const state: AnalyticsState = useMemo(() => {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(raw)) {
      if (v === null || v === undefined) continue;
      if (Array.isArray(v)) {
        if (v.length) sp.set(k, v.join(","));
      } else sp.set(k, String(v));
    }
    return parseAnalyticsSearch(sp);
  }, [raw]);
  const search = canonicalSearch(state, parts);
  const set = (patch: UrlPatch) => {
    const clean = Object.fromEntries(
      Object.entries(patch).map(([k, v]) => [k, Array.isArray(v) && v.length === 0 ? null : v]),
    );
    void setRaw(clean as Parameters<typeof setRaw>[0]);
  };
  return { state, search, set };
}
