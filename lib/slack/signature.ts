/**
 * Slack's request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:{X-Slack-Request-Timestamp}:{raw body}">`
 * keyed with the app's signing secret. Pure: the caller passes "now" (the app's clock) and
 * the candidate secrets; the comparison is constant-time.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Slack's own advice: refuse a timestamp more than five minutes from now (either way). */
export const REPLAY_WINDOW_SECONDS = 300;

export function slackSignature(secret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${rawBody}`).digest("hex")}`;
}

export type SignatureCheck =
  | { ok: true; /** which of the candidate secrets signed it */ index: number }
  | { ok: false; reason: "missing" | "stale" | "forged" };

const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP = /^\d{1,12}$/;

/**
 * Whether a request was signed by one of `secrets` within the replay window. Every secret is
 * tried (a workspace is told by the secret that signed, never by the unsigned payload).
 */
export function checkSlackSignature(input: {
  secrets: readonly string[];
  timestamp: string | null;
  signature: string | null;
  rawBody: string;
  nowSeconds: number;
  windowSeconds?: number;
}): SignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !TIMESTAMP.test(timestamp) || !SIGNATURE.test(signature))
    return { ok: false, reason: "missing" };
  const window = input.windowSeconds ?? REPLAY_WINDOW_SECONDS;
  if (Math.abs(input.nowSeconds - Number(timestamp)) > window)
    return { ok: false, reason: "stale" };
  const given = Buffer.from(signature, "utf8");
  let found = -1;
  input.secrets.forEach((secret, i) => {
    const expected = Buffer.from(slackSignature(secret, timestamp, input.rawBody), "utf8");
    // no early exit: every candidate costs the same whether or not an earlier one matched
    if (expected.length === given.length && timingSafeEqual(expected, given) && found < 0)
      found = i;
  });
  return found >= 0 ? { ok: true, index: found } : { ok: false, reason: "forged" };
}
