/**
 * Group membership and management as sets of (group, member) pairs, changed from either side
 * (a member's groups, a group's members). Ids that are not the workspace's are refused by
 * name of the form field, never written; adding what is there or removing what is not is a
 * no-op, so a repeated click changes nothing and writes no event.
 */
import "server-only";

import { InvalidInputError } from "../core/errors";
import type { Tx } from "../server/db";

export interface Named {
  id: string;
  name: string;
}

export async function groupsOf(
  tx: Tx,
  workspaceId: string,
  ids: readonly string[],
  field: string,
): Promise<Named[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  const found = await tx.group.findMany({
    where: { workspaceId, id: { in: unique } },
    select: { id: true, name: true },
  });
  if (found.length !== unique.length)
    throw new InvalidInputError("A chosen group no longer exists: reload the page", field);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

export async function activeMembersOf(
  tx: Tx,
  workspaceId: string,
  ids: readonly string[],
  field: string,
): Promise<Named[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  const found = await tx.member.findMany({
    where: { workspaceId, id: { in: unique } },
    select: { id: true, name: true, active: true },
  });
  if (found.length !== unique.length)
    throw new InvalidInputError(
      "A chosen person is not a member of this workspace: reload the page",
      field,
    );
  const inactive = found.find((m) => !m.active);
  if (inactive)
    throw new InvalidInputError(`${inactive.name} is deactivated: reactivate them first`, field);
  return found.map(({ id, name }) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}

type Kind = "member" | "manager";

async function existing(
  tx: Tx,
  kind: Kind,
  pairs: { groupId: string; memberId: string }[],
): Promise<Set<string>> {
  if (!pairs.length) return new Set();
  const where = { OR: pairs.map((p) => ({ groupId: p.groupId, memberId: p.memberId })) };
  const rows =
    kind === "member"
      ? await tx.groupMember.findMany({ where, select: { groupId: true, memberId: true } })
      : await tx.groupManager.findMany({ where, select: { groupId: true, memberId: true } });
  return new Set(rows.map((r) => `${r.groupId}|${r.memberId}`));
}

/**
 * Adds the pairs that are missing; returns those it added. Only people manage groups: a
 * service account named as a manager is refused by the form's `field`.
 */
export async function addPairs(
  tx: Tx,
  kind: Kind,
  pairs: { groupId: string; memberId: string }[],
  field = "form",
): Promise<{ groupId: string; memberId: string }[]> {
  if (kind === "manager" && pairs.length) {
    const service = await tx.member.findFirst({
      where: { id: { in: [...new Set(pairs.map((p) => p.memberId))] }, kind: "SERVICE" },
      select: { name: true },
    });
    if (service)
      throw new InvalidInputError(
        `${service.name} is a service account: only people manage groups`,
        field,
      );
  }
  const have = await existing(tx, kind, pairs);
  const fresh = pairs.filter((p) => !have.has(`${p.groupId}|${p.memberId}`));
  if (!fresh.length) return [];
  if (kind === "member") await tx.groupMember.createMany({ data: fresh });
  else await tx.groupManager.createMany({ data: fresh });
  return fresh;
}

/** Removes the pairs that exist; returns those it removed. */
export async function removePairs(
  tx: Tx,
  kind: Kind,
  pairs: { groupId: string; memberId: string }[],
): Promise<{ groupId: string; memberId: string }[]> {
  const have = await existing(tx, kind, pairs);
  const gone = pairs.filter((p) => have.has(`${p.groupId}|${p.memberId}`));
  if (!gone.length) return [];
  const where = { OR: gone.map((p) => ({ groupId: p.groupId, memberId: p.memberId })) };
  if (kind === "member") await tx.groupMember.deleteMany({ where });
  else await tx.groupManager.deleteMany({ where });
  return gone;
}
