/**
 * Who a gateway is asking about: an email, a provider user id or an API key id, looked up
 * in the workspace's members and their provider identities. null = unknown person.
 */
import "server-only";

import type { Db } from "../server/db";

export interface FoundMember {
  id: string;
  email: string;
  groups: { id: string; name: string }[];
}

const SELECT = {
  id: true,
  email: true,
  active: true,
  groups: { select: { group: { select: { id: true, name: true } } } },
} as const;

/** The member (with their groups, fetched in the same call) or null for an unknown person. */
export async function findMemberByHandle(
  db: Db,
  workspaceId: string,
  handle: string,
): Promise<FoundMember | null> {
  const value = handle.trim();
  let found = value.includes("@")
    ? await db.member.findFirst({
        where: { workspaceId, email: value.toLowerCase() },
        select: SELECT,
      })
    : null;
  if (!found)
    found =
      (
        await db.memberIdentity.findFirst({
          where: { workspaceId, externalId: value },
          select: { member: { select: SELECT } },
        })
      )?.member ?? null;
  if (!found || !found.active) return null;
  return { id: found.id, email: found.email, groups: found.groups.map((g) => g.group) };
}
