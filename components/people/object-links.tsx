import { Link } from "@/components/ui/link";

import { RoleBadge, ServiceBadge, StatusBadge } from "./role-badge";

/** The member page's line under its title: status and role, and where to manage them and read their history. */
export function MemberHeaderLinks({
  id,
  role,
  active,
  canManage,
  canReadAudit,
  owner,
}: {
  id: string;
  role: string;
  active: boolean;
  canManage: boolean;
  canReadAudit: boolean;
  /** a service account's owner (undefined for a person) */
  owner?: { id: string; name: string } | null;
}) {
  return (
    <div
      className="-mt-4 mb-2 flex flex-wrap items-center gap-3 text-sm"
      data-testid="member-header"
    >
      <StatusBadge active={active} />
      {owner === undefined ? <RoleBadge role={role} /> : <ServiceBadge />}
      {owner !== undefined && (
        <span className="text-slate-700" data-testid="service-owner">
          Owner:{" "}
          {owner ? (
            <Link
              href={`/members/${owner.id}`}
              className="font-medium text-brand-700 hover:underline"
            >
              {owner.name}
            </Link>
          ) : (
            <span className="text-slate-500">nobody (choose one under Manage)</span>
          )}
        </span>
      )}
      {canManage && (
        <Link
          href={`/members?member=${id}&status=all`}
          className="font-medium text-brand-700 hover:underline"
        >
          Manage
        </Link>
      )}
      {canReadAudit && (
        <Link
          href={`/audit?type=Member&target=${id}`}
          className="font-medium text-brand-700 hover:underline"
        >
          History
        </Link>
      )}
    </div>
  );
}

/** The group page's line under its title. */
export function GroupHeaderLinks({
  id,
  canManage,
  canReadAudit,
}: {
  id: string;
  canManage: boolean;
  canReadAudit: boolean;
}) {
  if (!canManage && !canReadAudit) return null;
  return (
    <div
      className="-mt-4 mb-2 flex flex-wrap items-center gap-3 text-sm"
      data-testid="group-header"
    >
      {canManage && (
        <Link href={`/groups?group=${id}`} className="font-medium text-brand-700 hover:underline">
          Manage
        </Link>
      )}
      {canReadAudit && (
        <Link
          href={`/audit?type=Group&target=${id}`}
          className="font-medium text-brand-700 hover:underline"
        >
          History
        </Link>
      )}
    </div>
  );
}
