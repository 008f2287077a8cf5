import { buttonClass } from "@/components/ui/button";
import { Link } from "@/components/ui/link";
import { ScrollArea } from "@/components/ui/scroll-area";
import type { AuditRow } from "@/lib/audit/audit-view";
import type { UnmatchedAttemptRow } from "@/lib/auth/oidc-audit";
import { REASON_LABELS } from "@/lib/auth/oidc-errors";

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
  return (
    <span
      className={`inline-block rounded px-1.5 py-0.5 font-mono text-xs whitespace-nowrap ring-1 ${actionTone(action)}`}
    >
      {action}
    </span>
  );
}

export function AuditTable({ rows }: { rows: AuditRow[] }) {
  if (!rows.length)
    return <p className="py-6 text-center text-sm text-slate-500">No events match this filter.</p>;
  return (
    <ScrollArea label="Audit events" className="-mx-5 px-5">
      <table className="w-full min-w-[52rem] text-left text-sm" data-testid="audit-table">
        <thead className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
          <tr>
            <th className="py-2 pr-4 font-medium">Time</th>
            <th className="py-2 pr-4 font-medium">Actor</th>
            <th className="py-2 pr-4 font-medium">Action</th>
            <th className="py-2 pr-4 font-medium">Object</th>
            {/* the sentence is what people read: at 800 px it keeps a readable width and the
                table scrolls in its card, rather than a column one word wide */}
            <th className="min-w-[20rem] py-2 font-medium">What happened</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((r) => (
            <tr key={r.id} data-testid="audit-row" data-action={r.action} className="align-top">
              <td className="tabular py-2 pr-4 whitespace-nowrap text-slate-600">
                <time dateTime={r.at}>{formatAuditTime(r.at)}</time>
              </td>
              <td className="max-w-[14rem] py-2 pr-4" title={r.actor}>
                {r.actorName && (
                  <span className="block truncate font-medium text-slate-800">{r.actorName}</span>
                )}
                <span className={`block truncate ${r.actorName ? "text-xs text-slate-500" : ""}`}>
                  {r.actor}
                </span>
              </td>
              <td className="py-2 pr-4">
                <ActionBadge action={r.action} />
              </td>
              <td className="py-2 pr-4 whitespace-nowrap text-slate-600">
                {r.targetHref ? (
                  <Link href={r.targetHref} className="font-medium text-brand-700 hover:underline">
                    {r.targetLabel}
                  </Link>
                ) : (
                  (r.targetLabel ?? r.targetType)
                )}
                <span
                  className="block max-w-[12rem] truncate text-xs text-slate-500"
                  title={`${r.targetType} ${r.targetId}`}
                >
                  {r.targetLabel ? r.targetType : r.targetId}
                  {(r.targetType === "Member" || r.targetType === "Group") && (
                    <>
                      {" · "}
                      <Link
                        href={auditHref({ type: r.targetType, target: r.targetId })}
                        className="text-slate-500 underline-offset-2 hover:underline"
                      >
                        history
                      </Link>
                    </>
                  )}
                </span>
              </td>
              <td className="py-2 text-slate-700" data-testid="audit-summary">
                {r.summary}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}

export interface AuditFilters {
  action?: string;
  actor?: string;
  type?: string;
  target?: string;
  before?: number;
}

/** /audit with these filters (URL state: the page and the export read the same parameters). */
export function auditHref(f: AuditFilters, base = "/audit"): string {
  const p = new URLSearchParams();
  for (const k of ["action", "actor", "type", "target", "before"] as const)
    if (f[k] !== undefined && f[k] !== "") p.set(k, String(f[k]));
  const s = p.toString();
  return s ? `${base}?${s}` : base;
}

const TYPES: [string, string][] = [
  ["Member", "People"],
  ["Group", "Groups"],
  ["LimitPolicy", "Limits"],
  ["CreditRequest", "Credit requests"],
  ["Connection", "Connections"],
  ["ApiToken", "API tokens"],
];

export function AuditFilter({
  actions,
  actors,
  current,
}: {
  actions: string[];
  actors: string[];
  current: AuditFilters;
}) {
  const options = ["", "auth.*", ...actions.filter((a) => a !== "auth.*")];
  const select =
    "w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm sm:w-auto sm:max-w-[16rem]";
  return (
    <form
      method="get"
      action="/audit"
      className="flex flex-wrap items-end gap-2"
      role="search"
      aria-label="Filter the audit log"
    >
      {current.target && <input type="hidden" name="target" value={current.target} />}
      <div>
        <label htmlFor="audit-actor" className="block text-xs text-slate-600">
          Who
        </label>
        <select
          id="audit-actor"
          name="actor"
          defaultValue={current.actor ?? ""}
          className={select}
          data-testid="audit-actor-filter"
        >
          <option value="">Anyone</option>
          {actors.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="audit-type" className="block text-xs text-slate-600">
          Object
        </label>
        <select
          id="audit-type"
          name="type"
          defaultValue={current.type ?? ""}
          className={select}
          data-testid="audit-type-filter"
        >
          <option value="">Any object</option>
          {TYPES.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
          {current.type && !TYPES.some(([v]) => v === current.type) && (
            <option value={current.type}>{current.type}</option>
          )}
        </select>
      </div>
      <div>
        <label htmlFor="audit-action" className="block text-xs text-slate-600">
          Action
        </label>
        <select
          id="audit-action"
          name="action"
          defaultValue={current.action ?? ""}
          className={select}
          data-testid="audit-action-filter"
        >
          {options.map((a) => (
            <option key={a || "all"} value={a}>
              {a === "" ? "All actions" : a === "auth.*" ? "All sign-in events (auth.*)" : a}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className={buttonClass()}>
        Apply
      </button>
      <a
        href={auditHref({ ...current, before: undefined }, "/api/audit/export")}
        className={buttonClass("secondary")}
        data-testid="audit-export"
        download
      >
        Export CSV
      </a>
    </form>
  );
}

export function AuditPager({
  filters,
  before,
  olderBefore,
}: {
  filters: AuditFilters;
  before: number | undefined;
  olderBefore: number | null;
}) {
  if (!before && olderBefore === null) return null;
  return (
    <nav className="mt-4 flex justify-between text-sm" aria-label="Audit pages">
      {before ? (
        <Link
          href={auditHref({ ...filters, before: undefined })}
          className="font-medium text-brand-600 hover:underline"
        >
          ← Newest
        </Link>
      ) : (
        <span />
      )}
      {olderBefore !== null && (
        <Link
          href={auditHref({ ...filters, before: olderBefore })}
          className="font-medium text-brand-600 hover:underline"
        >
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
    <ScrollArea label="History">
      <table className="w-full text-left text-sm" data-testid="unmatched-signins">
        <thead className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
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
              <td className="tabular py-2 pr-4 whitespace-nowrap text-slate-600">
                {formatAuditTime(r.at)}
              </td>
              <td className="py-2 pr-4">
                <span className="inline-block rounded bg-red-50 px-1.5 py-0.5 text-xs whitespace-nowrap text-red-700 ring-1 ring-red-200">
                  {REASON_LABELS[r.reason] ?? r.reason}
                </span>
              </td>
              <td className="py-2 pr-4">
                {r.email ?? <span className="text-slate-500">—</span>}
                {r.subject && (
                  <span className="block font-mono text-xs text-slate-500">sub {r.subject}</span>
                )}
              </td>
              <td className="py-2 pr-4 text-slate-600">{r.detail ?? "—"}</td>
              <td className="py-2 font-mono text-xs text-slate-500">{r.clientAddress ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}
