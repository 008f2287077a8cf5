import { GroupsIndex } from "@/components/groups/groups-index";
import { requirePage } from "@/lib/auth/guards";
import { can, screenPermissions } from "@/lib/auth/permissions";
import { listGroups } from "@/lib/people/groups";
import { shownEmail } from "@/lib/people/member-label";
import { db } from "@/lib/server/db";

export const metadata = { title: "Groups" };

/** Every group (a manager: theirs) with its cost center, people and managers; owners and admins change them here. */
export default async function GroupsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePage(screenPermissions("/groups"));
  const params = await searchParams;
  const canManage = can(actor, "groups:manage");
  const [groups, people] = await Promise.all([
    listGroups(db(), actor),
    canManage
      ? db()
          .member.findMany({
            where: { workspaceId: actor.workspaceId, active: true },
            select: { id: true, name: true, email: true, kind: true },
            orderBy: { name: "asc" },
            take: 5000,
          })
          // the pickers' people: a service account by its name, its address never sent
          .then((all) => all.map((p) => ({ ...p, email: shownEmail(p) })))
      : [],
  ]);
  const selectedId = typeof params.group === "string" ? params.group : null;
  return (
    <GroupsIndex
      groups={groups}
      people={people}
      canManage={canManage}
      canReadAudit={can(actor, "audit:read")}
      selected={groups.find((g) => g.id === selectedId) ?? null}
    />
  );
}
