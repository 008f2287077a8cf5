/**
 * Whose spend a query may read, decided on the server from the actor: the whole
 * workspace, the members of the groups they manage, or only themselves. Every analytics
 * query takes a SpendScope; none takes a workspace id from the request.
 */
import type { Actor } from "../auth/actor";
import { spendScopeOf } from "../auth/permissions";
import type { Db } from "../db";

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

export async function spendScopeFor(db: Db, actor: Actor): Promise<SpendScope> {
  const kind = spendScopeOf(actor);
  const base = {
    workspaceId: actor.workspaceId,
    managedGroupIds: actor.managedGroupIds,
    selfMemberId: actor.memberId,
  };
  if (kind === "workspace") return { ...base, kind, memberIds: null, label: actor.workspaceName };
  if (kind === "groups") {
    const [rows, groups] = await Promise.all([
      db.groupMember.findMany({
        where: { groupId: { in: actor.managedGroupIds } },
        select: { memberId: true },
      }),
      db.group.findMany({
        where: { id: { in: actor.managedGroupIds }, workspaceId: actor.workspaceId },
        select: { name: true },
        orderBy: { name: "asc" },
      }),
    ]);
    const ids = new Set(rows.map((r) => r.memberId));
    ids.add(actor.memberId);
    return { ...base, kind, memberIds: [...ids], label: groups.map((g) => g.name).join(", ") };
  }
  return { ...base, kind, memberIds: [actor.memberId], label: actor.name };
}

/** Can this scope see this member's spend? (404 otherwise, never 403: no existence leak.) */
export function scopeIncludesMember(scope: SpendScope, memberId: string): boolean {
  return scope.memberIds === null || scope.memberIds.includes(memberId);
}

/** Can this scope open a group's page? The workspace sees all groups, a manager their own. */
export function scopeIncludesGroup(scope: SpendScope, groupId: string): boolean {
  if (scope.kind === "workspace") return true;
  return scope.kind === "groups" && (scope.managedGroupIds ?? []).includes(groupId);
}
