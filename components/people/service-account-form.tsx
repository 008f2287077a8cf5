"use client";

import { useState } from "react";

import { identityKindLabel } from "@/lib/people/automation";
import type { MemberRow } from "@/lib/people/members";

import { GroupPicker } from "./group-picker";
import {
  CostCenterField,
  FieldError,
  FormActions,
  FormError,
  inputClass,
  TextField,
  usePeopleMutation,
} from "./use-mutation";

type Named = { id: string; name: string };

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
  const { run, pending, error } = usePeopleMutation();
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
    const added = await run<MemberRow>("/api/members/service-accounts", "POST", {
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
    <form
      onSubmit={submit}
      className="space-y-4"
      aria-label="Add a service account"
      data-testid="add-service-form"
      noValidate
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
          error={error}
          field="name"
          errorId="svc-name-error"
          placeholder="e.g. CI pipeline"
          autoComplete="off"
        />
        <div>
          <label htmlFor="svc-owner" className="mb-1 block text-sm font-medium text-slate-700">
            Owner <span className="font-normal text-slate-500">(the person responsible)</span>
          </label>
          <select
            id="svc-owner"
            value={ownerId}
            onChange={(e) => setOwnerId(e.target.value)}
            className={inputClass}
            aria-describedby="svc-owner-error"
          >
            <option value="">Choose a person…</option>
            {people.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <FieldError error={error} field="ownerId" id="svc-owner-error" />
        </div>
        <CostCenterField
          id="svc-cost-center"
          value={costCenter}
          onChange={setCostCenter}
          error={error}
        />
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
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.target.checked) next.add(keyId(k));
                    else next.delete(keyId(k));
                    setChosen(next);
                  }}
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
          <FieldError error={error} field="identities" />
        </fieldset>
        <div>
          <GroupPicker
            label="Groups"
            groups={groups}
            chosen={chosenGroups}
            onChange={setChosenGroups}
            testId="svc-groups"
          />
          <FieldError error={error} field="groupIds" />
        </div>
      </div>
      <FormError
        error={error}
        fields={["name", "ownerId", "costCenter", "identities", "groupIds"]}
      />
      <FormActions
        pending={pending}
        submit="Add service account"
        pendingText="Adding…"
        onClose={onDone}
      />
    </form>
  );
}
