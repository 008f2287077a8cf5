"use client";

import { RANGE_KEYS, type RangeSpec } from "@/lib/analytics/range";

import type { UrlPatch } from "./use-analytics-state";

const LABELS: Record<(typeof RANGE_KEYS)[number], string> = {
  period: "This budget period",
  "last-period": "Last budget period",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  "90d": "Last 90 days",
  custom: "Custom…",
};

export function RangePicker({
  spec,
  today,
  onChange,
}: {
  spec: RangeSpec;
  today: string;
  onChange: (p: UrlPatch) => void;
}) {
  return (
    <div className="flex flex-wrap items-end gap-2">
      <label className="flex flex-col text-xs font-medium text-slate-600">
        Range
        <select
          className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
          value={spec.range}
          onChange={(e) => {
            const range = e.target.value;
            if (range === "custom")
              onChange({
                range,
                from: spec.from ?? today.slice(0, 8) + "01",
                to: spec.to ?? today,
                page: null,
              });
            else
              onChange({
                range: range === "period" ? null : range,
                from: null,
                to: null,
                page: null,
              });
          }}
          data-testid="range-picker"
        >
          {RANGE_KEYS.map((k) => (
            <option key={k} value={k}>
              {LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      {spec.range === "custom" && (
        <>
          <label className="flex flex-col text-xs font-medium text-slate-600">
            From
            <input
              type="date"
              className="mt-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
              value={spec.from ?? ""}
              max={spec.to}
              onChange={(e) => e.target.value && onChange({ from: e.target.value, page: null })}
            />
          </label>
          <label className="flex flex-col text-xs font-medium text-slate-600">
            To
            <input
              type="date"
              className="mt-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
              value={spec.to ?? ""}
              min={spec.from}
              onChange={(e) => e.target.value && onChange({ to: e.target.value, page: null })}
            />
          </label>
        </>
      )}
    </div>
  );
}
