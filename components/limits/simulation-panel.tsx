"use client";

import { useMutation } from "@tanstack/react-query";
import { useCallback, useRef, useState } from "react";

import { ScrollArea } from "@/components/ui/scroll-area";
import { fetchJson } from "@/lib/client/fetch-json";
import { formatAmount, type Unit } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";
import {
  DEFAULT_SIMULATED_PERIODS,
  type SimulatedPeriod,
  type Simulation,
  type Tally,
} from "@/lib/limits/simulate-input";
import { productLabel } from "@/lib/products/known-products";

type Result = Serialized<Simulation>;
type Change = Record<string, unknown>;

/**
 * Runs the limit simulator for a proposed change. `key` identifies the change simulated,
 * so a form knows whether what it shows still matches what would be saved.
 */
export function useSimulation() {
  const [periods, setPeriods] = useState(DEFAULT_SIMULATED_PERIODS);
  const periodsRef = useRef(DEFAULT_SIMULATED_PERIODS);
  const m = useMutation({
    mutationFn: async (v: { change: Change; periods: number; key: string }) => ({
      key: v.key,
      periods: v.periods,
      result: await fetchJson<Result>("/api/limits/simulate", {
        method: "POST",
        body: JSON.stringify({ periods: v.periods, change: v.change }),
      }),
    }),
  });
  const { mutate } = m;
  const run = useCallback(
    (change: Change, p?: number) => {
      const n = p ?? periodsRef.current;
      periodsRef.current = n;
      setPeriods(n);
      mutate({ change, periods: n, key: JSON.stringify(change) });
    },
    [mutate],
  );
  return {
    periods,
    run,
    /** the result for this change, if it is the last one simulated */
    resultFor(change: Change): Result | null {
      return m.data && m.data.key === JSON.stringify(change) ? m.data.result : null;
    },
    error: m.error?.message ?? null,
    pending: m.isPending,
    reset: m.reset,
  };
}

const monthFmt = new Intl.DateTimeFormat("en", { month: "long", year: "numeric", timeZone: "UTC" });
const dayFmt = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" });
const day = (d: string) => dayFmt.format(new Date(`${d}T00:00:00Z`));

function periodLabel(p: Serialized<SimulatedPeriod>, budgetPeriod: string): string {
  const name =
    budgetPeriod === "MONTHLY" && p.start.endsWith("-01")
      ? monthFmt.format(new Date(`${p.start}T00:00:00Z`))
      : p.start === p.end
        ? day(p.start)
        : `${day(p.start)} – ${day(p.end)}`;
  return p.current ? `${name} (this period)` : name;
}

function delta(proposed: number, baseline: number) {
  if (proposed === baseline) return <span className="text-slate-500"> (same as now)</span>;
  const up = proposed > baseline;
  return (
    <span className={up ? "text-red-700" : "text-emerald-700"}>
      {" "}
      ({up ? "+" : "−"}
      {Math.abs(proposed - baseline)} vs now)
    </span>
  );
}

/** What the proposed change would have done, period by period, then per person and group. */
export function SimulationPanel({
  result,
  periods,
  onPeriods,
  pending,
  error,
}: {
  result: Result | null;
  periods: number;
  onPeriods: (n: number) => void;
  pending: boolean;
  error: string | null;
}) {
  if (!result)
    return (
      <section
        data-testid="simulation"
        aria-label="Simulation"
        className="mt-4 rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-500"
      >
        {error ? (
          <span data-testid="simulation-error">Cannot simulate yet: {error}</span>
        ) : pending ? (
          "Simulating what this would have done…"
        ) : (
          "Type a limit to see what it would have done."
        )}
      </section>
    );
  return (
    <SimulationResult result={result} periods={periods} onPeriods={onPeriods} pending={pending} />
  );
}

function SimulationResult({
  result,
  periods,
  onPeriods,
  pending,
}: {
  result: Result;
  periods: number;
  onPeriods: (n: number) => void;
  pending: boolean;
}) {
  const unit = result.unit as Unit;
  const money = (v: string) => formatAmount(BigInt(v), unit);
  // the latest full period first: "last month" is what most people ask about
  const [picked, setPicked] = useState<string | null>(null);
  const detail =
    result.periods.find((p) => p.start === picked) ??
    result.periods.find((p) => !p.current) ??
    result.periods[0]!;
  const cell = "px-2 py-1.5 text-right tabular-nums";
  const stat = (t: Serialized<Tally>, b: Serialized<Tally>) => (
    <>
      <td className={cell}>
        {t.soft}
        {delta(t.soft, b.soft)}
      </td>
      <td className={cell}>
        {t.blocked}
        {delta(t.blocked, b.blocked)}
      </td>
      <td className={cell}>{money(t.stoppedMicros)}</td>
      <td className={cell}>{t.requests}</td>
    </>
  );
  return (
    <section
      data-testid="simulation"
      aria-label="Simulation"
      className="mt-4 rounded-lg border border-slate-200 bg-white p-4"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm font-medium">
          If you {result.change}: {result.affectedMembers}{" "}
          {result.affectedMembers === 1 ? "person" : "people"} affected
        </p>
        <label className="text-xs text-slate-600">
          Replay{" "}
          <select
            name="periods"
            value={periods}
            disabled={pending}
            onChange={(e) => onPeriods(Number(e.target.value))}
            className="rounded-md border border-slate-300 px-1.5 py-1 text-sm"
          >
            {[1, 2, 3, 6, 12].map((n) => (
              <option key={n} value={n}>
                {n} past {result.budgetPeriod === "MONTHLY" ? "month" : "period"}
                {n > 1 ? "s" : ""}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ScrollArea label="Simulation by period" className="mt-3">
        <table className="w-full text-sm">
          <thead className="text-xs text-slate-500">
            <tr>
              <th className="px-2 py-1.5 text-left font-medium">Period</th>
              <th className={`${cell} font-medium`}>Soft-alerted</th>
              <th className={`${cell} font-medium`}>Refused</th>
              <th className={`${cell} font-medium`}>Spend stopped</th>
              <th className={`${cell} font-medium`}>Requests caused</th>
            </tr>
          </thead>
          <tbody>
            {result.periods.map((p) => (
              <tr
                key={p.start}
                className={`border-t border-slate-100 ${p.start === detail.start ? "bg-brand-50/60" : ""}`}
              >
                <td className="px-2 py-1.5">
                  <button
                    type="button"
                    className="text-left text-brand-700 hover:underline"
                    onClick={() => setPicked(p.start)}
                  >
                    {periodLabel(p, result.budgetPeriod)}
                  </button>
                  {p.forecastFrom && (
                    <span className="block text-xs text-slate-500">
                      forecast from {day(p.forecastFrom)} at today&apos;s pace
                    </span>
                  )}
                </td>
                {stat(p.proposed, p.baseline)}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollArea>

      <h3 className="mt-4 text-sm font-medium" data-testid="simulation-detail-title">
        {periodLabel(detail, result.budgetPeriod)}: who would have been alerted or refused
      </h3>
      {detail.members.length === 0 ? (
        <p className="mt-1 text-sm text-slate-500">Nobody: everyone stays under the limit.</p>
      ) : (
        <div className="relative mt-2 max-h-72 overflow-auto">
          <table className="w-full text-sm" data-testid="simulation-members">
            <thead className="text-xs text-slate-500">
              <tr>
                <th className="px-2 py-1.5 text-left font-medium">Person</th>
                <th className="px-2 py-1.5 text-left font-medium">Groups</th>
                <th className="px-2 py-1.5 text-left font-medium">Soft alert</th>
                <th className="px-2 py-1.5 text-left font-medium">Refused from</th>
                <th className={`${cell} font-medium`}>Spend stopped</th>
              </tr>
            </thead>
            <tbody>
              {detail.members.map((m) => (
                <tr key={m.memberId} className="border-t border-slate-100">
                  <td className="px-2 py-1.5">
                    {m.name}
                    <span className="block text-xs text-slate-500">
                      {m.product && (
                        <span className="font-medium">{productLabel(m.product)}: </span>
                      )}
                      {m.reason}
                    </span>
                    {m.byProduct.length > 0 && (
                      <ul className="mt-0.5 text-xs text-slate-500" data-testid="simulation-checks">
                        {m.byProduct.map((c) => (
                          <li key={c.product}>
                            {c.product ? productLabel(c.product) : "All products"}:{" "}
                            {c.blockedDay ? (
                              <span className="text-red-700">refused from {day(c.blockedDay)}</span>
                            ) : c.softDay ? (
                              `alerted from ${day(c.softDay)}`
                            ) : (
                              "under its limit"
                            )}
                            {c.stoppedMicros !== "0" && ` · ${money(c.stoppedMicros)} stopped`}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className="px-2 py-1.5 text-slate-600">{m.groups.join(", ") || "—"}</td>
                  <td className="px-2 py-1.5">{m.softDay ? day(m.softDay) : "—"}</td>
                  <td className="px-2 py-1.5">
                    {m.blockedDay ? (
                      <span className="font-medium text-red-700">{day(m.blockedDay)}</span>
                    ) : (
                      "—"
                    )}
                    {m.blockedNow && (
                      <span className="block text-xs text-slate-500">refused today too</span>
                    )}
                  </td>
                  <td className={cell}>{money(m.stoppedMicros)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {detail.membersTotal > detail.members.length && (
            <p className="mt-1 text-xs text-slate-500">
              Showing {detail.members.length} of {detail.membersTotal}.
            </p>
          )}
        </div>
      )}
      {detail.groups.length > 1 && (
        <ScrollArea label="Simulation by person" className="mt-3">
          <table className="w-full text-sm" data-testid="simulation-groups">
            <thead className="text-xs text-slate-500">
              <tr>
                <th className="px-2 py-1.5 text-left font-medium">Group</th>
                <th className={`${cell} font-medium`}>Soft-alerted</th>
                <th className={`${cell} font-medium`}>Refused</th>
                <th className={`${cell} font-medium`}>Spend stopped</th>
                <th className={`${cell} font-medium`}>Requests caused</th>
              </tr>
            </thead>
            <tbody>
              {detail.groups.map((g) => (
                <tr key={g.groupId} className="border-t border-slate-100">
                  <td className="px-2 py-1.5">
                    {g.name} <span className="text-xs text-slate-500">({g.members})</span>
                  </td>
                  {stat(g, g.baseline)}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollArea>
      )}
      <ul className="mt-3 list-disc pl-5 text-xs text-slate-500">
        {result.notes.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </section>
  );
}
