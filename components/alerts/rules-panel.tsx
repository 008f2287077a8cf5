"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { buttonClass } from "@/components/ui/button";
import { Card, ErrorNote, Skeleton } from "@/components/ui/card";
import { ALERT_KIND_LABELS, ALERT_KINDS, type RuleUpdate } from "@/lib/alerts/rule-kinds";
import { fetchJson } from "@/lib/client/fetch-json";
import { queryKeys } from "@/lib/client/query-keys";

const RULES_KEY = [...queryKeys.alerts(), "rules"] as const;

function RulesForm({ initial, canManage }: { initial: RuleUpdate; canManage: boolean }) {
  const client = useQueryClient();
  const [enabled, setEnabled] = useState(initial.enabled);
  const [thresholds, setThresholds] = useState(initial.thresholds.join(", "));
  const [factor, setFactor] = useState(String(initial.anomalySelfFactor));
  const [floor, setFloor] = useState(initial.anomalyFloorUsd);
  const save = useMutation({
    mutationFn: () =>
      fetchJson<RuleUpdate>("/api/alerts/rules", {
        method: "PUT",
        body: JSON.stringify({
          enabled,
          thresholds: thresholds
            .split(/[,\s]+/)
            .filter(Boolean)
            .map(Number),
          anomalySelfFactor: Number(factor),
          anomalyFloorUsd: floor,
        }),
      }),
    onSuccess: (data) => client.setQueryData(RULES_KEY, data),
  });
  return (
    <form
      className="flex flex-col gap-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <fieldset disabled={!canManage} className="flex flex-col gap-2">
        {ALERT_KINDS.map((k) => (
          <label key={k} className="flex items-center gap-2">
            <input
              type="checkbox"
              checked={enabled[k]}
              onChange={(e) => setEnabled({ ...enabled, [k]: e.target.checked })}
            />
            {ALERT_KIND_LABELS[k]}
          </label>
        ))}
        <label className="mt-2 text-xs font-medium text-slate-600">
          Thresholds (% of a limit)
          <input
            className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            value={thresholds}
            onChange={(e) => setThresholds(e.target.value)}
          />
        </label>
        <div className="grid grid-cols-2 gap-3">
          <label className="text-xs font-medium text-slate-600">
            Anomaly: × own and group baseline
            <input
              className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
              value={factor}
              onChange={(e) => setFactor(e.target.value)}
              inputMode="decimal"
            />
          </label>
          <label className="text-xs font-medium text-slate-600">
            Anomaly floor (USD per day)
            <input
              className="mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
              value={floor}
              onChange={(e) => setFloor(e.target.value)}
              inputMode="decimal"
            />
          </label>
        </div>
      </fieldset>
      {canManage && (
        <div>
          <button type="submit" className={buttonClass()} disabled={save.isPending}>
            Save rules
          </button>
          {save.isSuccess && <span className="ml-3 text-xs text-emerald-700">Saved</span>}
          {save.isError && <span className="ml-3 text-xs text-red-700">{save.error.message}</span>}
        </div>
      )}
    </form>
  );
}

export function RulesPanel({ canManage }: { canManage: boolean }) {
  const rules = useQuery({
    queryKey: RULES_KEY,
    queryFn: () => fetchJson<RuleUpdate>("/api/alerts/rules"),
  });
  return (
    <Card title="Rules">
      {rules.isPending ? (
        <Skeleton className="h-32" />
      ) : rules.isError ? (
        <ErrorNote message={rules.error.message} onRetry={() => void rules.refetch()} />
      ) : (
        <RulesForm initial={rules.data} canManage={canManage} />
      )}
      <p className="mt-3 text-xs text-slate-500">
        Each alert fires once per budget period for each rule, subject and threshold, and resolves
        by itself when its condition passes. A subject keeps one open limit alert: reaching the
        limit supersedes its thresholds, and a higher threshold a lower one.
      </p>
    </Card>
  );
}
