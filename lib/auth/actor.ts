/**
 * The signed-in person as the server sees them on this request: reloaded from the
 * database every time, so a changed role or a removed member takes effect at once.
 */
import type { AuditActor } from "../audit/audit";
import type { Db } from "../server/db";
import type { Role } from "./permissions";

export interface Actor {
  memberId: string;
  workspaceId: string;
  workspaceSlug: string;
  workspaceName: string;
  email: string;
  name: string;
  role: Role;
  managedGroupIds: string[];
}

export async function loadActor(db: Db, memberId: string): Promise<Actor | null> {
  const member = await db.member.findUnique({
    where: { id: memberId },
    include: {
      workspace: { select: { slug: true, name: true } },
      managedGroups: { select: { groupId: true, group: { select: { workspaceId: true } } } },
    },
  });
  // a service account (automation, lib/people/service-accounts.ts) is nobody who signs in
  if (!member || !member.active || member.kind === "SERVICE") return null;
  return {
    memberId: member.id,
    workspaceId: member.workspaceId,
    workspaceSlug: member.workspace.slug,
    workspaceName: member.workspace.name,
    email: member.email,
    name: member.name,
    role: member.role,
    // a manager row pointing at another workspace's group grants nothing here
    managedGroupIds: member.managedGroups
      .filter((g) => g.group.workspaceId === member.workspaceId)
      .map((g) => g.groupId),
  };
}

export function auditActor(actor: Actor): AuditActor {
  return { memberId: actor.memberId, label: actor.email };
}
