/**
 * Who a signed-in person may see and decide for, always inside their workspace: the whole
 * workspace, the members of the groups they manage, or only themselves. Every page, request
 * queue, analytics query and export asks here; none takes a workspace id from the request,
 * and none writes its own "members of the groups I manage" query.
 */
import type { Db, Tx } from "../server/db";
import type { Actor } from "./actor";
import { spendScopeOf } from "./permissions";

export interface SpendScope {
  workspaceId: string;
  kind: "workspace" | "groups" | "self";
  /** null = everyone, including unattributed usage */
  memberIds: string[] | null;
  label: string;
  /** the groups a manager manages (pages of other groups answer 404) */
  managedGroupIds?: string[];
  /** the signed-in member, for "My usage" */
  selfMemberId?: string;
}

/** A manager as the scope questions need them: their workspace and the groups they manage. */
export type Manager = Pick<Actor, "workspaceId" | "managedGroupIds">;

/**
 * The ids of the members of the groups a manager manages: the groups and the members both in
 * the manager's workspace (a membership row pointing across workspaces counts for nothing).
 */
export async function membersOfManagedGroups(db: Db | Tx, manager: Manager): Promise<string[]> {
  if (!manager.managedGroupIds.length) return [];
  const rows = await db.groupMember.findMany({
    where: managedMembership(manager),
    select: { memberId: true },
  });
  return [...new Set(rows.map((r) => r.memberId))];
}

/** Whether a member is in a group the manager manages, in the manager's workspace. */
export async function managesMember(
  db: Db | Tx,
  manager: Manager,
  memberId: string,
): Promise<boolean> {
  if (!manager.managedGroupIds.length) return false;
  return (await db.groupMember.count({ where: { ...managedMembership(manager), memberId } })) > 0;
}

function managedMembership(manager: Manager) {
  return {
    groupId: { in: [...manager.managedGroupIds] },
    group: { workspaceId: manager.workspaceId },
    member: { workspaceId: manager.workspaceId },
  };
}

/** A member filter (Prisma `where`): the workspace's members in a group the manager manages. */
export function managedMembersWhere(manager: Manager) {
  return {
    workspaceId: manager.workspaceId,
    groups: { some: { groupId: { in: [...manager.managedGroupIds] } } },
  };
}

/**
 * A group filter (Prisma `where`): every group of the workspace when `everyone` (the caller's
 * permission for its screen says so), else the groups the manager manages.
 */
export function visibleGroupsWhere(manager: Manager, everyone: boolean) {
  return {
    workspaceId: manager.workspaceId,
    ...(everyone ? {} : { id: { in: [...manager.managedGroupIds] } }),
  };
}

export async function spendScopeFor(db: Db, actor: Actor): Promise<SpendScope> {
  const kind = spendScopeOf(actor);
  const base = {
    workspaceId: actor.workspaceId,
    managedGroupIds: actor.managedGroupIds,
    selfMemberId: actor.memberId,
  };
  if (kind === "workspace") return { ...base, kind, memberIds: null, label: actor.workspaceName };
  if (kind === "groups") {
    const [members, groups] = await Promise.all([
      membersOfManagedGroups(db, actor),
      db.group.findMany({
        where: visibleGroupsWhere(actor, false),
        select: { name: true },
        orderBy: { name: "asc" },
      }),
    ]);
    const ids = new Set(members);
    ids.add(actor.memberId);
    return { ...base, kind, memberIds: [...ids], label: groups.map((g) => g.name).join(", ") };
  }
  return { ...base, kind, memberIds: [actor.memberId], label: actor.name };
}

/** Can this scope see this member's spend? (404 otherwise, never 403: no existence leak.) */
export function scopeIncludesMember(scope: SpendScope, memberId: string): boolean {
  return scope.memberIds === null || scope.memberIds.includes(memberId);
}

/** The groups a scope may open: null = every group of its workspace; a manager their own; a person none. */
export function scopeGroupIds(scope: SpendScope): string[] | null {
  if (scope.kind === "workspace") return null;
  return scope.kind === "groups" ? (scope.managedGroupIds ?? []) : [];
}

/** Can this scope open a group's page? The workspace sees all groups, a manager their own. */
export function scopeIncludesGroup(scope: SpendScope, groupId: string): boolean {
  const ids = scopeGroupIds(scope);
  return ids === null || ids.includes(groupId);
}

/** The groups a scope may open, as a group filter (Prisma `where`), always in its workspace. */
export function scopeGroupsWhere(scope: SpendScope) {
  const ids = scopeGroupIds(scope);
  return { workspaceId: scope.workspaceId, ...(ids === null ? {} : { id: { in: ids } }) };
}
