/**
 * A local fake of the Slack surfaces Allotment uses, built from Slack's documented shapes:
 * an incoming webhook (`POST /services/…`, answers "ok"), `chat.postMessage` and
 * `users.info` under /api (Bearer bot token; `{ok:false,error}` on a bad token or unknown
 * user), `chat.update` (changes a posted message in place; faults can be queued), and
 * response_url endpoints (`POST /actions/<n>`) that record message updates.
 * It clicks buttons like Slack does: the interaction is form-encoded (`payload=<json>`) and
 * signed `v0=HMAC-SHA256(signing secret, "v0:<timestamp>:<body>")` with the timestamp from
 * the injected clock; a sent click can be replayed byte for byte, or re-sent as it would
 * arrive later.
 */
import { createHmac } from "node:crypto";

import { serve, type CallLog, type RunningFake } from "./http";

export interface SlackUser {
  id: string;
  email: string;
  deleted?: boolean;
}

export interface PostedMessage {
  via: "webhook" | "api";
  channel: string | null;
  ts: string;
  text: string;
  blocks: unknown[];
}

export interface MessageUpdate {
  /** the n of /actions/<n>: which click's response_url was used */
  click: number;
  replaceOriginal: boolean;
  ephemeral: boolean;
  text: string;
  blocks: unknown[];
}

/** A chat.update the bot made (the message in `posted` is changed in place too). */
export interface MessageEdit {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
}

export interface SentClick {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export interface FakeSlack extends RunningFake {
  webhookUrl: string;
  postMessageUrl: string;
  botToken: string;
  signingSecret: string;
  users: SlackUser[];
  posted: PostedMessage[];
  updates: MessageUpdate[];
  edits: MessageEdit[];
  /**
   * How the next chat.update calls fail, one per call, before they work again:
   * "http500" (Slack is away), "ratelimited" (HTTP 429), or an `{ok:false}` error code.
   */
  updateFaults: string[];
  log: CallLog[];
  /** Signs and sends a click on Approve / Deny of `requestId` as `userId`. */
  click(opts: {
    appUrl: string;
    requestId: number | string;
    action: "approve" | "deny";
    userId: string;
    /** sign with another secret (a forgery) */
    secret?: string;
    /** shift the signed timestamp (seconds; negative = an old request) */
    skewSeconds?: number;
  }): Promise<{ status: number; body: unknown; sent: SentClick }>;
  /** Sends a recorded click again, exactly as it was (a replay). */
  resend(sent: SentClick): Promise<{ status: number; body: unknown }>;
  /** A signed interaction body and its headers, without sending it (integration tests). */
  signed(opts: { payload: unknown; secret?: string; skewSeconds?: number }): {
    body: string;
    headers: Record<string, string>;
  };
  /** The payload of a button click, with a fresh response_url on this fake. */
  clickPayload(requestId: number | string, action: "approve" | "deny", userId: string): unknown;
}

export function signSlack(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export async function startFakeSlack(opts: {
  clock: () => Date;
  users?: SlackUser[];
  signingSecret?: string;
  botToken?: string;
}): Promise<FakeSlack> {
  const signingSecret = opts.signingSecret ?? "fake-slack-signing-secret-0123456789";
  const botToken = opts.botToken ?? "xoxb-fake-bot-token-0001";
  const users = opts.users ?? [];
  const posted: PostedMessage[] = [];
  const updates: MessageUpdate[] = [];
  const edits: MessageEdit[] = [];
  const updateFaults: string[] = [];
  const log: CallLog[] = [];
  let ts = 0;
  let clicks = 0;
  const nextTs = () =>
    `${Math.floor(opts.clock().getTime() / 1000)}.${String(++ts).padStart(6, "0")}`;
  const authorized = (h: Record<string, string | string[] | undefined>) =>
    h.authorization === `Bearer ${botToken}`;
  const message = (b: unknown) => {
    const m = (b ?? {}) as { text?: unknown; blocks?: unknown; channel?: unknown };
    return {
      text: typeof m.text === "string" ? m.text : "",
      blocks: Array.isArray(m.blocks) ? m.blocks : [],
      channel: typeof m.channel === "string" ? m.channel : null,
    };
  };

  const running = await serve((req) => {
    if (req.method === "POST" && req.path.startsWith("/services/")) {
      const m = message(req.body);
      if (!m.text && m.blocks.length === 0) return { status: 400, body: "no_text" };
      posted.push({ via: "webhook", channel: null, ts: nextTs(), text: m.text, blocks: m.blocks });
      return { status: 200, body: "ok" };
    }
    if (req.method === "POST" && req.path === "/api/chat.postMessage") {
      if (!authorized(req.headers))
        return { status: 200, body: { ok: false, error: "invalid_auth" } };
      const m = message(req.body);
      if (!m.channel) return { status: 200, body: { ok: false, error: "channel_not_found" } };
      const t = nextTs();
      posted.push({ via: "api", channel: m.channel, ts: t, text: m.text, blocks: m.blocks });
      return { status: 200, body: { ok: true, channel: m.channel, ts: t } };
    }
    if (req.method === "POST" && req.path === "/api/chat.update") {
      const fault = updateFaults.shift();
      if (fault === "http500") return { status: 500, body: "internal error" };
      if (fault === "ratelimited")
        return { status: 429, body: { ok: false, error: "ratelimited" } };
      if (fault) return { status: 200, body: { ok: false, error: fault } };
      if (!authorized(req.headers))
        return { status: 200, body: { ok: false, error: "invalid_auth" } };
      const b = (req.body ?? {}) as { ts?: unknown };
      const m = message(req.body);
      const original = posted.find(
        (p) => p.via === "api" && p.channel === m.channel && p.ts === b.ts,
      );
      if (!original) return { status: 200, body: { ok: false, error: "message_not_found" } };
      if (!m.text && m.blocks.length === 0)
        return { status: 200, body: { ok: false, error: "no_text" } };
      original.text = m.text;
      original.blocks = m.blocks;
      edits.push({ channel: original.channel!, ts: original.ts, text: m.text, blocks: m.blocks });
      return {
        status: 200,
        body: { ok: true, channel: original.channel, ts: original.ts, text: m.text },
      };
    }
    if (req.method === "GET" && req.path === "/api/users.info") {
      if (!authorized(req.headers))
        return { status: 200, body: { ok: false, error: "invalid_auth" } };
      const u = users.find((x) => x.id === req.query.get("user"));
      if (!u) return { status: 200, body: { ok: false, error: "user_not_found" } };
      return {
        status: 200,
        body: {
          ok: true,
          user: {
            id: u.id,
            deleted: u.deleted ?? false,
            is_bot: false,
            profile: { email: u.email },
          },
        },
      };
    }
    const action = /^\/actions\/(\d+)$/.exec(req.path);
    if (req.method === "POST" && action) {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const m = message(b);
      updates.push({
        click: Number(action[1]),
        replaceOriginal: b.replace_original === true,
        ephemeral: b.response_type === "ephemeral",
        text: m.text,
        blocks: m.blocks,
      });
      return { status: 200, body: "ok" };
    }
    return { status: 404, body: { ok: false, error: "unknown_method" } };
  }, log);

  const signed = (o: { payload: unknown; secret?: string; skewSeconds?: number }) => {
    const body = new URLSearchParams({ payload: JSON.stringify(o.payload) }).toString();
    const timestamp = String(
      Math.floor(opts.clock().getTime() / 1000) + Math.round(o.skewSeconds ?? 0),
    );
    return {
      body,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signSlack(o.secret ?? signingSecret, timestamp, body),
      },
    };
  };
  const clickPayload = (
    requestId: number | string,
    action: "approve" | "deny",
    userId: string,
  ) => ({
    type: "block_actions",
    user: { id: userId, username: userId.toLowerCase(), team_id: "T0FAKE" },
    team: { id: "T0FAKE", domain: "fake" },
    api_app_id: "A0FAKE",
    trigger_id: `trigger-${clicks + 1}`,
    response_url: `${running.url}/actions/${++clicks}`,
    actions: [
      {
        type: "button",
        action_id: action === "approve" ? "allotment_approve" : "allotment_deny",
        block_id: `allotment_request_${requestId}`,
        value: String(requestId),
        action_ts: `${Math.floor(opts.clock().getTime() / 1000)}.000100`,
      },
    ],
  });
  const send = async (s: SentClick) => {
    const res = await fetch(s.url, { method: "POST", headers: s.headers, body: s.body });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // kept as text
    }
    return { status: res.status, body };
  };

  return {
    ...running,
    webhookUrl: `${running.url}/services/T0FAKE/B0FAKE/fakewebhooksecret`,
    postMessageUrl: `${running.url}/api/chat.postMessage`,
    botToken,
    signingSecret,
    users,
    posted,
    updates,
    edits,
    updateFaults,
    log,
    signed,
    clickPayload,
    async click(o) {
      const s = signed({
        payload: clickPayload(o.requestId, o.action, o.userId),
        secret: o.secret,
        skewSeconds: o.skewSeconds,
      });
      const sent = { url: `${o.appUrl.replace(/\/$/, "")}/api/slack/interactions`, ...s };
      return { ...(await send(sent)), sent };
    },
    resend: send,
  };
}
