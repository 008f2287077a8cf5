"use client";

import { useEffect, useState } from "react";

import { Card } from "@/components/ui/card";
import { Link } from "@/components/ui/link";
import { ScrollArea } from "@/components/ui/scroll-area";
import { formatAmount } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";
import type { LimitsOverview, MemberRow } from "@/lib/limits/limits-screen";
import { MEMBER_SEARCH_MAX, type MemberSort, type MembersQuery } from "@/lib/limits/members-query";

type Row = Serialized<MemberRow>;
type SortKey = MemberSort;

const STATE_BADGE: Record<string, string> = {
  over: "bg-red-100 text-red-800",
  soft: "bg-amber-100 text-amber-800",
  ok: "bg-emerald-50 text-emerald-700",
};
const STATE_LABEL: Record<string, string> = { over: "over limit", soft: "near limit", ok: "ok" };

/** Typing waits this long before the search goes to the URL and the server. */
const SEARCH_DELAY_MS = 250;

/**
 * Members with their effective limit and its reason, one page at a time: the server filters by
 * state, searches, sorts and counts the whole set (lib/limits/limits-screen.ts); the query is
 * the URL's (useLimitsPage). Add an override from a row.
 */
export function MembersTable({
  data,
  query,
  onQuery,
  canEdit,
  onAddOverride,
  updating,
}: {
  data: Serialized<LimitsOverview>;
  query: MembersQuery;
  /** the list shown is the previous one while the page for `query` loads */
  updating: boolean;
  onQuery: (patch: Partial<MembersQuery>) => void;
  canEdit: boolean;
  onAddOverride: (m: Row) => void;
}) {
  const { state, sort } = query;
  const [text, setText] = useState(query.q);
  // the URL (Back, a shared link) wins over what was being typed
  useEffect(() => setText((t) => (t.trim() === query.q ? t : query.q)), [query.q]);
  useEffect(() => {
    if (text.trim() === query.q) return;
    const t = setTimeout(() => onQuery({ q: text.trim() }), SEARCH_DELAY_MS);
    return () => clearTimeout(t);
  }, [text, query.q, onQuery]);
  // what is typed, or the filter chosen, is not yet what the list shows: say so, so nobody acts
  // on a row of the list from before
  const stale = updating || text.trim() !== query.q;
  const setState = (s: MembersQuery["state"]) => onQuery({ state: s });
  const setSort = (key: SortKey) => onQuery({ sort: key });
  const unit = data.budget.unit;
  const rows = data.members;
  const page = data.memberPage;
  const total = page?.total ?? rows.length;
  const first = page ? (page.page - 1) * page.pageSize : 0;
  const th = (key: SortKey, label: string, right = false) => (
    <th className={`py-1 pr-3 font-medium ${right ? "text-right" : ""}`}>
      <button
        type="button"
        onClick={() => setSort(key)}
        className={sort === key ? "text-slate-900 underline" : ""}
      >
        {label}
      </button>
    </th>
  );
  return (
    <Card title="Members and their effective limits">
      <div className="mb-3 flex flex-wrap items-center gap-2 text-sm">
        {(["attention", "over", "soft", "all"] as const).map((s) => (
          <button
            key={s}
            type="button"
            onClick={() => setState(s)}
            className={`rounded-full px-3 py-1 ${state === s ? "bg-slate-800 text-white" : "bg-slate-100 text-slate-700"}`}
            data-testid={`filter-${s}`}
          >
            {s === "attention"
              ? "Needs attention"
              : s === "over"
                ? "Over the hard limit"
                : s === "soft"
                  ? "Past soft threshold"
                  : "Everyone"}
          </button>
        ))}
        <span
          role="status"
          className="ml-auto text-xs text-slate-500"
          data-testid="members-updating"
        >
          {stale ? "Updating…" : ""}
        </span>
        <input
          value={text}
          onChange={(e) => setText(e.target.value)}
          maxLength={MEMBER_SEARCH_MAX}
          placeholder="Filter by name, email or group"
          className="w-64 rounded-md border border-slate-300 px-2 py-1 text-sm"
          data-testid="member-filter"
          aria-label="Filter members"
        />
      </div>
      {total === 0 ? (
        <p className="py-6 text-center text-sm text-slate-500">
          Nobody matches:{" "}
          {state === "attention" ? "no member is near or over their limit." : "try another filter."}
        </p>
      ) : (
        <ScrollArea label="Effective limits">
          <table
            className={`w-full text-sm transition-opacity ${stale ? "opacity-60" : ""}`}
            data-testid="members-table"
            aria-busy={stale}
          >
            <thead className="text-left text-xs text-slate-500">
              <tr>
                {th("name", "Member")}
                <th className="py-1 pr-3 font-medium">Effective limit and why</th>
                {th("used", "Used", true)}
                {th("pct", "% used", true)}
                <th className="py-1 pr-3 font-medium">State</th>
                {th("exhaustion", "Runs out")}
                {canEdit && <th />}
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => (
                <tr
                  key={m.memberId}
                  className="border-t border-slate-100 align-top"
                  data-testid={`member-row-${m.memberId}`}
                >
                  <td className="py-1.5 pr-3">
                    <Link href={`/members/${m.memberId}`} className="font-medium hover:underline">
                      {m.name}
                    </Link>
                    <div className="text-xs text-slate-500">
                      {m.sublabel}
                      {m.groups.length > 0 && ` · ${m.groups.join(", ")}`}
                    </div>
                  </td>
                  <td className="py-1.5 pr-3" title={m.reason}>
                    <span className="tabular whitespace-nowrap" data-testid="member-limit">
                      {m.limitMicros === null
                        ? "unlimited"
                        : formatAmount(BigInt(m.limitMicros), unit)}
                    </span>
                    <div className="text-xs text-slate-500" data-testid="member-reason">
                      {m.reason}
                    </div>
                  </td>
                  <td className="tabular py-1.5 pr-3 text-right whitespace-nowrap">
                    {formatAmount(BigInt(m.usedMicros), unit)}
                  </td>
                  <td className="tabular py-1.5 pr-3 text-right">
                    {m.usedPct === null ? "—" : `${m.usedPct}%`}
                  </td>
                  <td className="py-1.5 pr-3">
                    <span
                      className={`rounded px-1.5 py-0.5 text-xs whitespace-nowrap ${STATE_BADGE[m.state]}`}
                    >
                      {STATE_LABEL[m.state]}
                    </span>
                  </td>
                  <td className="py-1.5 pr-3 text-xs whitespace-nowrap">
                    {m.exhaustionDay
                      ? m.exhaustionLatestDay === m.exhaustionDay
                        ? m.exhaustionDay
                        : `${m.exhaustionDay} – ${m.exhaustionLatestDay ?? "period end"}`
                      : m.limitMicros === null
                        ? "—"
                        : "not this period"}
                  </td>
                  {canEdit && (
                    <td className="py-1.5 text-right">
                      <button
                        type="button"
                        onClick={() => onAddOverride(m)}
                        className="text-xs font-medium whitespace-nowrap text-brand-700 underline"
                        data-testid="add-override"
                      >
                        Add override
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {page && page.pages > 1 && (
            <div
              className="mt-2 flex items-center gap-3 text-sm text-slate-600"
              data-testid="members-pages"
            >
              <span>
                {first + 1}–{first + rows.length} of {total.toLocaleString("en-US")}
              </span>
              <button
                type="button"
                onClick={() => onQuery({ page: page.page - 1 })}
                disabled={page.page <= 1}
                className="text-brand-700 underline disabled:text-slate-400 disabled:no-underline"
                data-testid="members-previous"
              >
                Previous
              </button>
              <button
                type="button"
                onClick={() => onQuery({ page: page.page + 1 })}
                disabled={page.page >= page.pages}
                className="text-brand-700 underline disabled:text-slate-400 disabled:no-underline"
                data-testid="members-next"
              >
                Next
              </button>
            </div>
          )}
        </ScrollArea>
      )}
    </Card>
  );
}
