/**
 * Who a gateway is asking about: an email, a provider user id or an API key id, looked up
 * in the workspace's members and their provider identities. null = unknown person.
 */
import "server-only";
import type { Db } from "../db";

export async function findMemberByHandle(db: Db, workspaceId: string, handle: string): Promise<{ id: string; email: string } | null> {
  const value = handle.trim();
  if (value.includes("@")) {
    const byEmail = await db.member.findFirst({ where: { workspaceId, email: value.toLowerCase(), active: true }, select: { id: true, email: true } });
    if (byEmail) return byEmail;
  }
  const identity = await db.memberIdentity.findFirst({ where: { workspaceId, externalId: value }, select: { member: { select: { id: true, email: true, active: true } } } });
  return identity && identity.member.active ? { id: identity.member.id, email: identity.member.email } : null;
}
