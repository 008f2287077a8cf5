/**
 * A click on Approve / Deny in Slack (the interaction endpoint, framework-free). In order:
 * the body must be Slack's form encoding; its signature must be one of an enabled
 * workspace's signing secrets within five minutes of the app's clock (the workspace is the
 * one whose secret signed); a signature seen before is a replay. Any of those failing is a
 * 401 and nothing is written. Then the payload is parsed (400 when malformed) and the
 * answer goes back at once (Slack wants one within 3 s); the slow part — asking Slack who
 * clicked, deciding through lib/requests/decide-credit-request.ts with every rule of a decision made in the
 * app, and updating the message — is `later`, which the route runs after answering.
 */
import "server-only";

import { createHash } from "node:crypto";

import { z } from "zod";

import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "../core/errors";
import { approveRequest, denyRequest, type Decider } from "../requests/decide-credit-request";
import type { Db } from "../server/db";
import { respond } from "../vendors/slack/client";
import { requestContext } from "./announce";
import { markUpdatedFromSlack, outcomeOf } from "./follow-decision";
import { memberForSlackUser } from "./map-member";
import { APPROVE_ACTION, decidedMessage, DENY_ACTION, slackDenyNote } from "./request-message";
import { enabledSlackSettings, type OpenSlackSetting } from "./settings";
import { checkSlackSignature, REPLAY_WINDOW_SECONDS } from "./signature";

/** Slack's interaction payloads are small; 64 KiB is far above any real one. */
export const MAX_INTERACTION_BYTES = 64 * 1024;

export interface InteractionAnswer {
  status: number;
  body: unknown;
  /** work to do after answering (null when there is none) */
  later: (() => Promise<InteractionOutcome>) | null;
}

export interface InteractionOutcome {
  decided: "APPROVED" | "DENIED" | null;
  /** what the clicker was told */
  text: string;
}

const payloadSchema = z.object({
  type: z.literal("block_actions"),
  user: z.object({ id: z.string().min(1).max(40) }),
  response_url: z.url({ protocol: /^https?$/ }).max(2048),
  actions: z
    .array(
      z.object({ action_id: z.string().max(255), value: z.string().max(2000).optional() }).loose(),
    )
    .min(1),
});

function refusal(status: number, error: string): InteractionAnswer {
  return { status, body: { error }, later: null };
}

/** response_url must point at Slack (or the compatible server the workspace posts to). */
function trustedResponseUrl(url: string, setting: OpenSlackSetting): boolean {
  try {
    const u = new URL(url);
    if (u.protocol === "https:" && u.host === "hooks.slack.com") return true;
    return u.origin === new URL(setting.target.postUrl).origin;
  } catch {
    return false;
  }
}

const SIGNATURE_WORDS = {
  missing:
    "Missing or malformed Slack signature headers (X-Slack-Signature, X-Slack-Request-Timestamp)",
  stale: "The Slack request timestamp is more than five minutes away from now: refused as a replay",
  forged: "The Slack signature does not match: refused",
} as const;

export async function receiveInteraction(
  db: Db,
  input: {
    rawBody: string;
    contentType: string | null;
    timestamp: string | null;
    signature: string | null;
  },
  now: Date,
): Promise<InteractionAnswer> {
  const type = input.contentType?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded")
    return refusal(415, "Slack interactions are sent as application/x-www-form-urlencoded");
  const settings = await enabledSlackSettings(db);
  const check = checkSlackSignature({
    secrets: settings.map((s) => s.signingSecret),
    timestamp: input.timestamp,
    signature: input.signature,
    rawBody: input.rawBody,
    nowSeconds: Math.floor(now.getTime() / 1000),
  });
  if (!check.ok) return refusal(401, SIGNATURE_WORDS[check.reason]);
  const setting = settings[check.index]!;

  // the same signed request twice (inside the window) is a replay: the first one is the click
  const signature = createHash("sha256").update(input.signature!).digest("hex");
  try {
    await db.slackReceipt.create({
      data: { signature, workspaceId: setting.workspaceId, receivedAt: now },
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002")
      return refusal(401, "This Slack request was already received: refused as a replay");
    throw error;
  }
  await db.slackReceipt.deleteMany({
    where: { receivedAt: { lt: new Date(now.getTime() - 2 * REPLAY_WINDOW_SECONDS * 1000) } },
  });

  let payload: z.infer<typeof payloadSchema>;
  try {
    const text = new URLSearchParams(input.rawBody).get("payload");
    if (text === null) return refusal(400, "No payload field in the Slack request");
    const parsed = payloadSchema.safeParse(JSON.parse(text));
    if (!parsed.success)
      return refusal(
        400,
        `Invalid payload.${parsed.error.issues[0]?.path.join(".") || "type"}: ${parsed.error.issues[0]?.message ?? "malformed"}`,
      );
    payload = parsed.data;
  } catch {
    return refusal(400, "The Slack payload is not JSON");
  }
  const action = payload.actions.find(
    (a) => a.action_id === APPROVE_ACTION || a.action_id === DENY_ACTION,
  );
  if (!action) return { status: 200, body: {}, later: null }; // not one of our buttons
  if (!action.value || !/^[1-9]\d{0,9}$/.test(action.value))
    return refusal(400, "Invalid payload.actions.value: a request id");
  if (!trustedResponseUrl(payload.response_url, setting))
    return refusal(400, "Invalid payload.response_url: not a Slack address");
  const requestId = Number(action.value);
  const approve = action.action_id === APPROVE_ACTION;
  const responseUrl = payload.response_url;
  const slackUserId = payload.user.id;

  return {
    status: 200,
    body: {},
    later: () =>
      decideFromSlack(db, setting, { requestId, approve, slackUserId, responseUrl }, now),
  };
}

function wordsOf(error: unknown): string | null {
  if (error instanceof NotFoundError) return "This request is not yours to decide (or is gone).";
  if (
    error instanceof ForbiddenError ||
    error instanceof ConflictError ||
    error instanceof InvalidInputError
  )
    return error.message;
  return null;
}

/** The slow part of a click: who, the decision (same path and rules as the app), the message. */
export async function decideFromSlack(
  db: Db,
  setting: OpenSlackSetting,
  click: { requestId: number; approve: boolean; slackUserId: string; responseUrl: string },
  now: Date,
): Promise<InteractionOutcome> {
  const tell = async (outcome: InteractionOutcome): Promise<InteractionOutcome> => {
    const ctx = outcome.decided
      ? await requestContext(db, setting.workspaceId, click.requestId, now)
      : null;
    const r = await respond(
      click.responseUrl,
      ctx ? decidedMessage(ctx, outcome.text) : { text: outcome.text, blocks: [] },
      ctx !== null,
    );
    // replaced for the channel: chat.update has nothing left to do (if it failed, the
    // scheduler's retrySlackUpdates replaces it through chat.update instead)
    if (r.ok && ctx) await markUpdatedFromSlack(db, click.requestId);
    if (!r.ok) console.error(`[slack] updating the message failed: ${r.error}`);
    return outcome;
  };
  const who = await memberForSlackUser(db, setting.workspaceId, setting.target, click.slackUserId);
  if (!who.ok) return tell({ decided: null, text: who.message });
  const decider: Decider = { kind: "slack", actor: who.actor, slackUserId: click.slackUserId };
  try {
    if (click.approve) {
      await approveRequest(
        db,
        decider,
        click.requestId,
        { amount: undefined, note: undefined },
        now,
      );
    } else {
      await denyRequest(db, decider, click.requestId, { note: slackDenyNote(who.actor.name) }, now);
    }
    // the same outcome line as a decision made in Allotment (lib/slack/follow-decision.ts)
    const text = await outcomeOf(db, setting.workspaceId, click.requestId);
    return tell({
      decided: click.approve ? "APPROVED" : "DENIED",
      text: text ?? (click.approve ? "Approved." : "Denied."),
    });
  } catch (error) {
    const words = wordsOf(error);
    if (words === null) {
      console.error(
        `[slack] deciding request #${click.requestId} failed: ${error instanceof Error ? error.message : "unknown"}`,
      );
      return tell({ decided: null, text: "Something went wrong in Allotment: decide it there." });
    }
    return tell({ decided: null, text: words });
  }
}
