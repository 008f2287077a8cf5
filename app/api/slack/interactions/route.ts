import { after } from "next/server";

import { errorResponse, json } from "@/lib/auth/guards";
import { HttpInputError } from "@/lib/core/errors";
import { crossSiteRefusalFor } from "@/lib/http/origin";
import { readBodyBytes } from "@/lib/http/read-json";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";
import { env } from "@/lib/server/env";
import { MAX_INTERACTION_BYTES, receiveInteraction } from "@/lib/slack/interaction";

/**
 * Slack's interaction endpoint (Approve / Deny on a posted request). No session: the
 * request is authenticated by Slack's signature (lib/slack/interaction.ts). A browser
 * request from another site is still refused first — Slack's servers send no such headers.
 */
export async function POST(req: Request): Promise<Response> {
  try {
    const refusal = crossSiteRefusalFor(req, env().NEXTAUTH_URL);
    if (refusal) throw new HttpInputError(403, refusal);
    const raw = new TextDecoder("utf-8", { fatal: false }).decode(
      await readBodyBytes(req, MAX_INTERACTION_BYTES),
    );
    const answer = await receiveInteraction(
      db(),
      {
        rawBody: raw,
        contentType: req.headers.get("content-type"),
        timestamp: req.headers.get("x-slack-request-timestamp"),
        signature: req.headers.get("x-slack-signature"),
      },
      now(),
    );
    // Slack wants its answer within 3 s: who clicked, the decision and the message update follow it
    const later = answer.later;
    if (later)
      after(async () => {
        try {
          await later();
        } catch (error) {
          console.error(
            `[slack] a click could not be handled: ${error instanceof Error ? error.message : "unknown"}`,
          );
        }
      });
    return json(answer.body, { status: answer.status });
  } catch (error) {
    return errorResponse(error);
  }
}
