"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { fetchJson } from "@/lib/fetch-json";
import type { RateCardLine } from "@/lib/ratecard/rate-card-entries";

export function RateCard({ lines }: { lines: RateCardLine[] }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="flex flex-col gap-4">
      <table className="w-full text-sm [&_td]:px-2 [&_th]:px-2" data-testid="rate-card">
        <thead>
          <tr className="border-b border-slate-200 text-left text-xs uppercase tracking-wide text-slate-500">
            <th className="py-2">Provider</th><th>Model</th><th>Effective from</th><th className="text-right">Input</th>
            <th className="text-right">Cached input</th><th className="text-right">Output</th><th>Source</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={`${l.source}|${l.model}|${l.effectiveFrom}`} className="border-b border-slate-100">
              <td className="py-1.5 text-slate-600">{l.provider}</td>
              <td className="font-mono text-xs">{l.model}</td>
              <td>{l.effectiveFrom || "always"}</td>
              <td className="tabular text-right">${l.input}</td>
              <td className="tabular text-right">${l.cachedInput}</td>
              <td className="tabular text-right">${l.output}</td>
              <td className="text-slate-600">{l.source === "seed" ? "default" : "edited"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="grid grid-cols-2 gap-2 text-xs sm:grid-cols-6"
        action={(fd) =>
          start(async () => {
            setError(null);
            const field = (k: string) => String(fd.get(k) ?? "");
            const body = {
              model: field("model"), effectiveFrom: field("effectiveFrom"), inputPerMTok: field("input"), cachedInputPerMTok: field("cached"), outputPerMTok: field("output"),
            };
            try {
              await fetchJson("/api/connections/rate-card", { method: "POST", body: JSON.stringify(body) });
            } catch (e) {
              return setError(e instanceof Error ? e.message : "Failed");
            }
            router.refresh();
          })
        }
      >
        <label className="flex flex-col gap-1 text-slate-600">Model<input name="model" required className="rounded border border-slate-300 px-2 py-1 text-sm" /></label>
        <label className="flex flex-col gap-1 text-slate-600">Effective from<input name="effectiveFrom" type="date" required className="rounded border border-slate-300 px-2 py-1 text-sm" /></label>
        <label className="flex flex-col gap-1 text-slate-600">Input $/1M<input name="input" inputMode="decimal" required className="rounded border border-slate-300 px-2 py-1 text-sm" /></label>
        <label className="flex flex-col gap-1 text-slate-600">Cached $/1M<input name="cached" inputMode="decimal" required className="rounded border border-slate-300 px-2 py-1 text-sm" /></label>
        <label className="flex flex-col gap-1 text-slate-600">Output $/1M<input name="output" inputMode="decimal" required className="rounded border border-slate-300 px-2 py-1 text-sm" /></label>
        <div className="flex items-end"><button disabled={pending} className="rounded bg-brand-600 px-3 py-1.5 text-xs font-medium text-white disabled:opacity-50">Add price</button></div>
        {error && <p className="col-span-full text-red-700">{error}</p>}
      </form>
      <p className="text-xs text-slate-500">Prices are USD per 1M tokens. A new price applies to the days from its date on at the next sync; sync those days again to re-price rows already stored. Anthropic cache-write prices follow the default card.</p>
    </div>
  );
}
