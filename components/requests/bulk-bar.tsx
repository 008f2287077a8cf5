"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { fetchJson } from "@/lib/client/fetch-json";
import { queryKeys } from "@/lib/client/query-keys";
import type { Serialized } from "@/lib/core/serialize";
import type { BulkOutcome } from "@/lib/requests/bulk-decide";

type Result = { outcomes: Serialized<BulkOutcome>[]; decided: number; failed: number };

/**
 * Deciding the selected requests at once: approve each at the amount asked, or deny them all
 * with one note. The server decides each on its own (lib/requests/bulk-decide.ts) and answers
 * per request, so one that could not be decided is listed with its reason.
 */
export function BulkBar({
  pendingIds,
  selected,
  onSelectAll,
  onDone,
}: {
  pendingIds: number[];
  selected: number[];
  onSelectAll: (checked: boolean) => void;
  onDone: () => void;
}) {
  const qc = useQueryClient();
  const [note, setNote] = useState("");
  const [result, setResult] = useState<{ action: string; r: Result } | null>(null);
  const bulk = useMutation({
    mutationFn: (action: "approve" | "deny") =>
      fetchJson<Result>("/api/requests/bulk", {
        method: "POST",
        body: JSON.stringify({ action, ids: selected, ...(note.trim() ? { note } : {}) }),
      }),
    onSuccess: (r, action) => {
      setResult({ action, r });
      setNote("");
      onDone();
    },
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.requests() }),
  });
  const all = pendingIds.length > 0 && selected.length === pendingIds.length;
  const none = selected.length === 0;
  // nothing to select and nothing to report: no bar
  if (pendingIds.length === 0 && !result && !bulk.error) return null;
  return (
    <div
      className="mb-3 flex flex-col gap-2 rounded-lg border border-slate-200 bg-slate-50 px-3 py-2"
      data-testid="bulk-bar"
    >
      {pendingIds.length > 0 && (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <label className="flex items-center gap-2 text-slate-700">
            <input
              type="checkbox"
              className="h-4 w-4"
              checked={all}
              ref={(el) => {
                if (el) el.indeterminate = !all && !none;
              }}
              onChange={(e) => onSelectAll(e.target.checked)}
              data-testid="bulk-select-all"
            />
            {none
              ? "Select pending requests to decide them together"
              : `${selected.length} selected`}
          </label>
          {!none && (
            <>
              <input
                aria-label="Note for the selected requests"
                placeholder="note (required to deny)"
                value={note}
                onChange={(e) => setNote(e.target.value)}
                className="min-w-40 flex-1 rounded-md border border-slate-300 px-2 py-1 text-sm"
              />
              <button
                type="button"
                disabled={bulk.isPending}
                onClick={() => bulk.mutate("approve")}
                className="rounded-md bg-emerald-600 px-3 py-1 text-sm font-medium text-white hover:bg-emerald-700 disabled:opacity-50"
              >
                Approve {selected.length} as asked
              </button>
              <button
                type="button"
                disabled={bulk.isPending}
                onClick={() => bulk.mutate("deny")}
                className="rounded-md border border-red-300 bg-white px-3 py-1 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-50"
              >
                Deny {selected.length}
              </button>
            </>
          )}
        </div>
      )}
      {bulk.error && (
        <p className="text-sm text-red-700" data-testid="bulk-error">
          {bulk.error.message}
        </p>
      )}
      {result && (
        <div className="text-sm" data-testid="bulk-results" role="status">
          <p className={result.r.failed ? "text-amber-900" : "text-emerald-800"}>
            {result.r.decided} {result.action === "approve" ? "approved" : "denied"}
            {result.r.failed > 0 && `, ${result.r.failed} not decided:`}
          </p>
          {result.r.failed > 0 && (
            <ul className="list-disc pl-5 text-xs text-slate-700">
              {result.r.outcomes
                .filter((o) => !o.ok)
                .map((o) => (
                  <li key={o.id} data-testid={`bulk-failed-${o.id}`}>
                    #{o.id}: {"error" in o ? o.error : ""}
                  </li>
                ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
