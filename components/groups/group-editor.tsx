"use client";

import { useState } from "react";

import { putDiff } from "@/components/people/group-picker";
import {
  ChangeForm,
  CostCenterField,
  dangerButtonClass,
  Field,
  FormError,
  inputClass,
  secondaryButtonClass,
  TextField,
  usePeopleMutation,
  useSaveChanges,
} from "@/components/people/use-mutation";
import type { GroupRow } from "@/lib/people/groups";
import { isServiceAccount, memberPickerLabel } from "@/lib/people/member-label";

/** Someone a picker offers: kind "SERVICE" is a service account (never offered as a manager). */
export type Person = { id: string; name: string; email: string; kind: string };

/** Managers are people: a service account manages nobody. */
export function peopleOnly(people: Person[]): Person[] {
  return people.filter((p) => !isServiceAccount(p));
}

/** Someone a picker has chosen. */
export type Chosen = { id: string; name: string };

/**
 * Type a name or email, pick from the suggestions; chosen people show as removable chips. A
 * service account is offered by its name, never by its internal address (lib/people/member-label.ts).
 */
export function PersonPicker({
  label,
  inputId,
  people,
  chosen,
  onChange,
}: {
  label: string;
  inputId: string;
  people: Person[];
  chosen: Chosen[];
  /** the chosen people after an add or a remove */
  onChange: (next: Chosen[]) => void;
}) {
  const [text, setText] = useState("");
  const [miss, setMiss] = useState(false);
  const listId = `${inputId}-list`;
  function add() {
    const t = text.trim().toLowerCase();
    const p = people.find(
      (x) =>
        memberPickerLabel(x).toLowerCase() === t ||
        (!isServiceAccount(x) && x.email === t) ||
        x.name.toLowerCase() === t,
    );
    if (!p) return setMiss(true);
    if (!chosen.some((c) => c.id === p.id)) onChange([...chosen, p]);
    setText("");
    setMiss(false);
  }
  return (
    <div>
      <label htmlFor={inputId} className="mb-1 block text-sm font-medium text-slate-700">
        {label}
      </label>
      <ul className="mb-2 flex flex-wrap gap-1.5" aria-label={label}>
        {chosen.map((c) => (
          <li
            key={c.id}
            className="flex items-center gap-1 rounded-full bg-slate-100 py-0.5 pr-1 pl-2.5 text-sm"
          >
            {c.name}
            <button
              type="button"
              onClick={() => onChange(chosen.filter((x) => x.id !== c.id))}
              className="rounded-full px-1.5 text-slate-500 hover:bg-slate-200 hover:text-slate-800"
              aria-label={`Remove ${c.name} from ${label.toLowerCase()}`}
            >
              ×
            </button>
          </li>
        ))}
        {!chosen.length && <li className="text-sm text-slate-500">Nobody yet.</li>}
      </ul>
      <div className="flex gap-2">
        <input
          id={inputId}
          list={listId}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setMiss(false);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              add();
            }
          }}
          placeholder="Type a name or email"
          className={inputClass}
          autoComplete="off"
        />
        <datalist id={listId}>
          {people.map((p) => (
            <option key={p.id} value={memberPickerLabel(p)} />
          ))}
        </datalist>
        <button type="button" onClick={add} className={secondaryButtonClass}>
          Add
        </button>
      </div>
      {miss && (
        <p className="mt-1 text-xs text-red-700">
          Nobody active by that name or email: pick from the suggestions.
        </p>
      )}
    </div>
  );
}

export function GroupEditor({
  group,
  people,
  onClose,
}: {
  group: GroupRow;
  people: Person[];
  onClose: () => void;
}) {
  const save = useSaveChanges();
  const del = usePeopleMutation();
  const [name, setName] = useState(group.name);
  const [costCenter, setCostCenter] = useState(group.costCenter);
  const [members, setMembers] = useState(group.members);
  const [managers, setManagers] = useState(group.managers);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const ids = (people: Chosen[]) => people.map((p) => p.id);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = {};
    if (name !== group.name) body.name = name;
    if (costCenter !== group.costCenter) body.costCenter = costCenter;
    putDiff(body, "MemberIds", ids(group.members), ids(members));
    putDiff(body, "ManagerIds", ids(group.managers), ids(managers));
    await save.saveChanges(`/api/groups/${group.id}`, body);
  }
  const empty = group.members.length === 0 && group.managers.length === 0 && group.limits === 0;
  return (
    <div className="space-y-5" data-testid="group-editor">
      {group.source !== "allotment" && (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          This group comes from {group.source}: its next directory sync may change its members
          again.
        </p>
      )}
      <ChangeForm
        label={`Change group ${group.name}`}
        onSubmit={submit}
        save={save}
        fields={["name", "costCenter", "addMemberIds", "addManagerIds"]}
        savedTestId="group-saved"
        onClose={onClose}
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            id="edit-group-name"
            label="Name"
            value={name}
            onChange={setName}
            field="name"
          />
          <CostCenterField
            id="edit-group-cost-center"
            value={costCenter}
            onChange={setCostCenter}
            editing
          />
        </div>
        <div className="grid gap-4 lg:grid-cols-2">
          <Field field="addMemberIds">
            <PersonPicker
              label="Members"
              inputId="edit-group-members"
              people={people}
              chosen={members}
              onChange={setMembers}
            />
          </Field>
          <Field field="addManagerIds">
            <PersonPicker
              label="Managers"
              inputId="edit-group-managers"
              people={peopleOnly(people)}
              chosen={managers}
              onChange={setManagers}
            />
          </Field>
        </div>
      </ChangeForm>
      <div className="border-t border-slate-200 pt-4">
        <h3 className="text-sm font-medium text-slate-800">Delete group</h3>
        {empty ? (
          confirmDelete ? (
            <div className="mt-2 flex flex-wrap items-center gap-2">
              <span className="text-sm text-slate-700">
                Delete {group.name}? Its history stays in the audit log.
              </span>
              <button
                type="button"
                className={dangerButtonClass}
                disabled={del.pending}
                onClick={async () =>
                  (await del.run(`/api/groups/${group.id}`, "DELETE")) && onClose()
                }
              >
                Yes, delete
              </button>
              <button
                type="button"
                className={secondaryButtonClass}
                onClick={() => setConfirmDelete(false)}
              >
                Keep it
              </button>
            </div>
          ) : (
            <button
              type="button"
              className={`mt-2 ${dangerButtonClass}`}
              onClick={() => setConfirmDelete(true)}
            >
              Delete…
            </button>
          )
        ) : (
          <p className="mt-1 text-sm text-slate-500">
            Only an empty group can be deleted: remove its members, managers and limits first.
          </p>
        )}
        <FormError error={del.error} fields={[]} />
      </div>
    </div>
  );
}
