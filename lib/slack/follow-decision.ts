/**
 * The Slack message follows the request: once a request that was posted to Slack is decided
 * anywhere but in Slack itself (approved or denied in Allotment or by an API token, expired,
 * withdrawn), the channel's message is replaced through chat.update — the context stays, the
 * buttons go, the outcome is shown. A click in Slack replaces it through the click's
 * response_url instead (lib/slack/interaction.ts), and marks it done here.
 *
 * Runs after the decision's transaction has committed and never throws: Slack being away
 * cannot undo a decision. One attempt in the person's request; one that failed for a reason
 * that may pass is tried again by the scheduler (retrySlackUpdates), at most
 * MAX_UPDATE_ATTEMPTS times, like the post itself.
 *
 * The SlackPost row carries both lives of the message in `status`: PENDING → POSTED |
 * RETRYING | FAILED while it is being posted; once the request is decided, UPDATING (an
 * attempt is under way) → UPDATED | UPDATE_RETRYING | UPDATE_FAILED. `attempts` counts the
 * current phase's attempts, `lastError` says why the last one failed.
 */
import "server-only";

import type { Unit } from "../core/money";
import type { Db } from "../server/db";
import { updateMessage } from "../vendors/slack/client";
import { requestContext } from "./announce";
import { decidedMessage, outcomeText } from "./request-message";
import { slackSettingFor } from "./settings";

export const MAX_UPDATE_ATTEMPTS = 5;

/** What a message update came to (for tests and logs). */
export type FollowResult =
  | "UPDATED"
  | "UPDATE_RETRYING"
  | "UPDATE_FAILED"
  /** not posted (Slack off, or not posted yet), still pending, already updated, or another process has it */
  | "NOTHING";

export const WEBHOOK_CANNOT_UPDATE =
  "posted through an incoming webhook, which gives no message id to change: post with chat.postMessage for the message to follow decisions made in Allotment";

/** The outcome line of a decided request, from its row (null while it waits). */
export async function outcomeOf(
  db: Db,
  workspaceId: string,
  requestId: number,
): Promise<string | null> {
  const r = await db.creditRequest.findFirst({
    where: { id: requestId, workspaceId },
    select: {
      status: true,
      grantedMicros: true,
      neededUntil: true,
      decisionNote: true,
      autoPolicyId: true,
      decider: { select: { name: true, email: true } },
      requester: { select: { name: true } },
      workspace: { select: { budgetUnit: true } },
    },
  });
  if (!r) return null;
  const policy = r.autoPolicyId
    ? await db.autoApprovalPolicy.findUnique({
        where: { id: r.autoPolicyId },
        select: { name: true },
      })
    : null;
  return outcomeText({
    status: r.status,
    unit: r.workspace.budgetUnit as Unit,
    grantedMicros: r.grantedMicros,
    neededUntil: r.neededUntil,
    decider: r.decider,
    policy: policy?.name ?? null,
    note: r.decisionNote,
    requester: r.requester.name,
  });
}

/**
 * One attempt at replacing a decided request's Slack message with its outcome. Does nothing
 * when the request was never posted, is still pending, or its message is already updated.
 */
export async function followDecision(
  db: Db,
  workspaceId: string,
  requestId: number,
  now: Date,
): Promise<FollowResult> {
  try {
    const post = await db.slackPost.findFirst({ where: { requestId, workspaceId } });
    if (!post || (post.status !== "POSTED" && post.status !== "UPDATE_RETRYING")) return "NOTHING";
    const outcome = await outcomeOf(db, workspaceId, requestId);
    if (outcome === null) return "NOTHING"; // still pending (or gone)
    // claim this attempt: a concurrent caller that read the same row finds it moved on
    const before = post.status === "POSTED" ? 0 : post.attempts;
    const claim = await db.slackPost.updateMany({
      where: { requestId, status: post.status, attempts: post.attempts },
      data: { status: "UPDATING", attempts: before },
    });
    if (claim.count !== 1) return "NOTHING";

    const setting = await slackSettingFor(db, workspaceId);
    const ctx = setting ? await requestContext(db, workspaceId, requestId, now) : null;
    const result =
      !setting || !ctx
        ? { ok: false as const, error: "Slack is not set up or cannot be opened", permanent: true }
        : post.channel === null || post.ts === null
          ? { ok: false as const, error: WEBHOOK_CANNOT_UPDATE, permanent: true }
          : await updateMessage(
              setting.target,
              { channel: post.channel, ts: post.ts },
              decidedMessage(ctx, outcome),
            );
    const attempts = before + 1;
    const status: FollowResult = result.ok
      ? "UPDATED"
      : result.permanent || attempts >= MAX_UPDATE_ATTEMPTS
        ? "UPDATE_FAILED"
        : "UPDATE_RETRYING";
    await db.slackPost.update({
      where: { requestId },
      data: { status, attempts, lastError: result.ok ? null : result.error.slice(0, 500) },
    });
    if (!result.ok)
      console.error(`[slack] updating the message of request #${requestId}: ${result.error}`);
    return status;
  } catch (error) {
    console.error(
      `[slack] updating the message of request #${requestId} failed: ${error instanceof Error ? error.message : "unknown"}`,
    );
    return "NOTHING";
  }
}

/**
 * Several decided requests one after another (a bulk decision, expiry). Stops trying at the
 * first failure that may pass (Slack away): the rest stay for the scheduler, so a person's
 * request never waits for Slack's timeout more than once.
 */
export async function followDecisions(
  db: Db,
  workspaceId: string,
  requestIds: number[],
  now: Date,
): Promise<void> {
  for (const id of requestIds)
    if ((await followDecision(db, workspaceId, id, now)) === "UPDATE_RETRYING") return;
}

/** A click in Slack replaced the message through its response_url: nothing left to do here. */
export async function markUpdatedFromSlack(db: Db, requestId: number): Promise<void> {
  await db.slackPost.updateMany({
    where: { requestId, status: { in: ["POSTED", "UPDATE_RETRYING"] } },
    data: { status: "UPDATED", lastError: null },
  });
}

/**
 * Scheduler step: messages still to follow their request — an update that failed for a
 * reason that may pass, and any posted message whose request was decided without reaching
 * it (decided while the post was on its way, expired, a response_url that failed).
 */
export async function retrySlackUpdates(db: Db, workspaceId: string, now: Date): Promise<number> {
  const due = await db.slackPost.findMany({
    where: {
      workspaceId,
      OR: [
        { status: "UPDATE_RETRYING" },
        { status: "POSTED", request: { status: { not: "PENDING" } } },
      ],
    },
    select: { requestId: true },
    orderBy: { requestId: "asc" },
    take: 20,
  });
  let updated = 0;
  for (const p of due) {
    const r = await followDecision(db, workspaceId, p.requestId, now);
    if (r === "UPDATED") updated++;
    if (r === "UPDATE_RETRYING") break; // Slack is away: the rest wait for the next pass
  }
  return updated;
}
