const TONES: Record<string, string> = {
  OWNER: "bg-violet-50 text-violet-800 ring-violet-200",
  ADMIN: "bg-sky-50 text-sky-800 ring-sky-200",
  FINANCE: "bg-amber-50 text-amber-800 ring-amber-200",
  MEMBER: "bg-slate-50 text-slate-700 ring-slate-200",
};

export const ROLE_LABELS: Record<string, string> = {
  OWNER: "Owner",
  ADMIN: "Admin",
  FINANCE: "Finance",
  MEMBER: "Member",
};

export function RoleBadge({ role }: { role: string }) {
  return (
    <span
      className={`inline-block rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ${TONES[role] ?? TONES.MEMBER}`}
    >
      {ROLE_LABELS[role] ?? role}
    </span>
  );
}

/** In place of a role: a service account never signs in (lib/people/service-accounts.ts). */
export function ServiceBadge() {
  return (
    <span className="inline-block rounded bg-teal-50 px-1.5 py-0.5 text-xs font-medium whitespace-nowrap text-teal-800 ring-1 ring-teal-200">
      Service account
    </span>
  );
}

export function StatusBadge({ active }: { active: boolean }) {
  return active ? (
    <span className="inline-block rounded bg-emerald-50 px-1.5 py-0.5 text-xs font-medium whitespace-nowrap text-emerald-800 ring-1 ring-emerald-200">
      Active
    </span>
  ) : (
    <span className="inline-block rounded bg-red-50 px-1.5 py-0.5 text-xs font-medium whitespace-nowrap text-red-700 ring-1 ring-red-200">
      Deactivated
    </span>
  );
}
