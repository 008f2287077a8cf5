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
}

export async function spendScopeFor(db: Db, actor: Actor): Promise<SpendScope> {
  const kind = spendScopeOf(actor);
  if (kind === "workspace") return { workspaceId: actor.workspaceId, kind, memberIds: null, label: actor.workspaceName };
  if (kind === "groups") {
    const [rows, groups] = await Promise.all([
      db.groupMember.findMany({ where: { groupId: { in: actor.managedGroupIds } }, select: { memberId: true } }),
      db.group.findMany({ where: { id: { in: actor.managedGroupIds }, workspaceId: actor.workspaceId }, select: { name: true }, orderBy: { name: "asc" } }),
    ]);
    const ids = new Set(rows.map((r) => r.memberId));
    ids.add(actor.memberId);
    return { workspaceId: actor.workspaceId, kind, memberIds: [...ids], label: groups.map((g) => g.name).join(", ") };
  }
  return { workspaceId: actor.workspaceId, kind, memberIds: [actor.memberId], label: actor.name };
}

/** Can this scope see this member's spend? (404 otherwise, never 403: no existence leak.) */
export function scopeIncludesMember(scope: SpendScope, memberId: string): boolean {
  return scope.memberIds === null || scope.memberIds.includes(memberId);
}
