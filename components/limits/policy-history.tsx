"use client";

import { useQuery } from "@tanstack/react-query";

import { fetchJson } from "@/lib/client/fetch-json";
import { queryKeys } from "@/lib/client/query-keys";
import { microsToDecimal } from "@/lib/core/money";

interface Entry {
  at: string;
  actor: string;
  action: string;
  before: string | null;
  after: string | null;
}

function summary(json: string | null): string {
  if (!json) return "—";
  const v = JSON.parse(json) as Record<string, unknown>;
  const fmt = (m: unknown) => (typeof m === "string" ? microsToDecimal(BigInt(m), 2) : "none");
  return `limit ${fmt(v.amountMicros)}, pool ${fmt(v.poolCapMicros)}, soft ${String(v.softThresholdPct)}%, ${String(v.action)}${v.expiresAt ? `, expires ${String(v.expiresAt).slice(0, 10)}` : ""} (v${String(v.version)})`;
}

/** The audit trail of one policy: who changed what, when. */
export function PolicyHistory({ id }: { id: string }) {
  const q = useQuery({
    queryKey: queryKeys.policyHistory(id),
    queryFn: () => fetchJson<Entry[]>(`/api/limits/policies/${id}/history`),
  });
  if (q.isPending) return <p className="py-1 text-xs text-slate-500">Loading history…</p>;
  if (q.isError)
    return <p className="py-1 text-xs text-red-700">Could not load history: {q.error.message}</p>;
  return (
    <ol
      className="mt-1 border-l-2 border-slate-200 pl-3 text-xs text-slate-600"
      data-testid="policy-history"
    >
      {q.data.map((e, i) => (
        <li key={i} className="py-0.5">
          <span className="text-slate-500">{e.at.slice(0, 16).replace("T", " ")}</span> {e.actor}{" "}
          {e.action.replace("limit.", "")}: {e.before ? `${summary(e.before)} → ` : ""}
          {summary(e.after)}
        </li>
      ))}
    </ol>
  );
}
