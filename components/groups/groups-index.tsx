"use client";

import { createColumnHelper } from "@tanstack/react-table";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";

import { DataTable } from "@/components/people/data-table";
import {
  AddForm,
  buttonClass,
  CostCenterField,
  FieldError,
  TextField,
  usePeopleMutation,
} from "@/components/people/use-mutation";
import { Card } from "@/components/ui/card";
import { Link } from "@/components/ui/link";
import type { GroupRow } from "@/lib/people/groups";

import { GroupEditor, peopleOnly, PersonPicker, type Chosen, type Person } from "./group-editor";

const col = createColumnHelper<GroupRow>();

function few(people: { name: string }[], max = 3) {
  if (!people.length) return <span className="text-slate-500">—</span>;
  const shown = people
    .slice(0, max)
    .map((p) => p.name)
    .join(", ");
  return people.length > max ? `${shown} +${people.length - max}` : shown;
}

function CreateGroupForm({ people, onDone }: { people: Person[]; onDone: () => void }) {
  const mutation = usePeopleMutation();
  const [name, setName] = useState("");
  const [costCenter, setCostCenter] = useState("");
  const [managers, setManagers] = useState<Chosen[]>([]);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (
      await mutation.run("/api/groups", "POST", {
        name,
        costCenter,
        managerIds: managers.map((m) => m.id),
      })
    )
      onDone();
  }
  return (
    <AddForm
      label="Create a group"
      testId="create-group-form"
      onSubmit={submit}
      mutation={mutation}
      fields={["name", "costCenter", "managerIds"]}
      submit="Create group"
      pendingText="Creating…"
      onClose={onDone}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          id="group-name"
          label="Name"
          value={name}
          onChange={setName}
          field="name"
          autoComplete="off"
        />
        <CostCenterField id="group-cost-center" value={costCenter} onChange={setCostCenter} />
      </div>
      <PersonPicker
        label="Managers"
        inputId="group-managers"
        people={peopleOnly(people)}
        chosen={managers}
        onChange={setManagers}
      />
      <FieldError field="managerIds" />
    </AddForm>
  );
}

export function GroupsIndex({
  groups,
  people,
  canManage,
  canReadAudit,
  selected,
}: {
  groups: GroupRow[];
  people: Person[];
  canManage: boolean;
  canReadAudit: boolean;
  selected: GroupRow | null;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const [creating, setCreating] = useState(false);
  const hrefWith = (value: string | null) => {
    const p = new URLSearchParams(search.toString());
    if (value) p.set("group", value);
    else p.delete("group");
    const s = p.toString();
    return s ? `${pathname}?${s}` : pathname;
  };
  const columns = useMemo(
    () => [
      col.accessor("name", {
        header: "Group",
        cell: (c) => (
          <Link
            href={`/groups/${c.row.original.id}`}
            className="font-medium text-brand-700 hover:underline"
          >
            {c.getValue()}
          </Link>
        ),
      }),
      col.accessor("costCenter", {
        header: "Cost center",
        cell: (c) => c.getValue() || <span className="text-slate-500">—</span>,
      }),
      col.accessor("members", {
        header: "Members",
        cell: (c) => <span className="tabular">{c.getValue().length}</span>,
      }),
      col.accessor("managers", {
        header: "Managers",
        cell: (c) => <span className="text-slate-700">{few(c.getValue())}</span>,
      }),
      col.accessor("limits", {
        header: "Limits",
        cell: (c) => (
          <span className="tabular">
            {c.getValue() || <span className="text-slate-500">—</span>}
          </span>
        ),
      }),
      col.accessor("source", {
        header: "Source",
        cell: (c) => (
          <span className="text-xs text-slate-500">
            {c.getValue() === "allotment" ? "Allotment" : `from ${c.getValue()}`}
          </span>
        ),
      }),
      col.display({
        id: "actions",
        header: () => <span className="sr-only">Actions</span>,
        cell: (c) => (
          <div className="flex justify-end gap-3 whitespace-nowrap">
            {canManage && (
              <Link
                href={hrefWith(c.row.original.id)}
                scroll={false}
                className="font-medium text-brand-700 hover:underline"
                aria-label={`Manage ${c.row.original.name}`}
              >
                Manage
              </Link>
            )}
            {canReadAudit && (
              <Link
                href={`/audit?type=Group&target=${c.row.original.id}`}
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
          <h1 className="text-2xl font-semibold">Groups</h1>
          <p className="mt-1 text-sm text-slate-600">
            Teams with a cost center, their members and the managers who see their spend and decide
            their requests.{" "}
            <Link href="/members" className="font-medium text-brand-700 hover:underline">
              ← Members
            </Link>
          </p>
        </div>
        {canManage && (
          <button
            type="button"
            className={buttonClass}
            onClick={() => setCreating(!creating)}
            aria-expanded={creating}
          >
            Create group
          </button>
        )}
      </div>
      {creating && (
        <Card title="Create a group">
          <CreateGroupForm people={people} onDone={() => setCreating(false)} />
        </Card>
      )}
      {selected && canManage && (
        <Card
          title={`Manage group ${selected.name}`}
          action={
            canReadAudit ? (
              <Link
                href={`/audit?type=Group&target=${selected.id}`}
                className="text-sm text-brand-700 hover:underline"
              >
                History
              </Link>
            ) : undefined
          }
        >
          <GroupEditor
            key={selected.id}
            group={selected}
            people={people}
            onClose={() => router.push(hrefWith(null), { scroll: false })}
          />
        </Card>
      )}
      <Card>
        <DataTable
          columns={columns}
          data={groups}
          rowId={(g) => g.id}
          rowProps={(g) => ({ "data-testid": "group-row", "data-name": g.name })}
          empty="No groups yet."
          testId="groups-table"
          minWidth="44rem"
        />
      </Card>
    </div>
  );
}
