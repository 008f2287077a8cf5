import Link from "next/link";
import type { AuditRow } from "@/lib/audit-view";
import { REASON_LABELS } from "@/lib/auth/oidc-errors";
import type { UnmatchedAttemptRow } from "@/lib/auth/oidc-audit";

/** "2026-11-20 15:00:12 UTC" */
export function formatAuditTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

function actionTone(action: string): string {
  if (action === "auth.signin_refused") return "bg-red-50 text-red-700 ring-red-200";
  if (action.startsWith("auth.")) return "bg-emerald-50 text-emerald-800 ring-emerald-200";
  if (action.startsWith("member.")) return "bg-sky-50 text-sky-800 ring-sky-200";
  return "bg-slate-50 text-slate-700 ring-slate-200";
}

export function ActionBadge({ action }: { action: string }) {
  return <span className={`inline-block whitespace-nowrap rounded px-1.5 py-0.5 font-mono text-xs ring-1 ${actionTone(action)}`}>{action}</span>;
}

export function AuditTable({ rows }: { rows: AuditRow[] }) {
  if (!rows.length) return <p className="py-6 text-center text-sm text-slate-500">No events match this filter.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="audit-table">
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="py-2 pr-4 font-medium">Time</th>
            <th className="py-2 pr-4 font-medium">Actor</th>
            <th className="py-2 pr-4 font-medium">Action</th>
            <th className="py-2 pr-4 font-medium">Target</th>
            <th className="py-2 font-medium">Details</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.id} data-testid="audit-row" data-action={r.action} className="align-top">
              <td className="tabular whitespace-nowrap py-2 pr-4 text-slate-600">{formatAuditTime(r.at)}</td>
              <td className="max-w-[14rem] truncate py-2 pr-4" title={r.actor}>
                {r.actor}
              </td>
              <td className="py-2 pr-4">
                <ActionBadge action={r.action} />
              </td>
              <td className="whitespace-nowrap py-2 pr-4 text-slate-600">
                {r.targetType}
                <span className="block max-w-[10rem] truncate font-mono text-xs text-slate-400" title={r.targetId}>
                  {r.targetId}
                </span>
              </td>
              <td className="py-2 text-slate-700" data-testid="audit-summary">
                {r.summary}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AuditFilter({ actions, current }: { actions: string[]; current: string }) {
  const options = ["", "auth.*", ...actions.filter((a) => a !== "auth.*")];
  return (
    <form method="get" action="/audit" className="flex items-center gap-2" role="search" aria-label="Filter the audit log">
      <label htmlFor="audit-action" className="text-sm text-slate-600">
        Action
      </label>
      <select id="audit-action" name="action" defaultValue={current} className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm" data-testid="audit-action-filter">
        {options.map((a) => (
          <option key={a || "all"} value={a}>
            {a === "" ? "All actions" : a === "auth.*" ? "All sign-in events (auth.*)" : a}
          </option>
        ))}
      </select>
      <button type="submit" className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">
        Apply
      </button>
    </form>
  );
}

export function AuditPager({ action, before, olderBefore }: { action: string; before: number | undefined; olderBefore: number | null }) {
  const q = (b?: number) => {
    const p = new URLSearchParams();
    if (action) p.set("action", action);
    if (b) p.set("before", String(b));
    const s = p.toString();
    return s ? `/audit?${s}` : "/audit";
  };
  if (!before && olderBefore === null) return null;
  return (
    <nav className="mt-4 flex justify-between text-sm" aria-label="Audit pages">
      {before ? (
        <Link href={q()} className="font-medium text-brand-600 hover:underline">
          ← Newest
        </Link>
      ) : (
        <span />
      )}
      {olderBefore !== null && (
        <Link href={q(olderBefore)} className="font-medium text-brand-600 hover:underline">
          Older events →
        </Link>
      )}
    </nav>
  );
}

/** Sign-in attempts that named no member of any workspace (owners only). */
export function UnmatchedSignIns({ rows }: { rows: UnmatchedAttemptRow[] }) {
  if (!rows.length) return <p className="py-4 text-sm text-slate-500">None.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="unmatched-signins">
        <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="py-2 pr-4 font-medium">Time</th>
            <th className="py-2 pr-4 font-medium">Reason</th>
            <th className="py-2 pr-4 font-medium">Email / subject</th>
            <th className="py-2 pr-4 font-medium">Detail</th>
            <th className="py-2 font-medium">Client</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.id} data-testid="unmatched-row" data-reason={r.reason}>
              <td className="tabular whitespace-nowrap py-2 pr-4 text-slate-600">{formatAuditTime(r.at)}</td>
              <td className="py-2 pr-4">
                <span className="inline-block whitespace-nowrap rounded bg-red-50 px-1.5 py-0.5 text-xs text-red-700 ring-1 ring-red-200">{REASON_LABELS[r.reason] ?? r.reason}</span>
              </td>
              <td className="py-2 pr-4">
                {r.email ?? <span className="text-slate-400">—</span>}
                {r.subject && <span className="block font-mono text-xs text-slate-400">sub {r.subject}</span>}
              </td>
              <td className="py-2 pr-4 text-slate-600">{r.detail ?? "—"}</td>
              <td className="py-2 font-mono text-xs text-slate-500">{r.clientAddress ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
