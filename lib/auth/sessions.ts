/**
 * Server-side sessions. The session cookie is a signed JWT (next-auth); it carries the id of an
 * AuthSession row made at sign-in. Every request checks that row, so signing out (or an owner
 * ending someone's sessions) takes effect on the server at once instead of at the cookie's
 * expiry. Lifetimes stay next-auth's (the JWT's exp, in real time); the row only says
 * "not revoked".
 */
import { randomUUID } from "node:crypto";

import type { Db, Tx } from "../server/db";

export async function startSession(
  db: Db,
  member: { id: string; workspaceId: string },
  maxAgeSeconds: number,
  at = new Date(),
): Promise<string> {
  const id = randomUUID();
  // rows past their expiry are of no use to anyone: drop a few on each sign-in
  await db.authSession.deleteMany({
    where: { expiresAt: { lt: new Date(at.getTime() - 86_400_000) } },
  });
  await db.authSession.create({
    data: {
      id,
      memberId: member.id,
      workspaceId: member.workspaceId,
      createdAt: at,
      expiresAt: new Date(at.getTime() + maxAgeSeconds * 1000),
    },
  });
  return id;
}

/** True when the session exists for this member and was not revoked. */
export async function isSessionLive(db: Db, sessionId: string, memberId: string): Promise<boolean> {
  const s = await db.authSession.findUnique({
    where: { id: sessionId },
    select: { memberId: true, revokedAt: true },
  });
  return s !== null && s.revokedAt === null && s.memberId === memberId;
}

export async function revokeSession(db: Db, sessionId: string, at = new Date()): Promise<void> {
  await db.authSession.updateMany({
    where: { id: sessionId, revokedAt: null },
    data: { revokedAt: at },
  });
}

/** Ends every session of a member (deactivation, role removal); use inside the change's transaction. */
export async function revokeMemberSessions(
  db: Db | Tx,
  memberId: string,
  at = new Date(),
): Promise<number> {
  return (
    await db.authSession.updateMany({
      where: { memberId, revokedAt: null },
      data: { revokedAt: at },
    })
  ).count;
}
