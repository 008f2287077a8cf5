"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";

import { Card } from "@/components/ui/card";
import { Link } from "@/components/ui/link";
import type { MemberRow } from "@/lib/people/members";

import { DataTable } from "./data-table";
import { ImportPanel } from "./import-panel";
import { AddMemberForm, MemberEditor } from "./member-forms";
import { ROLE_LABELS, RoleBadge, ServiceBadge, StatusBadge } from "./role-badge";
import { AddServiceAccountForm, type AutomationKey } from "./service-account-form";
import { buttonClass, inputClass, secondaryButtonClass } from "./use-mutation";

type Group = { id: string; name: string };
const col = createColumnHelper<MemberRow>();

function countWords(n: number, kind: string): string {
  const count = n.toLocaleString("en-US");
  if (kind === "services") return `${count} ${n === 1 ? "service account" : "service accounts"}`;
  return `${count} ${n === 1 ? "person" : "people"}`;
}

/** Previous and next page of the list, with the same filters (links: the page is in the URL). */
function Pager({
  filters,
  page,
  pages,
}: {
  filters: Record<string, string>;
  page: number;
  pages: number;
}) {
  const href = (to: number) => {
    const qs = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== ""));
    if (to > 1) qs.set("page", String(to));
    return `/members?${qs.toString()}`;
  };
  const link = "rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-50";
  const off = "rounded-md border border-slate-200 px-3 py-1 text-sm text-slate-500";
  return (
    <nav
      aria-label="Pages of members"
      className="mt-3 flex items-center justify-end gap-2 text-sm"
      data-testid="members-pager"
    >
      <span className="mr-auto text-xs text-slate-500">
        page {page} of {pages}
      </span>
      {page > 1 ? (
        <Link href={href(page - 1)} className={link}>
          Previous
        </Link>
      ) : (
        <span className={off}>Previous</span>
      )}
      {page < pages ? (
        <Link href={href(page + 1)} className={link}>
          Next
        </Link>
      ) : (
        <span className={off}>Next</span>
      )}
    </nav>
  );
}

function names(list: Group[]) {
  return list.length ? (
    list.map((g) => g.name).join(", ")
  ) : (
    <span className="text-slate-500">—</span>
  );
}

export function MembersView({
  rows,
  total,
  limit,
  offset,
  scopedToGroups,
  groups,
  canManage,
  canReadAudit,
  isOwner,
  selfId,
  selected,
  filters,
  people,
  automationKeys,
  addService,
}: {
  rows: MemberRow[];
  total: number;
  limit: number;
  offset: number;
  scopedToGroups: boolean;
  groups: Group[];
  canManage: boolean;
  canReadAudit: boolean;
  isOwner: boolean;
  selfId: string;
  selected: MemberRow | null;
  filters: { q: string; role: string; status: string; group: string; kind: string };
  /** the workspace's active people (who may own a service account) */
  people: Group[];
  /** API keys, service accounts and projects with spend and no member */
  automationKeys: AutomationKey[];
  /** open the service account form (from Connections), with this key chosen */
  addService: { key: string | null } | null;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const [panel, setPanel] = useState<"add" | "service" | "import" | null>(
    addService && canManage ? "service" : null,
  );
  const hrefWith = (key: string, value: string | null) => {
    const p = new URLSearchParams(search.toString());
    if (value) p.set(key, value);
    else p.delete(key);
    const s = p.toString();
    return s ? `${pathname}?${s}` : pathname;
  };
  const columns = useMemo(
    () => [
      col.accessor("name", {
        header: "Name",
        cell: (c) => (
          <div className="min-w-[12rem]">
            <Link
              href={`/members/${c.row.original.id}`}
              className="font-medium text-brand-700 hover:underline"
            >
              {c.getValue()}
            </Link>
            <span className="block text-xs text-slate-500">
              {c.row.original.kind === "SERVICE"
                ? c.row.original.owner
                  ? `owner ${c.row.original.owner.name}`
                  : "no owner"
                : c.row.original.email}
            </span>
          </div>
        ),
      }),
      col.accessor("role", {
        header: "Role",
        cell: (c) =>
          c.row.original.kind === "SERVICE" ? <ServiceBadge /> : <RoleBadge role={c.getValue()} />,
      }),
      col.accessor("costCenter", {
        header: "Cost center",
        cell: (c) => c.getValue() ?? <span className="text-slate-500">—</span>,
      }),
      col.accessor("groups", {
        header: "Groups",
        cell: (c) => <span className="text-slate-700">{names(c.getValue())}</span>,
      }),
      col.accessor("manages", {
        header: "Manages",
        cell: (c) => <span className="text-slate-700">{names(c.getValue())}</span>,
      }),
      col.accessor("active", {
        header: "Status",
        cell: (c) => <StatusBadge active={c.getValue()} />,
      }),
      col.display({
        id: "actions",
        header: () => <span className="sr-only">Actions</span>,
        cell: (c) => (
          <div className="flex justify-end gap-3 text-sm whitespace-nowrap">
            {canManage && (
              <Link
                href={hrefWith("member", c.row.original.id)}
                className="font-medium text-brand-700 hover:underline"
                aria-label={`Manage ${c.row.original.name}`}
                scroll={false}
              >
                Manage
              </Link>
            )}
            {canReadAudit && (
              <Link
                href={`/audit?type=Member&target=${c.row.original.id}`}
                className="text-slate-600 hover:underline"
                aria-label={`History of ${c.row.original.name}`}
              >
                History
              </Link>
            )}
          </div>
        ),
      }),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps -- hrefWith reads the current search params
    [canManage, canReadAudit, search],
  );

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Members</h1>
          <p className="mt-1 text-sm text-slate-600">
            {scopedToGroups
              ? "The people of the groups you manage."
              : "Everyone in the workspace — people and the service accounts automation spends as: roles, owners, cost centers, groups and who manages what."}{" "}
            <Link href="/groups" className="font-medium text-brand-700 hover:underline">
              Groups →
            </Link>
          </p>
        </div>
        {canManage && (
          <div className="flex gap-2">
            <button
              type="button"
              className={buttonClass}
              onClick={() => setPanel(panel === "add" ? null : "add")}
              aria-expanded={panel === "add"}
            >
              Add member
            </button>
            <button
              type="button"
              className={secondaryButtonClass}
              onClick={() => setPanel(panel === "service" ? null : "service")}
              aria-expanded={panel === "service"}
            >
              Add service account
            </button>
            <button
              type="button"
              className={secondaryButtonClass}
              onClick={() => setPanel(panel === "import" ? null : "import")}
              aria-expanded={panel === "import"}
            >
              Import CSV
            </button>
          </div>
        )}
      </div>

      {panel === "add" && (
        <Card title="Add a member">
          <AddMemberForm groups={groups} isOwner={isOwner} onDone={() => setPanel(null)} />
        </Card>
      )}
      {panel === "service" && (
        <Card title="Add a service account">
          <AddServiceAccountForm
            groups={groups}
            people={people}
            keys={automationKeys}
            preselected={addService?.key ?? null}
            onDone={() => {
              setPanel(null);
              if (addService) router.replace(hrefWith("add", null), { scroll: false });
            }}
          />
        </Card>
      )}
      {panel === "import" && (
        <Card title="Import people and groups from CSV">
          <ImportPanel onDone={() => setPanel(null)} />
        </Card>
      )}
      {selected && canManage && (
        <Card
          title={`Manage ${selected.name} · ${selected.kind === "SERVICE" ? "service account" : ROLE_LABELS[selected.role]}${selected.active ? "" : " · deactivated"}`}
          action={
            canReadAudit ? (
              <Link
                href={`/audit?type=Member&target=${selected.id}`}
                className="text-sm text-brand-700 hover:underline"
              >
                History
              </Link>
            ) : undefined
          }
        >
          <MemberEditor
            key={`${selected.id}:${selected.active}`}
            member={selected}
            groups={groups}
            people={people}
            isOwner={isOwner}
            self={selected.id === selfId}
            onClose={() => router.push(hrefWith("member", null), { scroll: false })}
          />
        </Card>
      )}

      <Card>
        <form
          method="get"
          action="/members"
          role="search"
          aria-label="Filter members"
          className="mb-4 grid grid-cols-1 gap-2 sm:grid-cols-2 xl:grid-cols-[minmax(12rem,2fr)_repeat(4,minmax(8rem,1fr))_auto]"
        >
          <input
            type="search"
            name="q"
            defaultValue={filters.q}
            placeholder="Search name, email, owner or cost center"
            aria-label="Search members"
            className={inputClass}
          />
          <select name="kind" defaultValue={filters.kind} aria-label="Kind" className={inputClass}>
            <option value="all">All members</option>
            <option value="people">People</option>
            <option value="services">Service accounts</option>
          </select>
          <select name="role" defaultValue={filters.role} aria-label="Role" className={inputClass}>
            <option value="">All roles</option>
            {Object.entries(ROLE_LABELS).map(([r, l]) => (
              <option key={r} value={r}>
                {l}
              </option>
            ))}
          </select>
          <select
            name="status"
            defaultValue={filters.status}
            aria-label="Status"
            className={inputClass}
          >
            <option value="active">Active</option>
            <option value="deactivated">Deactivated</option>
            <option value="all">Everyone</option>
          </select>
          <select
            name="group"
            defaultValue={filters.group}
            aria-label="Group"
            className={inputClass}
          >
            <option value="">All groups</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
          <button type="submit" className={secondaryButtonClass}>
            Apply
          </button>
        </form>
        <p className="mb-2 text-xs text-slate-500" data-testid="members-count">
          {total > rows.length
            ? `${(offset + 1).toLocaleString("en-US")}–${(offset + rows.length).toLocaleString("en-US")} of ${countWords(total, filters.kind)}`
            : countWords(total, filters.kind)}
        </p>
        <DataTable
          columns={columns}
          data={rows}
          rowId={(r) => r.id}
          rowProps={(r) => ({
            "data-testid": "member-row",
            // a person's email; a service account has none to send (its address stays on the
            // server), its row says what it is
            "data-email": r.kind === "SERVICE" ? undefined : r.email,
            "data-kind": r.kind === "SERVICE" ? "service" : "person",
            "data-active": String(r.active),
          })}
          empty="Nobody matches these filters."
          testId="members-table"
          minWidth="56rem"
        />
        {total > limit && (
          <Pager filters={filters} page={offset / limit + 1} pages={Math.ceil(total / limit)} />
        )}
      </Card>
    </div>
  );
}
