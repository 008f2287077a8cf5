"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useEffect, useRef, useState } from "react";

import { Sparkline } from "@/components/charts/sparkline";
import { SetLimitButton } from "@/components/limits/set-limit-button";
import { buttonClass } from "@/components/ui/button";
import { Card, ErrorNote, Skeleton } from "@/components/ui/card";
import type { AlertDto } from "@/lib/alerts/list";
import { fetchJson } from "@/lib/client/fetch-json";
import { queryKeys } from "@/lib/client/query-keys";
import { formatAmount } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";

const KIND_LABELS: Record<string, string> = {
  anomaly: "Anomaly",
  threshold: "Threshold",
  hard_limit: "Limit reached",
  projection: "Projection",
};
const KIND_STYLES: Record<string, string> = {
  anomaly: "bg-red-50 text-red-700 ring-red-200",
  hard_limit: "bg-red-50 text-red-700 ring-red-200",
  threshold: "bg-amber-50 text-amber-800 ring-amber-200",
  projection: "bg-sky-50 text-sky-800 ring-sky-200",
};

function Evidence({ e }: { e: Record<string, unknown> }) {
  const series = Array.isArray(e.series) ? (e.series as { day: string; micros: string }[]) : null;
  const usd = (k: string) =>
    typeof e[k] === "string" ? formatAmount(BigInt(e[k] as string), "USD") : null;
  const unit = e.unit === "USD" ? "USD" : "CREDITS";
  const amt = (k: string) =>
    typeof e[k] === "string" ? formatAmount(BigInt(e[k] as string), unit) : null;
  return (
    <div className="mt-3 flex flex-wrap items-center gap-x-6 gap-y-2 text-xs text-slate-600">
      {series && series.length > 1 && (
        <div className="flex items-center gap-2">
          <Sparkline
            values={series.map((s) => s.micros)}
            label={`Daily spend ${series[0]!.day} to ${series[series.length - 1]!.day}`}
            width={160}
            height={32}
          />
          <span className="text-slate-500">
            {series[0]!.day} – {series[series.length - 1]!.day}
          </span>
        </div>
      )}
      {usd("spentMicros") && (
        <span>
          Day: <b className="tabular">{usd("spentMicros")}</b> on {String(e.day)}
        </span>
      )}
      {usd("selfBaselineMicros") && (
        <span>
          Own baseline: <span className="tabular">{usd("selfBaselineMicros")}/day</span>
        </span>
      )}
      {usd("groupBaselineMicros") && (
        <span>
          Group baseline: <span className="tabular">{usd("groupBaselineMicros")}/person/day</span>
        </span>
      )}
      {amt("usedMicros") && (
        <span>
          Used: <b className="tabular">{amt("usedMicros")}</b> of{" "}
          <span className="tabular">{amt("limitMicros")}</span> ({String(e.percent)}%)
        </span>
      )}
      {amt("projectedMicros") && (
        <span>
          Projected: <span className="tabular">{amt("projectedMicros")}</span>
        </span>
      )}
      {typeof e.exhaustionDay === "string" && <span>Runs out: {e.exhaustionDay}</span>}
    </div>
  );
}

export function AlertList({
  canManage,
  canSetLimits = false,
}: {
  canManage: boolean;
  canSetLimits?: boolean;
}) {
  // a notification opens /alerts?id=<alert>: that alert is marked and scrolled to
  const opened = useSearchParams().get("id");
  const scrolled = useRef(false);
  useEffect(() => {
    const el = opened && !scrolled.current ? document.getElementById(`alert-${opened}`) : null;
    if (!el) return;
    el.scrollIntoView({ block: "center" });
    scrolled.current = true;
  });
  const [status, setStatus] = useState<"" | "OPEN" | "RESOLVED">("");
  const client = useQueryClient();
  const query = useQuery({
    queryKey: [...queryKeys.alerts(), status],
    queryFn: () =>
      fetchJson<{ alerts: Serialized<AlertDto>[] }>(
        `/api/alerts${status ? `?status=${status}` : ""}`,
      ),
  });
  const evaluate = useMutation({
    mutationFn: () =>
      fetchJson<{ raised: number; resolved: number; delivered: number; failed: number }>(
        "/api/alerts/evaluate",
        { method: "POST" },
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.alerts() }),
  });
  return (
    <Card
      title="Alerts"
      action={
        <div className="flex items-center gap-2">
          <select
            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
            value={status}
            onChange={(e) => setStatus(e.target.value as typeof status)}
            aria-label="Status"
          >
            <option value="">All</option>
            <option value="OPEN">Open</option>
            <option value="RESOLVED">Resolved</option>
          </select>
          {canManage && (
            <button
              type="button"
              className={buttonClass()}
              disabled={evaluate.isPending}
              onClick={() => evaluate.mutate()}
              data-testid="evaluate-alerts"
            >
              {evaluate.isPending ? "Checking…" : "Check now"}
            </button>
          )}
        </div>
      }
    >
      {evaluate.data && (
        <p className="mb-3 text-xs text-slate-600" data-testid="evaluate-result">
          {evaluate.data.raised} new, {evaluate.data.resolved} resolved, {evaluate.data.delivered}{" "}
          deliveries sent{evaluate.data.failed ? `, ${evaluate.data.failed} failed` : ""}.
        </p>
      )}
      {evaluate.isError && <ErrorNote message={evaluate.error.message} />}
      {query.isPending ? (
        <Skeleton className="h-40" />
      ) : query.isError ? (
        <ErrorNote
          message={`Could not load alerts: ${query.error.message}`}
          onRetry={() => void query.refetch()}
        />
      ) : query.data.alerts.length === 0 ? (
        <p className="py-6 text-center text-sm text-slate-500">
          No alerts. Thresholds, limits, projections and unusual spend are checked after every sync.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100" data-testid="alert-list">
          {query.data.alerts.map((a) => (
            <li
              key={a.id}
              id={`alert-${a.id}`}
              className={`py-4 ${opened === a.id ? "ring-brand-200 -mx-3 rounded-lg bg-brand-50/60 px-3 ring-1" : ""}`}
              data-testid={`alert-${a.kind}`}
              aria-current={opened === a.id ? "true" : undefined}
            >
              <div className="flex flex-wrap items-center gap-2">
                <span
                  className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${KIND_STYLES[a.kind] ?? "bg-slate-50 text-slate-700 ring-slate-200"}`}
                >
                  {KIND_LABELS[a.kind] ?? a.kind}
                  {a.thresholdPct !== null && ` ${a.thresholdPct}%`}
                </span>
                <span className="text-sm font-medium text-slate-800">{a.subjectLabel}</span>
                <span
                  className={`text-xs ${a.status === "OPEN" ? "text-red-700" : "text-slate-500"}`}
                  data-testid="alert-status"
                >
                  {a.status === "OPEN" ? (
                    "Open"
                  ) : a.supersededBy ? (
                    <>
                      Superseded {a.resolvedAt?.slice(0, 10) ?? ""} by{" "}
                      <a
                        href={`#alert-${a.supersededBy.id}`}
                        className="text-brand-700 hover:underline"
                      >
                        {KIND_LABELS[a.supersededBy.kind] ?? a.supersededBy.kind}
                        {a.supersededBy.thresholdPct !== null && ` ${a.supersededBy.thresholdPct}%`}
                      </a>
                    </>
                  ) : (
                    `Resolved ${a.resolvedAt?.slice(0, 10) ?? ""}`
                  )}
                </span>
                <span className="ml-auto text-xs text-slate-500">
                  {a.createdAt.slice(0, 16).replace("T", " ")} UTC · period from {a.periodKey}
                </span>
              </div>
              <div className="mt-1 flex flex-wrap items-start justify-between gap-2">
                <p className="text-sm text-slate-700">{a.message}</p>
                {canSetLimits && a.subjectType === "MEMBER" && (
                  <SetLimitButton target={{ memberId: a.subjectId }} name={a.subjectLabel} />
                )}
                {canSetLimits && a.subjectType === "GROUP" && (
                  <SetLimitButton target={{ groupId: a.subjectId }} name={a.subjectLabel} />
                )}
              </div>
              <Evidence e={a.evidence} />
              {a.deliveries.length > 0 && (
                <p className="mt-2 text-xs text-slate-500">
                  Sent to:{" "}
                  {a.deliveries.map((d, i) => (
                    <span
                      key={i}
                      className={
                        d.status === "DELIVERED"
                          ? "text-emerald-700"
                          : d.status === "RETRYING"
                            ? "text-amber-700"
                            : "text-red-700"
                      }
                    >
                      {i > 0 && ", "}
                      {d.channel} (
                      {d.status === "RETRYING"
                        ? "failed, retrying in the background"
                        : d.status.toLowerCase()}
                      {d.attempts > 1 ? `, ${d.attempts} attempts` : ""})
                    </span>
                  ))}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
