/**
 * Posting a filed credit request to the workspace's Slack channel. A SlackPost row is
 * claimed before anything is sent (its key is the request id), so a request is posted at
 * most once however many processes try; a post that failed for a reason that may pass is
 * tried again by the scheduler (retrySlackPosts) while the request is still pending.
 * Never throws into the filing: a Slack outage must not stop an engineer from asking.
 */
import "server-only";

import type { Unit } from "../core/money";
import { loadMemberLimit } from "../limits/load-effective-limits";
import type { Db } from "../server/db";
import { env } from "../server/env";
import { postMessage } from "../vendors/slack/client";
import { requestMessage, type RequestContext } from "./request-message";
import { slackSettingFor } from "./settings";

/** A post is tried at most this many times (the first, then one per scheduler pass). */
export const MAX_POST_ATTEMPTS = 5;

export function requestsUrl(): string | null {
  const base = env().NEXTAUTH_URL?.replace(/\/$/, "");
  return base ? `${base}/requests` : null;
}

/** What the message shows about a request, as of now. */
export async function requestContext(
  db: Db,
  workspaceId: string,
  requestId: number,
  now: Date,
): Promise<RequestContext | null> {
  const r = await db.creditRequest.findFirst({
    where: { id: requestId, workspaceId },
    include: {
      requester: {
        select: {
          name: true,
          email: true,
          groups: { select: { group: { select: { name: true } } } },
        },
      },
      workspace: { select: { budgetUnit: true } },
    },
  });
  if (!r) return null;
  const current = await loadMemberLimit(db, workspaceId, r.requesterId, r.product, now);
  return {
    id: r.id,
    requester: { name: r.requester.name, email: r.requester.email },
    unit: r.workspace.budgetUnit as Unit,
    amountMicros: r.amountMicros,
    product: r.product,
    reason: r.reason,
    link: r.link,
    neededUntil: r.neededUntil,
    groups: r.requester.groups.map((g) => g.group.name).sort(),
    usedMicros: current.effective.usedMicros,
    limitMicros: current.effective.limitMicros,
    limitReason: current.effective.reason,
    projectedMicros: current.projectedMicros,
    url: requestsUrl(),
  };
}

async function send(
  db: Db,
  workspaceId: string,
  requestId: number,
  attemptsBefore: number,
  now: Date,
): Promise<"POSTED" | "RETRYING" | "FAILED"> {
  const setting = await slackSettingFor(db, workspaceId);
  const ctx = setting ? await requestContext(db, workspaceId, requestId, now) : null;
  const result =
    setting && ctx
      ? await postMessage(setting.target, requestMessage(ctx))
      : {
          ok: false as const,
          error: setting ? "the request is gone" : "Slack is not set up or cannot be opened",
          permanent: true,
        };
  const attempts = attemptsBefore + 1;
  const status = result.ok
    ? "POSTED"
    : result.permanent || attempts >= MAX_POST_ATTEMPTS
      ? "FAILED"
      : "RETRYING";
  await db.slackPost.update({
    where: { requestId },
    data: {
      status,
      attempts,
      lastError: result.ok ? null : result.error.slice(0, 500),
      ...(result.ok ? { channel: result.value.channel, ts: result.value.ts } : {}),
    },
  });
  return status;
}

/**
 * Posts a just-filed request when the workspace has Slack approvals on. Returns what
 * happened (for tests and logs); errors are recorded on the SlackPost row, never thrown.
 */
export async function announceRequest(
  db: Db,
  workspaceId: string,
  requestId: number,
  now: Date,
): Promise<"POSTED" | "RETRYING" | "FAILED" | "OFF" | "ALREADY" | "DECIDED"> {
  try {
    const on = await db.slackSetting.count({ where: { workspaceId, enabled: true } });
    if (on === 0) return "OFF";
    // approved at filing by an auto-approval policy: nothing for a person to decide in Slack
    const pending = await db.creditRequest.count({
      where: { id: requestId, workspaceId, status: "PENDING" },
    });
    if (pending === 0) return "DECIDED";
    try {
      await db.slackPost.create({ data: { requestId, workspaceId, createdAt: now } });
    } catch (error) {
      if ((error as { code?: string }).code === "P2002") return "ALREADY";
      throw error;
    }
    return await send(db, workspaceId, requestId, 0, now);
  } catch (error) {
    console.error(
      `[slack] posting request #${requestId} failed: ${error instanceof Error ? error.message : "unknown"}`,
    );
    return "FAILED";
  }
}

/** Scheduler step: another attempt for every post left RETRYING whose request still waits. */
export async function retrySlackPosts(db: Db, workspaceId: string, now: Date): Promise<number> {
  const due = await db.slackPost.findMany({
    where: { workspaceId, status: "RETRYING" },
    include: { request: { select: { status: true } } },
    take: 20,
  });
  let posted = 0;
  for (const p of due) {
    if (p.request.status !== "PENDING") {
      await db.slackPost.update({
        where: { requestId: p.requestId },
        data: { status: "FAILED", lastError: "decided before Slack could be reached" },
      });
      continue;
    }
    // claim this attempt: a concurrent pass that read the same row finds attempts moved on
    const claim = await db.slackPost.updateMany({
      where: { requestId: p.requestId, status: "RETRYING", attempts: p.attempts },
      data: { status: "PENDING" },
    });
    if (claim.count !== 1) continue;
    if ((await send(db, workspaceId, p.requestId, p.attempts, now)) === "POSTED") posted++;
  }
  return posted;
}
