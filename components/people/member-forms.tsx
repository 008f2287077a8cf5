"use client";

import { useState } from "react";

import type { MemberRow } from "@/lib/people/members";

import { GroupPicker, setDiff } from "./group-picker";
import { ROLE_LABELS } from "./role-badge";
import {
  buttonClass,
  CostCenterField,
  dangerButtonClass,
  FieldError,
  FormActions,
  FormError,
  inputClass,
  secondaryButtonClass,
  TextField,
  usePeopleMutation,
} from "./use-mutation";

type Group = { id: string; name: string };
const ROLES = ["MEMBER", "FINANCE", "ADMIN", "OWNER"] as const;

function RoleSelect({
  id,
  value,
  onChange,
  isOwner,
  disabled,
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  isOwner: boolean;
  disabled?: boolean;
}) {
  return (
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
  const { run, pending, error } = usePeopleMutation();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState("MEMBER");
  const [costCenter, setCostCenter] = useState("");
  const [chosen, setChosen] = useState(new Set<string>());
  const [manages, setManages] = useState(new Set<string>());
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const added = await run<MemberRow>("/api/members", "POST", {
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
    <form
      onSubmit={submit}
      className="space-y-4"
      aria-label="Add a member"
      data-testid="add-member-form"
      noValidate
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
          error={error}
          field="email"
          errorId="add-email-error"
          autoComplete="off"
        />
        <TextField
          id="add-name"
          label="Name"
          value={name}
          onChange={setName}
          error={error}
          field="name"
          errorId="add-name-error"
          autoComplete="off"
        />
        <div>
          <label htmlFor="add-role" className="mb-1 block text-sm font-medium text-slate-700">
            Role
          </label>
          <RoleSelect id="add-role" value={role} onChange={setRole} isOwner={isOwner} />
          <FieldError error={error} field="role" />
        </div>
        <CostCenterField
          id="add-cost-center"
          value={costCenter}
          onChange={setCostCenter}
          error={error}
        />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <GroupPicker
            label="Groups"
            groups={groups}
            chosen={chosen}
            onChange={setChosen}
            testId="add-groups"
          />
          <FieldError error={error} field="groupIds" />
        </div>
        <div>
          <GroupPicker
            label="Manages"
            groups={groups}
            chosen={manages}
            onChange={setManages}
            testId="add-manages"
          />
          <FieldError error={error} field="managedGroupIds" />
        </div>
      </div>
      <FormError
        error={error}
        fields={["email", "name", "role", "costCenter", "groupIds", "managedGroupIds"]}
      />
      <FormActions pending={pending} submit="Add member" pendingText="Adding…" onClose={onDone} />
    </form>
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
  const save = usePeopleMutation();
  const status = usePeopleMutation();
  const [name, setName] = useState(member.name);
  const [role, setRole] = useState<string>(member.role);
  const [costCenter, setCostCenter] = useState(member.costCenter ?? "");
  const [chosen, setChosen] = useState(new Set(member.groups.map((g) => g.id)));
  const [manages, setManages] = useState(new Set(member.manages.map((g) => g.id)));
  const [reason, setReason] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const ownerLocked = member.role === "OWNER" && !isOwner;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setSaved(null);
    const g = setDiff(
      member.groups.map((x) => x.id),
      chosen,
    );
    const m = setDiff(
      member.manages.map((x) => x.id),
      manages,
    );
    const body: Record<string, unknown> = {};
    if (name !== member.name) body.name = name;
    if (role !== member.role) body.role = role;
    if (service && ownerId && ownerId !== (member.owner?.id ?? "")) body.ownerId = ownerId;
    if (costCenter !== (member.costCenter ?? "")) body.costCenter = costCenter;
    if (g.add.length) body.addGroupIds = g.add;
    if (g.remove.length) body.removeGroupIds = g.remove;
    if (m.add.length) body.addManagedGroupIds = m.add;
    if (m.remove.length) body.removeManagedGroupIds = m.remove;
    if (!Object.keys(body).length) return setSaved("Nothing changed.");
    if (await save.run(`/api/members/${member.id}`, "PATCH", body)) setSaved("Saved.");
  }

  async function deactivate() {
    const r = await status.run<{
      sessionsEnded: number;
      overridesEnded: string[];
      requestsWithdrawn: number[];
    }>(`/api/members/${member.id}/deactivate`, "POST", reason ? { reason } : {});
    if (r) {
      setConfirming(false);
      setSaved(
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
        {saved && (
          <p className="text-sm text-emerald-700" role="status">
            {saved}
          </p>
        )}
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
      <form onSubmit={submit} className="space-y-4" aria-label={`Change ${member.name}`} noValidate>
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField
            id="edit-name"
            label="Name"
            value={name}
            onChange={setName}
            error={save.error}
            field="name"
          />
          {service ? (
            <div>
              <label htmlFor="edit-owner" className="mb-1 block text-sm font-medium text-slate-700">
                Owner
              </label>
              <select
                id="edit-owner"
                value={ownerId}
                onChange={(e) => setOwnerId(e.target.value)}
                className={inputClass}
              >
                {!member.owner && <option value="">Choose a person…</option>}
                {member.owner && !people.some((p) => p.id === member.owner!.id) && (
                  <option value={member.owner.id}>{member.owner.name} (deactivated)</option>
                )}
                {people.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
              <p className="mt-1 text-xs text-slate-500">
                A service account has no role: it never signs in.
              </p>
              <FieldError error={save.error} field="ownerId" />
            </div>
          ) : (
            <div>
              <label htmlFor="edit-role" className="mb-1 block text-sm font-medium text-slate-700">
                Role
              </label>
              <RoleSelect
                id="edit-role"
                value={role}
                onChange={setRole}
                isOwner={isOwner}
                disabled={ownerLocked}
              />
              {ownerLocked && (
                <p className="mt-1 text-xs text-slate-500">
                  Only an owner can change an owner&apos;s role.
                </p>
              )}
              <FieldError error={save.error} field="role" />
            </div>
          )}
          <TextField
            id="edit-cost-center"
            label="Cost center"
            value={costCenter}
            onChange={setCostCenter}
            error={save.error}
            field="costCenter"
            placeholder="none"
          />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <GroupPicker
              label="Groups"
              groups={groups}
              chosen={chosen}
              onChange={setChosen}
              testId="edit-groups"
            />
            <FieldError error={save.error} field="addGroupIds" />
          </div>
          {!service && (
            <div>
              <GroupPicker
                label="Manages"
                groups={groups}
                chosen={manages}
                onChange={setManages}
                testId="edit-manages"
              />
              <FieldError error={save.error} field="addManagedGroupIds" />
            </div>
          )}
        </div>
        <FormError
          error={save.error}
          fields={["name", "role", "ownerId", "costCenter", "addGroupIds", "addManagedGroupIds"]}
        />
        {saved && (
          <p className="text-sm text-emerald-700" role="status" data-testid="member-saved">
            {saved}
          </p>
        )}
        <FormActions
          pending={save.pending}
          submit="Save changes"
          pendingText="Saving…"
          onClose={onClose}
          closeText="Close"
          wrap
        />
      </form>
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
