/**
 * The Slack Web API calls Allotment makes (post a request, look up who clicked, update the
 * message), with zod schemas of Slack's answers. A Slack-compatible server is told by its
 * URLs: an incoming webhook on hooks.slack.com talks to https://slack.com/api; any other
 * host (a self-hosted compatible chat, the test fake) is expected to serve the same methods
 * under <its origin>/api.
 */
import { z } from "zod";

/** Slack answers interactive requests within 3 s; our own calls stay well under that. */
export const SLACK_TIMEOUT_MS = 2_500;

export interface SlackTarget {
  mode: "webhook" | "api";
  postUrl: string;
  channel: string | null;
  botToken: string;
}

export interface SlackMessage {
  text: string;
  blocks: unknown[];
}

export type SlackResult<T> =
  | { ok: true; value: T }
  | { ok: false; error: string; /** retrying will not help */ permanent: boolean };

/** Where the Web API methods (users.info, chat.update, …) live for this target. */
export function apiBaseOf(t: Pick<SlackTarget, "mode" | "postUrl">): string {
  const u = new URL(t.postUrl);
  if (t.mode === "api") return t.postUrl.replace(/\/[^/]*$/, "");
  return u.host === "hooks.slack.com" ? "https://slack.com/api" : `${u.origin}/api`;
}

const apiError = z.object({ ok: z.literal(false), error: z.string().max(200) });
const postAnswer = z.union([
  z.object({ ok: z.literal(true), channel: z.string().max(100), ts: z.string().max(100) }),
  apiError,
]);
const usersInfoAnswer = z.union([
  z.object({
    ok: z.literal(true),
    user: z.object({
      id: z.string(),
      deleted: z.boolean().optional(),
      is_bot: z.boolean().optional(),
      profile: z.object({ email: z.string().max(254).optional() }).loose(),
    }),
  }),
  apiError,
]);

async function call(
  url: string,
  init: RequestInit,
): Promise<SlackResult<{ status: number; text: string }>> {
  try {
    const res = await fetch(url, {
      ...init,
      redirect: "manual",
      signal: AbortSignal.timeout(SLACK_TIMEOUT_MS),
    });
    const text = await res.text();
    if (res.status >= 200 && res.status < 300)
      return { ok: true, value: { status: res.status, text } };
    return {
      ok: false,
      error: `Slack answered HTTP ${res.status}`,
      permanent: res.status < 500 && res.status !== 429,
    };
  } catch (error) {
    const timedOut =
      error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return {
      ok: false,
      error: timedOut
        ? `Slack did not answer within ${SLACK_TIMEOUT_MS / 1000} s`
        : `Slack cannot be reached (${error instanceof Error ? error.message : "request failed"})`,
      permanent: false,
    };
  }
}

function parseJson<T>(text: string, schema: z.ZodType<T>, what: string): SlackResult<T> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { ok: false, error: `${what}: Slack's answer is not JSON`, permanent: true };
  }
  const r = schema.safeParse(data);
  if (!r.success)
    return {
      ok: false,
      error: `${what}: Slack's answer does not match the documented format (${r.error.issues[0]?.path.join(".") || "body"})`,
      permanent: true,
    };
  return { ok: true, value: r.data };
}

/** Posts a message: to the incoming webhook, or through chat.postMessage with the bot token. */
export async function postMessage(
  t: SlackTarget,
  m: SlackMessage,
): Promise<SlackResult<{ channel: string | null; ts: string | null }>> {
  if (t.mode === "webhook") {
    const r = await call(t.postUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(m),
    });
    return r.ok ? { ok: true, value: { channel: null, ts: null } } : r;
  }
  const r = await call(t.postUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json; charset=utf-8",
      authorization: `Bearer ${t.botToken}`,
    },
    body: JSON.stringify({ channel: t.channel, ...m }),
  });
  if (!r.ok) return r;
  const a = parseJson(r.value.text, postAnswer, "chat.postMessage");
  if (!a.ok) return a;
  if (!a.value.ok)
    return { ok: false, error: `chat.postMessage: ${a.value.error}`, permanent: true };
  return { ok: true, value: { channel: a.value.channel, ts: a.value.ts } };
}

/** Answers of chat.update that retrying will not change (the rest — ratelimited, HTTP 5xx, timeouts — may pass). */
const UPDATE_PERMANENT = new Set([
  "message_not_found",
  "channel_not_found",
  "cant_update_message",
  "edit_window_closed",
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "missing_scope",
  "not_in_channel",
  "is_archived",
  "msg_too_long",
  "invalid_blocks",
]);

/**
 * Replaces a message the bot posted (chat.update with its channel and ts; the bot needs
 * chat:write). How a decision made in Allotment reaches the message with the buttons.
 */
export async function updateMessage(
  t: SlackTarget,
  where: { channel: string; ts: string },
  m: SlackMessage,
): Promise<SlackResult<null>> {
  const r = await call(`${apiBaseOf(t)}/chat.update`, {
    method: "POST",
    headers: {
      "content-type": "application/json; charset=utf-8",
      authorization: `Bearer ${t.botToken}`,
    },
    body: JSON.stringify({ channel: where.channel, ts: where.ts, ...m }),
  });
  if (!r.ok) return r;
  const a = parseJson(r.value.text, postAnswer, "chat.update");
  if (!a.ok) return a;
  if (!a.value.ok)
    return {
      ok: false,
      error: `chat.update: ${a.value.error}`,
      permanent: UPDATE_PERMANENT.has(a.value.error),
    };
  return { ok: true, value: null };
}

/** The email on a Slack user's profile (users.info; the bot needs users:read.email). */
export async function userEmail(
  t: SlackTarget,
  userId: string,
): Promise<SlackResult<{ email: string | null; active: boolean }>> {
  const url = `${apiBaseOf(t)}/users.info?user=${encodeURIComponent(userId)}`;
  const r = await call(url, { headers: { authorization: `Bearer ${t.botToken}` } });
  if (!r.ok) return r;
  const a = parseJson(r.value.text, usersInfoAnswer, "users.info");
  if (!a.ok) return a;
  if (!a.value.ok) return { ok: false, error: `users.info: ${a.value.error}`, permanent: true };
  const u = a.value.user;
  return {
    ok: true,
    value: { email: u.profile.email ?? null, active: !u.deleted && !u.is_bot },
  };
}

/**
 * Answers a click through the interaction's response_url: `replace` swaps the channel's
 * message for everyone (a decision); otherwise only the clicker sees the answer (a refusal).
 */
export async function respond(
  responseUrl: string,
  m: SlackMessage,
  replace: boolean,
): Promise<SlackResult<null>> {
  const body = replace
    ? { replace_original: true, ...m }
    : { replace_original: false, response_type: "ephemeral", text: m.text };
  const r = await call(responseUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return r.ok ? { ok: true, value: null } : r;
}
