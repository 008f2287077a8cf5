"use client";

import { useState } from "react";

import { OutcomeMessage } from "@/components/ui/outcome-message";
import type { MemberRow } from "@/lib/people/members";

import { GroupPicker, putDiff } from "./group-picker";
import { ROLE_LABELS } from "./role-badge";
import { OwnerField } from "./service-account-form";
import {
  AddForm,
  buttonClass,
  ChangeForm,
  CostCenterField,
  dangerButtonClass,
  Field,
  FieldError,
  FormError,
  inputClass,
  secondaryButtonClass,
  TextField,
  usePeopleMutation,
  useSaveChanges,
  type MutationError,
} from "./use-mutation";

type Group = { id: string; name: string };
const ROLES = ["MEMBER", "FINANCE", "ADMIN", "OWNER"] as const;

/** A person's role; an owner's role is for owners only. */
function RoleField({
  id,
  value,
  onChange,
  isOwner,
  error,
  disabled,
  hint,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  isOwner: boolean;
  error?: MutationError | null;
  disabled?: boolean;
  hint?: string;
}) {
  return (
    <Field id={id} label="Role" error={error} field="role" hint={hint}>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={disabled}
        className={inputClass}
      >
        {ROLES.map((r) => (
          <option key={r} value={r} disabled={r === "OWNER" && !isOwner}>
            {ROLE_LABELS[r]}
            {r === "OWNER" && !isOwner ? " (owners only)" : ""}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function AddMemberForm({
  groups,
  isOwner,
  onDone,
}: {
  groups: Group[];
  isOwner: boolean;
  onDone: () => void;
}) {
  const mutation = usePeopleMutation();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState("MEMBER");
  const [costCenter, setCostCenter] = useState("");
  const [chosen, setChosen] = useState(new Set<string>());
  const [manages, setManages] = useState(new Set<string>());
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const added = await mutation.run<MemberRow>("/api/members", "POST", {
      email,
      name,
      role,
      costCenter,
      groupIds: [...chosen],
      managedGroupIds: [...manages],
    });
    if (added) onDone();
  }
  return (
    <AddForm
      label="Add a member"
      testId="add-member-form"
      onSubmit={submit}
      mutation={mutation}
      fields={["email", "name", "role", "costCenter", "groupIds", "managedGroupIds"]}
      submit="Add member"
      pendingText="Adding…"
      onClose={onDone}
    >
      <p className="text-sm text-slate-600">
        They sign in with single sign-on (or the demo sign-in) using this email address; nothing is
        sent to them.
      </p>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          id="add-email"
          label="Email"
          type="email"
          value={email}
          onChange={setEmail}
          field="email"
          errorId="add-email-error"
          autoComplete="off"
        />
        <TextField
          id="add-name"
          label="Name"
          value={name}
          onChange={setName}
          field="name"
          errorId="add-name-error"
          autoComplete="off"
        />
        <RoleField id="add-role" value={role} onChange={setRole} isOwner={isOwner} />
        <CostCenterField id="add-cost-center" value={costCenter} onChange={setCostCenter} />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field field="groupIds">
          <GroupPicker
            label="Groups"
            groups={groups}
            chosen={chosen}
            onChange={setChosen}
            testId="add-groups"
          />
        </Field>
        <Field field="managedGroupIds">
          <GroupPicker
            label="Manages"
            groups={groups}
            chosen={manages}
            onChange={setManages}
            testId="add-manages"
          />
        </Field>
      </div>
    </AddForm>
  );
}

export function MemberEditor({
  member,
  groups,
  people = [],
  isOwner,
  self,
  onClose,
}: {
  member: MemberRow;
  groups: Group[];
  /** who may own a service account: the workspace's active people */
  people?: Group[];
  isOwner: boolean;
  self: boolean;
  onClose: () => void;
}) {
  const service = member.kind === "SERVICE";
  const [ownerId, setOwnerId] = useState(member.owner?.id ?? "");
  const save = useSaveChanges();
  const status = usePeopleMutation();
  const [name, setName] = useState(member.name);
  const [role, setRole] = useState<string>(member.role);
  const [costCenter, setCostCenter] = useState(member.costCenter ?? "");
  const [chosen, setChosen] = useState(new Set(member.groups.map((g) => g.id)));
  const [manages, setManages] = useState(new Set(member.manages.map((g) => g.id)));
  const [reason, setReason] = useState("");
  const [confirming, setConfirming] = useState(false);
  const ownerLocked = member.role === "OWNER" && !isOwner;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = {};
    if (name !== member.name) body.name = name;
    if (role !== member.role) body.role = role;
    if (service && ownerId && ownerId !== (member.owner?.id ?? "")) body.ownerId = ownerId;
    if (costCenter !== (member.costCenter ?? "")) body.costCenter = costCenter;
    putDiff(
      body,
      "GroupIds",
      member.groups.map((x) => x.id),
      chosen,
    );
    putDiff(
      body,
      "ManagedGroupIds",
      member.manages.map((x) => x.id),
      manages,
    );
    await save.saveChanges(`/api/members/${member.id}`, body);
  }

  async function deactivate() {
    const r = await status.run<{
      sessionsEnded: number;
      overridesEnded: string[];
      requestsWithdrawn: number[];
    }>(`/api/members/${member.id}/deactivate`, "POST", reason ? { reason } : {});
    if (r) {
      setConfirming(false);
      save.say(
        `Deactivated: ${r.sessionsEnded} ${r.sessionsEnded === 1 ? "session" : "sessions"} ended, ${r.overridesEnded.length} ${r.overridesEnded.length === 1 ? "override" : "overrides"} ended, ${r.requestsWithdrawn.length} pending ${r.requestsWithdrawn.length === 1 ? "request" : "requests"} withdrawn.`,
      );
    }
  }

  if (!member.active) {
    return (
      <div className="space-y-3" data-testid="member-editor">
        <p className="text-sm text-slate-700">
          {member.name} is deactivated: they cannot sign in, the budget check treats them as a
          non-member, and they are in no queue. Reactivating lets them sign in again; overrides that
          were ended stay ended.
        </p>
        <OutcomeMessage outcome={save.saved} />
        <FormError error={status.error} fields={[]} />
        <div className="flex gap-2">
          <button
            type="button"
            className={buttonClass}
            disabled={status.pending || ownerLocked}
            onClick={() => status.run(`/api/members/${member.id}/reactivate`, "POST")}
          >
            Reactivate {member.name}
          </button>
          <button type="button" onClick={onClose} className={secondaryButtonClass}>
            Close
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="space-y-5" data-testid="member-editor">
      <ChangeForm
        label={`Change ${member.name}`}
        onSubmit={submit}
        save={save}
        fields={["name", "role", "ownerId", "costCenter", "addGroupIds", "addManagedGroupIds"]}
        savedTestId="member-saved"
        onClose={onClose}
      >
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField id="edit-name" label="Name" value={name} onChange={setName} field="name" />
          {service ? (
            <OwnerField
              id="edit-owner"
              label="Owner"
              value={ownerId}
              onChange={setOwnerId}
              people={people}
              current={member.owner}
              hint="A service account has no role: it never signs in."
            />
          ) : (
            <RoleField
              id="edit-role"
              value={role}
              onChange={setRole}
              isOwner={isOwner}
              disabled={ownerLocked}
              hint={ownerLocked ? "Only an owner can change an owner's role." : undefined}
            />
          )}
          <CostCenterField
            id="edit-cost-center"
            value={costCenter}
            onChange={setCostCenter}
            editing
          />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field field="addGroupIds">
            <GroupPicker
              label="Groups"
              groups={groups}
              chosen={chosen}
              onChange={setChosen}
              testId="edit-groups"
            />
          </Field>
          {!service && (
            <Field field="addManagedGroupIds">
              <GroupPicker
                label="Manages"
                groups={groups}
                chosen={manages}
                onChange={setManages}
                testId="edit-manages"
              />
            </Field>
          )}
        </div>
      </ChangeForm>
      {!self && (
        <div className="border-t border-slate-200 pt-4">
          <h3 className="text-sm font-medium text-slate-800">Deactivate</h3>
          <p className="mt-1 text-sm text-slate-600">
            {service
              ? "Ends its overrides as of today (kept in the history); the budget check then answers for its keys as for an unknown key."
              : "Ends their sessions now, ends their individual overrides and grants as of today (kept in the history), withdraws their pending credit requests and stops them signing in."}
          </p>
          {ownerLocked ? (
            <p className="mt-2 text-sm text-slate-500">Only an owner can deactivate an owner.</p>
          ) : confirming ? (
            <div className="mt-3 space-y-2 rounded-md border border-red-200 bg-red-50 p-3">
              <label htmlFor="deactivate-reason" className="block text-sm font-medium text-red-900">
                Reason <span className="font-normal">(optional, kept in the audit log)</span>
              </label>
              <input
                id="deactivate-reason"
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                className={inputClass}
                placeholder="e.g. left the company"
              />
              <FieldError error={status.error} field="reason" />
              <FormError error={status.error} fields={["reason"]} />
              <div className="flex gap-2">
                <button
                  type="button"
                  className={dangerButtonClass}
                  disabled={status.pending}
                  onClick={deactivate}
                >
                  {status.pending ? "Deactivating…" : `Yes, deactivate ${member.name}`}
                </button>
                <button
                  type="button"
                  className={secondaryButtonClass}
                  onClick={() => setConfirming(false)}
                >
                  Keep them
                </button>
              </div>
            </div>
          ) : (
            <button
              type="button"
              className={`mt-3 ${dangerButtonClass}`}
              onClick={() => setConfirming(true)}
            >
              Deactivate…
            </button>
          )}
        </div>
      )}
    </div>
  );
}
