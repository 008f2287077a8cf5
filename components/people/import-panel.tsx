"use client";

import { useState } from "react";

import type { ImportError, ImportPlan } from "@/lib/people/import-plan";

import { buttonClass, secondaryButtonClass, usePeopleMutation } from "./use-mutation";

const EXAMPLE =
  "email,name,role,cost_center,groups,manages\ndana@example.com,Dana Lee,admin,CC-1024,Platform;Data,Platform\n";

/** Upload → preview of what changes (nothing written) → apply all of it, or see each bad row. */
export function ImportPanel({ onDone }: { onDone: () => void }) {
  const preview = usePeopleMutation();
  const apply = usePeopleMutation();
  const [csv, setCsv] = useState<string | null>(null);
  const [fileName, setFileName] = useState("");
  const [plan, setPlan] = useState<ImportPlan | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function choose(file: File | undefined) {
    setPlan(null);
    setDone(null);
    if (!file) return;
    const text = await file.text();
    setCsv(text);
    setFileName(file.name);
    const r = await preview.run<{ plan: ImportPlan }>(
      "/api/members/import",
      "POST",
      { csv: text, apply: false },
      { refresh: false },
    );
    if (r) setPlan(r.plan);
  }

  async function applyNow() {
    if (!csv) return;
    const r = await apply.run<{ plan: ImportPlan }>("/api/members/import", "POST", {
      csv,
      apply: true,
    });
    if (r) {
      const c = r.plan.counts;
      setDone(
        `Imported ${fileName}: ${c.create} added, ${c.update} updated, ${c.unchanged} unchanged, ${c.newGroups} new groups.`,
      );
      setPlan(null);
    }
  }

  const rejected = (apply.error?.body?.errors as ImportError[] | undefined) ?? null;
  const errors = rejected ?? plan?.errors ?? [];
  const changed = plan?.rows.filter((r) => r.kind !== "unchanged") ?? [];
  return (
    <div className="space-y-4" data-testid="import-panel">
      <div className="text-sm text-slate-600">
        <p>
          One person per row. The header is{" "}
          <code className="rounded bg-slate-100 px-1">
            email,name,role,cost_center,groups,manages
          </code>
          ; roles are owner, admin, finance or member; separate several groups with{" "}
          <code className="rounded bg-slate-100 px-1">;</code>. An empty cell keeps what is there; a
          filled groups or manages cell is the person&apos;s whole list. Groups that do not exist
          yet are created. Nothing changes until you apply, and a file with any problem changes
          nothing.
        </p>
        <a
          className="mt-1 inline-block font-medium text-brand-700 hover:underline"
          href={`data:text/csv;charset=utf-8,${encodeURIComponent(EXAMPLE)}`}
          download="people-example.csv"
        >
          Download an example file
        </a>
      </div>
      <div>
        <label htmlFor="import-file" className="mb-1 block text-sm font-medium text-slate-700">
          CSV file
        </label>
        <input
          id="import-file"
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => choose(e.target.files?.[0])}
          className="block text-sm"
          data-testid="import-file"
        />
      </div>
      {preview.pending && <p className="text-sm text-slate-500">Checking the file…</p>}
      {preview.error && !preview.error.body?.errors && (
        <p
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
          data-testid="import-error"
        >
          {preview.error.message}
        </p>
      )}
      {errors.length > 0 && (
        <div className="rounded-md border border-red-200 bg-red-50 p-3" data-testid="import-errors">
          <p className="text-sm font-medium text-red-900">
            Nothing will be imported: fix{" "}
            {errors.length === 1 ? "this problem" : `these ${errors.length} problems`} and choose
            the file again.
          </p>
          <ul className="mt-2 space-y-1 text-sm text-red-800">
            {errors.slice(0, 100).map((e, i) => (
              <li key={i} data-testid="import-error-row">
                {e.row ? `Row ${e.row}` : "File"}
                {e.column ? ` (${e.column})` : ""}: {e.message}
              </li>
            ))}
            {errors.length > 100 && <li>… and {errors.length - 100} more</li>}
          </ul>
        </div>
      )}
      {plan && !plan.errors.length && (
        <div className="space-y-3" data-testid="import-preview">
          <p className="text-sm text-slate-800">
            <strong>{plan.counts.create}</strong> to add, <strong>{plan.counts.update}</strong> to
            update, {plan.counts.unchanged} unchanged
            {plan.newGroups.length ? (
              <>
                , <strong>{plan.newGroups.length}</strong> new{" "}
                {plan.newGroups.length === 1 ? "group" : "groups"} (
                {plan.newGroups.slice(0, 10).join(", ")}
                {plan.newGroups.length > 10 ? ", …" : ""})
              </>
            ) : null}
            .
          </p>
          {changed.length > 0 && (
            <div className="max-h-72 overflow-auto rounded-md border border-slate-200">
              <table className="w-full text-left text-sm">
                <thead className="sticky top-0 bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
                  <tr>
                    <th className="px-2 py-1.5 font-medium">Row</th>
                    <th className="px-2 py-1.5 font-medium">Person</th>
                    <th className="px-2 py-1.5 font-medium">What changes</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {changed.slice(0, 300).map((r) => (
                    <tr key={r.row} data-testid="import-change">
                      <td className="tabular px-2 py-1 text-slate-500">{r.row}</td>
                      <td className="px-2 py-1">
                        {r.name} <span className="text-slate-500">{r.email}</span>
                      </td>
                      <td className="px-2 py-1 text-slate-700">{r.changes.join(" · ")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {changed.length > 300 && (
                <p className="px-2 py-1 text-xs text-slate-500">
                  … and {changed.length - 300} more rows
                </p>
              )}
            </div>
          )}
          <div className="flex gap-2">
            <button
              type="button"
              className={buttonClass}
              disabled={apply.pending || changed.length + plan.newGroups.length === 0}
              onClick={applyNow}
            >
              {apply.pending ? "Importing…" : "Apply import"}
            </button>
            <button type="button" className={secondaryButtonClass} onClick={onDone}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {apply.error && !rejected && <p className="text-sm text-red-800">{apply.error.message}</p>}
      {done && (
        <p className="text-sm text-emerald-700" role="status" data-testid="import-done">
          {done}
        </p>
      )}
    </div>
  );
}
