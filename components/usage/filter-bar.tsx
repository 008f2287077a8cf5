"use client";

import { useQuery } from "@tanstack/react-query";

import { productLabel } from "@/components/charts/palette";
import type { Facets } from "@/lib/analytics/facets";
import {
  DIMENSION_LABELS,
  UNATTRIBUTED,
  type Dimension,
  type Filters,
} from "@/lib/analytics/filters";
import { fetchJson } from "@/lib/client/fetch-json";
import { queryKeys } from "@/lib/client/query-keys";

import type { UrlPatch } from "./use-analytics-state";

const PICKABLE: Dimension[] = [
  "product",
  "model",
  "provider",
  "group",
  "costCenter",
  "project",
  "apiKey",
];
const urlValue = (v: string) => (v === UNATTRIBUTED ? "unattributed" : v);

/** An open filter's list moved left when it would run past the window's right edge (narrow screens). */
function keepInView(details: HTMLDetailsElement) {
  const list = details.querySelector("fieldset");
  if (!details.open || !list) return;
  list.style.left = "";
  const over = list.getBoundingClientRect().right - (document.documentElement.clientWidth - 8);
  if (over > 0) list.style.left = `-${Math.ceil(over)}px`;
}

/** Multi-select filters on every dimension but the one being broken down. */
export function FilterBar({
  filters,
  dimension,
  rangeSearch,
  onChange,
}: {
  filters: Filters;
  dimension: Dimension;
  rangeSearch: string;
  onChange: (p: UrlPatch) => void;
}) {
  const facets = useQuery({
    queryKey: queryKeys.usageFacets(rangeSearch),
    queryFn: () => fetchJson<Facets>(`/api/usage/facets?${rangeSearch}`),
  });
  const labelOf = (d: Dimension, v: string) =>
    facets.data?.[d]?.find((f) => f.value === v)?.label ??
    (d === "product" ? productLabel(v) : v === UNATTRIBUTED ? "Unattributed" : v);
  const toggle = (d: Dimension, v: string) => {
    const cur = filters[d] ?? [];
    const next = cur.includes(v) ? cur.filter((x) => x !== v) : [...cur, v];
    onChange({ [d]: next.map(urlValue), page: null });
  };
  const active = (Object.entries(filters) as [Dimension, string[]][]).filter(([, v]) => v.length);
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-2">
        {PICKABLE.filter((d) => d !== dimension && (facets.data?.[d]?.length ?? 0) > 0).map((d) => (
          <details key={d} className="relative" onToggle={(e) => keepInView(e.currentTarget)}>
            <summary
              className="cursor-pointer list-none rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm hover:bg-slate-50"
              data-testid={`filter-${d}`}
            >
              {DIMENSION_LABELS[d]}
              {filters[d]?.length ? (
                <span className="ml-1 rounded bg-brand-100 px-1 text-xs text-brand-700">
                  {filters[d]!.length}
                </span>
              ) : null}{" "}
              ▾
            </summary>
            <fieldset className="absolute z-10 mt-1 max-h-72 w-64 overflow-auto rounded-md border border-slate-200 bg-white p-2 shadow-lg">
              <legend className="sr-only">Filter by {DIMENSION_LABELS[d]}</legend>
              {facets.data?.[d]?.map((f) => (
                <label
                  key={f.value}
                  className="flex items-center gap-2 rounded px-1 py-1 text-sm hover:bg-slate-50"
                >
                  <input
                    type="checkbox"
                    checked={filters[d]?.includes(f.value) ?? false}
                    onChange={() => toggle(d, f.value)}
                  />
                  <span className="truncate">
                    {d === "product" ? productLabel(f.label) : f.label}
                  </span>
                </label>
              ))}
            </fieldset>
          </details>
        ))}
        {facets.isPending && <span className="text-xs text-slate-500">loading filters…</span>}
        {facets.isError && <span className="text-xs text-red-700">filters unavailable</span>}
      </div>
      {active.length > 0 && (
        <ul className="flex flex-wrap gap-2" aria-label="Active filters">
          {active.flatMap(([d, vs]) =>
            vs.map((v) => (
              <li key={`${d}:${v}`}>
                <button
                  type="button"
                  onClick={() => toggle(d, v)}
                  className="rounded-full bg-brand-50 px-2.5 py-1 text-xs text-brand-700 hover:bg-brand-100"
                  aria-label={`Remove filter ${DIMENSION_LABELS[d]} ${labelOf(d, v)}`}
                >
                  {DIMENSION_LABELS[d]}: {labelOf(d, v)} ✕
                </button>
              </li>
            )),
          )}
          <li>
            <button
              type="button"
              className="px-1 text-xs text-slate-600 underline"
              onClick={() =>
                onChange({ ...Object.fromEntries(active.map(([d]) => [d, null])), page: null })
              }
            >
              Clear all
            </button>
          </li>
        </ul>
      )}
    </div>
  );
}
