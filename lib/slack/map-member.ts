/**
 * Who clicked: a Slack user id → an Allotment member. A stored link (MemberIdentity,
 * provider "slack", kind "slack_user") decides once it exists; the first click of a Slack
 * user is matched by the email on their Slack profile (users.info with the bot token) to an
 * active member of the workspace, and that link is stored and audited. From then on a
 * changed Slack email never moves the link (like single sign-on's account links), and a
 * second Slack account with a linked member's email is refused.
 */
import "server-only";

import { writeAudit } from "../audit/audit";
import { loadActor, type Actor } from "../auth/actor";
import type { Db } from "../server/db";
import { userEmail, type SlackTarget } from "../vendors/slack/client";

export const SLACK_PROVIDER = "slack";
export const SLACK_USER_KIND = "slack_user";

export type Mapping = { ok: true; actor: Actor; linked: boolean } | { ok: false; message: string };

export async function memberForSlackUser(
  db: Db,
  workspaceId: string,
  target: SlackTarget,
  slackUserId: string,
): Promise<Mapping> {
  const link = await db.memberIdentity.findUnique({
    where: {
      workspaceId_provider_kind_externalId: {
        workspaceId,
        provider: SLACK_PROVIDER,
        kind: SLACK_USER_KIND,
        externalId: slackUserId,
      },
    },
  });
  if (link) {
    const actor = await loadActor(db, link.memberId);
    return actor && actor.workspaceId === workspaceId
      ? { ok: true, actor, linked: false }
      : {
          ok: false,
          message: "Your Slack account is linked to someone who is no longer active in Allotment.",
        };
  }
  const info = await userEmail(target, slackUserId);
  if (!info.ok)
    return { ok: false, message: `Allotment could not tell who you are in Slack (${info.error}).` };
  if (!info.value.active || !info.value.email)
    return { ok: false, message: "Your Slack profile shows no email address Allotment can match." };
  const raw = info.value.email.trim();
  const email = raw.toLowerCase();
  const member = await db.member.findFirst({
    where: { workspaceId, email: { in: [...new Set([email, raw])] }, active: true },
    select: { id: true, email: true },
  });
  if (!member)
    return {
      ok: false,
      message: `${email} is not an active member of this Allotment workspace.`,
    };
  const other = await db.memberIdentity.findFirst({
    where: { workspaceId, memberId: member.id, provider: SLACK_PROVIDER, kind: SLACK_USER_KIND },
  });
  if (other)
    return {
      ok: false,
      message: `${email} is already linked to another Slack account; an administrator can remove that link.`,
    };
  try {
    await db.$transaction(async (tx) => {
      await tx.memberIdentity.create({
        data: {
          workspaceId,
          memberId: member.id,
          provider: SLACK_PROVIDER,
          kind: SLACK_USER_KIND,
          externalId: slackUserId,
        },
      });
      await writeAudit(tx, {
        workspaceId,
        actor: { memberId: member.id, label: `${member.email} via Slack` },
        action: "slack.identity_linked",
        targetType: "Member",
        targetId: member.id,
        after: { slackUserId, matchedBy: "email" },
      });
    });
  } catch (error) {
    // two first clicks at once: the other one linked it
    if ((error as { code?: string }).code !== "P2002") throw error;
  }
  const actor = await loadActor(db, member.id);
  return actor ? { ok: true, actor, linked: true } : { ok: false, message: "Member is inactive." };
}
