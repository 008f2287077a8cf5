"use client";

import { startTransition, useEffect, useMemo, useState } from "react";

import { Card, ErrorNote, Skeleton, Stat } from "@/components/ui/card";
import { Link } from "@/components/ui/link";
import { ScrollArea } from "@/components/ui/scroll-area";
import { formatAmount, type Unit } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";
import type { PolicyView } from "@/lib/limits/limits-screen";
import { productLabel } from "@/lib/products/known-products";

import { MembersTable } from "./members-table";
import { PolicyEditor, type EditTarget } from "./policy-editor";
import { PolicyHistory } from "./policy-history";
import { useLimitsPage } from "./use-limits-page";

type Policy = Serialized<PolicyView>;

/**
 * Group rows in the first render — the server's HTML and its hydration — when there are many
 * (300 at the reference enterprise: two thirds of the page's HTML and most of its hydration);
 * the rest are rendered right after, in a transition, so the page is interactive first.
 */
const FIRST_GROUP_ROWS = 40;

/** How many of `total` rows to render: FIRST_GROUP_ROWS on the first render, then all. */
function useRowsShown(total: number): number {
  const [all, setAll] = useState(false);
  useEffect(() => {
    if (!all) startTransition(() => setAll(true));
  }, [all]);
  return all ? total : Math.min(total, FIRST_GROUP_ROWS);
}

export function amountOrDash(micros: string | null, unit: Unit): string {
  return micros === null ? "—" : formatAmount(BigInt(micros), unit);
}

function PolicyLine({
  p,
  unit,
  canEdit,
  canSeeHistory,
  onEdit,
}: {
  p: Policy;
  unit: Unit;
  canEdit: boolean;
  canSeeHistory: boolean;
  onEdit: () => void;
}) {
  const [history, setHistory] = useState(false);
  return (
    <li
      className="py-2"
      data-testid={
        p.slot
          ? `grant-${p.sourceRequestId ?? p.slot}`
          : `policy-${p.scope.toLowerCase()}-${p.targetName}`
      }
    >
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span className="font-medium">{p.targetName}</span>
        {p.targetDetail && <span className="text-xs text-slate-500">{p.targetDetail}</span>}
        {p.slot && p.sourceRequestId !== null && (
          <a
            href="/requests"
            className="rounded bg-emerald-50 px-1.5 text-xs text-emerald-800 underline"
            data-testid="grant-badge"
          >
            grant · request #{p.sourceRequestId}
          </a>
        )}
        {p.product && (
          <span className="rounded bg-slate-100 px-1.5 text-xs">
            {productLabel(p.product)} only
          </span>
        )}
        <span className="tabular" data-testid="policy-amount">
          {p.amountMicros !== null
            ? // a member's override is theirs alone; a group's or the workspace's applies to each member
              `${formatAmount(BigInt(p.amountMicros), unit)}${p.scope === "MEMBER" ? "" : " per member"}`
            : "no per-member limit"}
        </span>
        {p.poolCapMicros !== null && (
          <span className="tabular text-slate-700">
            pool {formatAmount(BigInt(p.poolCapMicros), unit)}
          </span>
        )}
        <span className="text-xs text-slate-500">
          soft {p.softThresholdPct}% · {p.action.replace("_", " ").toLowerCase()}
          {p.startsOn && ` · from ${p.startsOn}`}
          {p.expiresOn && ` · until ${p.expiresOn}`}
          {!p.active && " · not active now"}
        </span>
        <span className="ml-auto flex gap-2 text-xs">
          {canSeeHistory && (
            <button
              type="button"
              className="text-slate-600 underline"
              onClick={() => setHistory(!history)}
            >
              {history ? "Hide history" : "History"}
            </button>
          )}
          {canEdit && (
            <button
              type="button"
              className="font-medium text-brand-700 underline"
              onClick={onEdit}
              data-testid="edit-policy"
            >
              Edit
            </button>
          )}
        </span>
      </div>
      {(p.note || p.updatedBy) && (
        <p className="text-xs text-slate-500">
          {p.note && <>“{p.note}” · </>}
          {p.sourceRequestId !== null && <>from request #{p.sourceRequestId} · </>}v{p.version}
          {p.updatedBy && (
            <>
              {" "}
              · last changed by {p.updatedBy} at {p.updatedAt.slice(0, 16).replace("T", " ")} UTC
            </>
          )}
        </p>
      )}
      {history && <PolicyHistory id={p.id} />}
    </li>
  );
}

export function LimitsView() {
  // policies, groups, counts and the page of members the URL asks for
  const { query, members, setMembers } = useLimitsPage();
  const [editing, setEditing] = useState<EditTarget | null>(null);
  const d = query.data;
  const groupRowsShown = useRowsShown(d?.groups.length ?? 0);
  const byScope = useMemo(() => {
    const list = d?.policies ?? [];
    return {
      ws: list.filter((p) => p.scope === "WORKSPACE"),
      group: list.filter((p) => p.scope === "GROUP"),
      member: list.filter((p) => p.scope === "MEMBER"),
    };
  }, [d]);
  if (query.isPending) return <Skeleton className="h-96" />;
  if (query.isError || !d)
    return (
      <ErrorNote
        message={`Could not load limits: ${query.error?.message ?? "unknown error"}`}
        onRetry={() => void query.refetch()}
      />
    );
  const unit = d.budget.unit;
  const unitLabel = unit === "USD" ? "USD" : "credits";
  const canWs = !d.readOnly.workspace;
  const canEdit = !d.readOnly.groupsAndMembers;
  const editor = (forId: string) =>
    editing &&
    ((editing.mode === "edit" && editing.policy.id === forId) ||
      (editing.mode === "create" && `${editing.scope}:${editing.targetId ?? ""}` === forId));
  const editorFor = (forId: string) =>
    editor(forId) ? (
      <PolicyEditor target={editing!} unitLabel={unitLabel} onDone={() => setEditing(null)} />
    ) : null;
  const groupsWithoutPolicy = d.groups.filter(
    (g) => !byScope.group.some((p) => p.targetId === g.groupId),
  );

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <p className="text-sm text-slate-500">Limits: {d.scopeLabel}</p>
          <h1 className="text-2xl font-semibold">Limits</h1>
        </div>
        <p className="text-sm text-slate-500">
          Budget period {d.budget.period.start} – {d.budget.period.end} (
          {d.budget.budgetPeriod.toLowerCase()}, {d.budget.timezone}) · in {unitLabel}
        </p>
      </div>
      {d.readOnly.groupsAndMembers && (
        <p
          className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700"
          data-testid="read-only-note"
        >
          Read-only: you can see limits but not change them.
        </p>
      )}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat
          label="Workspace default"
          value={amountOrDash(byScope.ws.find((p) => !p.product)?.amountMicros ?? null, unit)}
          hint="per member, when no group or override applies"
          testId="stat-default"
        />
        <Stat
          label="Over the hard limit"
          value={String(d.counts.over)}
          hint={`of ${d.counts.members} members`}
          testId="stat-over"
        />
        <Stat
          label="At the soft threshold"
          value={String(d.counts.soft)}
          hint="past their soft threshold, under the limit"
          testId="stat-soft"
        />
        <Stat
          label="Spent this period"
          value={formatAmount(BigInt(d.workspaceUsedMicros), unit)}
          hint={
            d.canSeeHistory
              ? "whole workspace, all products"
              : "members of your groups, all products"
          }
        />
      </div>

      <Card
        title="Workspace default (owner)"
        action={
          canWs && byScope.ws.length === 0 && !editing ? (
            <button
              type="button"
              className="text-sm font-medium text-brand-700 underline"
              onClick={() =>
                setEditing({
                  mode: "create",
                  scope: "WORKSPACE",
                  targetId: null,
                  targetName: "Workspace",
                })
              }
              data-testid="set-default"
            >
              Set default
            </button>
          ) : undefined
        }
      >
        {byScope.ws.length === 0 && (
          <p className="text-sm text-slate-500">
            No workspace default: members without a group limit or override are unlimited.
          </p>
        )}
        <ul className="divide-y divide-slate-100 text-sm">
          {byScope.ws.map((p) => (
            <div key={p.id}>
              <PolicyLine
                p={p}
                unit={unit}
                canSeeHistory={d.canSeeHistory}
                canEdit={canWs}
                onEdit={() => setEditing({ mode: "edit", policy: p })}
              />
              {editorFor(p.id)}
            </div>
          ))}
        </ul>
        {editorFor("WORKSPACE:")}
      </Card>

      <Card title="Groups: per-member limits and pooled caps">
        <ul className="divide-y divide-slate-100 text-sm">
          {byScope.group.map((p) => (
            <div key={p.id}>
              <PolicyLine
                p={p}
                unit={unit}
                canSeeHistory={d.canSeeHistory}
                canEdit={canEdit}
                onEdit={() => setEditing({ mode: "edit", policy: p })}
              />
              {editorFor(p.id)}
            </div>
          ))}
        </ul>
        {canEdit && groupsWithoutPolicy.length > 0 && (
          <div className="mt-3 flex flex-wrap items-center gap-2 text-sm">
            <label htmlFor="new-group-limit" className="text-slate-600">
              Add a group limit:
            </label>
            <select
              id="new-group-limit"
              data-testid="new-group-limit"
              className="rounded-md border border-slate-300 px-2 py-1 text-sm"
              value=""
              onChange={(e) => {
                const g = d.groups.find((x) => x.groupId === e.target.value);
                if (g)
                  setEditing({
                    mode: "create",
                    scope: "GROUP",
                    targetId: g.groupId,
                    targetName: g.name,
                  });
              }}
            >
              <option value="">choose a group…</option>
              {groupsWithoutPolicy.map((g) => (
                <option key={g.groupId} value={g.groupId}>
                  {g.name}
                </option>
              ))}
            </select>
          </div>
        )}
        {editing?.mode === "create" && editing.scope === "GROUP" && (
          <div className="mt-3">{editorFor(`GROUP:${editing.targetId}`)}</div>
        )}
        <h3 className="mt-5 mb-2 text-xs font-medium tracking-wide text-slate-500 uppercase">
          Groups by pool consumption
        </h3>
        {d.groups.length === 0 ? (
          // an empty table's header alone reads as a page that failed to load
          <p className="text-sm text-slate-500" data-testid="no-groups">
            No groups yet: a team gets a limit or a pooled cap once it is a group (
            <Link href="/groups" className="text-brand-700 underline">
              Groups
            </Link>
            ).
          </p>
        ) : (
          <ScrollArea label="Limit policies">
            <table className="w-full text-sm" data-testid="groups-table">
              <thead className="text-left text-xs text-slate-500">
                <tr>
                  <th className="py-1 pr-3 font-medium">Group</th>
                  <th className="py-1 pr-3 font-medium">Members</th>
                  <th className="py-1 pr-3 text-right font-medium">Spent</th>
                  <th className="py-1 pr-3 text-right font-medium">Pooled cap</th>
                  <th className="py-1 pr-3 text-right font-medium">Used</th>
                  <th className="py-1 pr-3 text-right font-medium">Projected</th>
                  <th className="py-1 font-medium">Cap runs out</th>
                </tr>
              </thead>
              <tbody>
                {d.groups.slice(0, groupRowsShown).map((g) => (
                  <tr key={g.groupId} className="border-t border-slate-100">
                    <td className="py-1.5 pr-3">
                      {g.name} <span className="text-xs text-slate-500">{g.costCenter}</span>
                    </td>
                    <td className="tabular py-1.5 pr-3">{g.memberCount}</td>
                    <td className="tabular py-1.5 pr-3 text-right whitespace-nowrap">
                      {formatAmount(BigInt(g.usedMicros), unit)}
                    </td>
                    <td className="tabular py-1.5 pr-3 text-right whitespace-nowrap">
                      {amountOrDash(g.capMicros, unit)}
                    </td>
                    <td className="tabular py-1.5 pr-3 text-right whitespace-nowrap">
                      {g.usedPct === null ? "—" : `${g.usedPct}%`}
                    </td>
                    <td className="tabular py-1.5 pr-3 text-right whitespace-nowrap">
                      {formatAmount(BigInt(g.projectedMicros), unit)}
                    </td>
                    <td className="py-1.5 whitespace-nowrap">
                      {g.capMicros === null ? (
                        <span className="text-slate-500">no cap</span>
                      ) : (
                        (g.exhaustionDay ?? "not this period")
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollArea>
        )}
      </Card>

      <Card title="Individual overrides">
        {byScope.member.length === 0 && (
          <p className="text-sm text-slate-500">No overrides. Add one from a member row below.</p>
        )}
        {byScope.member.some((p) => p.slot) && (
          <p className="mb-1 text-xs text-slate-500">
            Approved requests add a grant beside a member&apos;s override; the most generous active
            one applies.
          </p>
        )}
        <ul className="divide-y divide-slate-100 text-sm">
          {byScope.member.map((p) => (
            <div key={p.id}>
              <PolicyLine
                p={p}
                unit={unit}
                canSeeHistory={d.canSeeHistory}
                canEdit={canEdit}
                onEdit={() => setEditing({ mode: "edit", policy: p })}
              />
              {editorFor(p.id)}
            </div>
          ))}
        </ul>
        {editing?.mode === "create" && editing.scope === "MEMBER" && (
          <div className="mt-3">{editorFor(`MEMBER:${editing.targetId}`)}</div>
        )}
      </Card>

      <MembersTable
        data={d}
        query={members}
        onQuery={setMembers}
        updating={query.isPlaceholderData}
        canEdit={canEdit}
        onAddOverride={(m) => {
          // the editors' override (slot ""); the grants of approved requests stay beside it
          const existing = byScope.member.find(
            (p) => p.targetId === m.memberId && !p.product && p.slot === "",
          );
          setEditing(
            existing
              ? { mode: "edit", policy: existing }
              : {
                  mode: "create",
                  scope: "MEMBER",
                  targetId: m.memberId,
                  targetName: m.name,
                },
          );
          window.scrollTo({ top: 0, behavior: "smooth" });
        }}
      />
    </div>
  );
}
