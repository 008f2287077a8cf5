"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import { buttonClass } from "@/components/ui/button";
import { failure, OutcomeMessage, type Outcome } from "@/components/ui/outcome-message";
import { fetchJson } from "@/lib/client/fetch-json";

export interface SlackSettingsView {
  configured: boolean;
  mode: "webhook" | "api" | null;
  postUrl: string | null;
  channel: string | null;
  enabled: boolean;
  botToken: string;
  signingSecretSet: boolean;
}

const input = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";

/**
 * The owner's Slack approvals form. Secrets are write-only: the server sends the token's last
 * four characters and whether a signing secret is set, never the values; a field left empty
 * keeps what is stored.
 */
export function SlackSettings({
  initial,
  interactionUrl,
}: {
  initial: SlackSettingsView;
  interactionUrl: string;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<Outcome | null>(null);
  const [form, setForm] = useState({
    mode: initial.mode ?? "webhook",
    // a stored webhook URL is a credential and comes back shortened: re-enter it to change it
    postUrl: initial.mode === "api" ? (initial.postUrl ?? "") : "",
    channel: initial.channel ?? "",
    botToken: "",
    signingSecret: "",
    enabled: initial.configured ? initial.enabled : true,
  });
  const keepUrl = initial.configured && initial.mode === "webhook" && form.mode === "webhook";

  const send = (method: "PUT" | "DELETE", done: string) =>
    start(async () => {
      try {
        await fetchJson("/api/settings/slack", {
          method,
          ...(method === "PUT"
            ? {
                body: JSON.stringify({
                  mode: form.mode,
                  postUrl: form.postUrl,
                  ...(form.mode === "api" ? { channel: form.channel } : {}),
                  ...(form.botToken ? { botToken: form.botToken } : {}),
                  ...(form.signingSecret ? { signingSecret: form.signingSecret } : {}),
                  enabled: form.enabled,
                }),
              }
            : {}),
        });
      } catch (e) {
        return setMessage(failure(e));
      }
      setMessage({ ok: true, text: done });
      // what was typed is write-only too: a webhook URL is a credential, like the token and secret
      setForm((f) => ({
        ...f,
        postUrl: f.mode === "api" ? f.postUrl : "",
        botToken: "",
        signingSecret: "",
      }));
      router.refresh();
    });

  return (
    <div className="flex flex-col gap-4" data-testid="slack-settings">
      <p className="text-sm text-slate-600">
        New credit requests are posted to a Slack channel with their context and Approve / Deny
        buttons. A click decides the request with the same rules as the Requests screen (never
        one&apos;s own request, a manager&apos;s groups and grant ceiling only); the person is found
        by the email on their Slack profile. In your Slack app, set{" "}
        <em>Interactivity → Request URL</em> to{" "}
        <code className="text-xs break-all" data-testid="slack-request-url">
          {interactionUrl}
        </code>{" "}
        and give the bot <code className="text-xs">users:read.email</code>.
      </p>
      <p className="text-sm" data-testid="slack-status">
        {initial.configured ? (
          <>
            <span className={initial.enabled ? "text-emerald-700" : "text-slate-500"}>
              {initial.enabled ? "On" : "Off"}
            </span>{" "}
            · posts to {initial.mode === "api" ? `${initial.channel} via` : ""}{" "}
            <code className="text-xs">{initial.postUrl}</code> · bot token {initial.botToken} ·
            signing secret {initial.signingSecretSet ? "set" : "missing"}
          </>
        ) : (
          <span className="text-slate-500">Not set up.</span>
        )}
      </p>
      <form
        className="grid max-w-2xl gap-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          send("PUT", "Slack approvals saved.");
        }}
      >
        <fieldset className="text-xs text-slate-600 sm:col-span-2">
          <legend>Post with</legend>
          <div className="mt-1 flex flex-wrap gap-4 text-sm text-slate-700">
            {(
              [
                ["webhook", "An incoming webhook"],
                ["api", "chat.postMessage (bot token)"],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className="flex items-center gap-1.5">
                <input
                  type="radio"
                  name="slack-mode"
                  value={value}
                  checked={form.mode === value}
                  onChange={() => setForm({ ...form, mode: value })}
                />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
        <label className="text-xs text-slate-600 sm:col-span-2">
          {form.mode === "api" ? "chat.postMessage URL" : "Incoming webhook URL"}
          <input
            className={input}
            name="postUrl"
            type="url"
            required
            placeholder={
              form.mode === "api"
                ? "https://slack.com/api/chat.postMessage"
                : keepUrl
                  ? `${initial.postUrl} (enter it again to save)`
                  : "https://hooks.slack.com/services/…"
            }
            value={form.postUrl}
            onChange={(e) => setForm({ ...form, postUrl: e.target.value })}
          />
        </label>
        {form.mode === "api" && (
          <label className="text-xs text-slate-600">
            Channel
            <input
              className={input}
              name="channel"
              placeholder="C0123ABCD or #approvals"
              value={form.channel}
              onChange={(e) => setForm({ ...form, channel: e.target.value })}
            />
          </label>
        )}
        <label className="text-xs text-slate-600">
          Bot token
          <input
            className={input}
            name="botToken"
            type="password"
            autoComplete="off"
            placeholder={initial.configured ? `${initial.botToken} — empty keeps it` : "xoxb-…"}
            value={form.botToken}
            onChange={(e) => setForm({ ...form, botToken: e.target.value })}
          />
        </label>
        <label className="text-xs text-slate-600">
          Signing secret
          <input
            className={input}
            name="signingSecret"
            type="password"
            autoComplete="off"
            placeholder={
              initial.signingSecretSet ? "set — empty keeps it" : "from Basic Information"
            }
            value={form.signingSecret}
            onChange={(e) => setForm({ ...form, signingSecret: e.target.value })}
          />
        </label>
        <label className="flex items-center gap-2 text-sm text-slate-700 sm:col-span-2">
          <input
            type="checkbox"
            name="enabled"
            checked={form.enabled}
            onChange={(e) => setForm({ ...form, enabled: e.target.checked })}
          />
          Post new requests and take clicks
        </label>
        <div className="flex gap-3 sm:col-span-2">
          <button type="submit" className={buttonClass()} disabled={pending}>
            {pending ? "Saving…" : "Save Slack approvals"}
          </button>
          {initial.configured && (
            <button
              type="button"
              className="text-sm text-red-700 hover:underline"
              disabled={pending}
              onClick={() =>
                send("DELETE", "Slack approvals removed; the token and secret are forgotten.")
              }
            >
              Remove
            </button>
          )}
        </div>
      </form>
      <OutcomeMessage outcome={message} testId="slack-message" />
    </div>
  );
}
