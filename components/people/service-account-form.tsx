"use client";

import { useState } from "react";

import { identityKindLabel } from "@/lib/people/automation";
import type { MemberRow } from "@/lib/people/members";

import { GroupPicker, toggled } from "./group-picker";
import {
  AddForm,
  CostCenterField,
  Field,
  FieldError,
  inputClass,
  TextField,
  usePeopleMutation,
  type MutationError,
} from "./use-mutation";

type Named = { id: string; name: string };

/**
 * The person a service account belongs to, from the workspace's active people. Its current
 * owner, when there is one, stays listed even once deactivated; without one the select asks
 * for a person first.
 */
export function OwnerField({
  id,
  label,
  value,
  onChange,
  people,
  current,
  error,
  errorId,
  hint,
}: {
  id: string;
  label: React.ReactNode;
  value: string;
  onChange: (ownerId: string) => void;
  people: Named[];
  current?: Named | null;
  error?: MutationError | null;
  errorId?: string;
  hint?: string;
}) {
  return (
    <Field id={id} label={label} error={error} field="ownerId" errorId={errorId} hint={hint}>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className={inputClass}
        aria-describedby={errorId}
      >
        {!current && <option value="">Choose a person…</option>}
        {current && !people.some((p) => p.id === current.id) && (
          <option value={current.id}>{current.name} (deactivated)</option>
        )}
        {people.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** An API key, a provider's service account or a project with spend and no member yet. */
export interface AutomationKey {
  identityProvider: string;
  identityKey: string;
  kind: string;
  externalId: string;
  /** its unattributed spend, formatted */
  cost: string;
  lastDay: string;
}

export const keyId = (k: { identityProvider: string; identityKey: string }) =>
  `${k.identityProvider}|${k.identityKey}`;

/** Names automation: a service account with an owner, and the keys that spend as it. */
export function AddServiceAccountForm({
  groups,
  people,
  keys,
  preselected,
  onDone,
}: {
  groups: Named[];
  /** who may own it: the workspace's active people */
  people: Named[];
  keys: AutomationKey[];
  /** a key chosen on Connections ("Name as service account") */
  preselected: string | null;
  onDone: () => void;
}) {
  const mutation = usePeopleMutation();
  const first = keys.find((k) => keyId(k) === preselected);
  const [name, setName] = useState("");
  const [ownerId, setOwnerId] = useState("");
  const [costCenter, setCostCenter] = useState("");
  const [chosenGroups, setChosenGroups] = useState(new Set<string>());
  // the chosen key and its twins under the other providers (one key id reported by two APIs)
  const [chosen, setChosen] = useState(
    new Set(keys.filter((k) => first && k.externalId === first.externalId).map(keyId)),
  );
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const added = await mutation.run<MemberRow>("/api/members/service-accounts", "POST", {
      name,
      ownerId,
      costCenter,
      groupIds: [...chosenGroups],
      identities: keys
        .filter((k) => chosen.has(keyId(k)))
        .map((k) => ({ identityProvider: k.identityProvider, identityKey: k.identityKey })),
    });
    if (added) onDone();
  }
  return (
    <AddForm
      label="Add a service account"
      testId="add-service-form"
      onSubmit={submit}
      mutation={mutation}
      fields={["name", "ownerId", "costCenter", "identities", "groupIds"]}
      submit="Add service account"
      pendingText="Adding…"
      onClose={onDone}
    >
      <p className="text-sm text-slate-600">
        A service account is automation — a CI pipeline, a bot, an evaluation job — named and owned
        by a person. Its keys&apos; spend shows under its name in Usage and top spenders, and limits
        and the budget check take it as they take a person. It never signs in.
      </p>
      <div className="grid gap-4 sm:grid-cols-3">
        <TextField
          id="svc-name"
          label="Name"
          value={name}
          onChange={setName}
          field="name"
          errorId="svc-name-error"
          placeholder="e.g. CI pipeline"
          autoComplete="off"
        />
        <OwnerField
          id="svc-owner"
          label={
            <>
              Owner <span className="font-normal text-slate-500">(the person responsible)</span>
            </>
          }
          value={ownerId}
          onChange={setOwnerId}
          people={people}
          errorId="svc-owner-error"
        />
        <CostCenterField id="svc-cost-center" value={costCenter} onChange={setCostCenter} />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <fieldset className="min-w-0" data-testid="svc-keys">
          <legend className="mb-1 text-sm font-medium text-slate-700">
            Keys and projects{" "}
            <span className="font-normal text-slate-500">({chosen.size} chosen)</span>
          </legend>
          <div className="max-h-48 overflow-y-auto rounded-md border border-slate-200 p-2">
            {keys.length === 0 && (
              <p className="text-sm text-slate-500">
                Every API key and project with spend belongs to someone already. You can add the
                account now and its keys later from Connections.
              </p>
            )}
            {keys.map((k) => (
              <label key={keyId(k)} className="flex items-start gap-2 py-0.5 text-sm">
                <input
                  type="checkbox"
                  className="mt-1"
                  checked={chosen.has(keyId(k))}
                  onChange={(e) => setChosen(toggled(chosen, keyId(k), e.target.checked))}
                />
                <span className="min-w-0">
                  <span className="text-slate-600">{identityKindLabel(k.kind)}</span>{" "}
                  <code className="text-xs break-all">{k.externalId}</code>
                  <span className="block text-xs text-slate-500">
                    {k.identityProvider} · {k.cost} unattributed · last seen {k.lastDay}
                  </span>
                </span>
              </label>
            ))}
          </div>
          <FieldError field="identities" />
        </fieldset>
        <Field field="groupIds">
          <GroupPicker
            label="Groups"
            groups={groups}
            chosen={chosenGroups}
            onChange={setChosenGroups}
            testId="svc-groups"
          />
        </Field>
      </div>
    </AddForm>
  );
}
