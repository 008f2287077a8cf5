"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import { fetchJson } from "@/lib/client/fetch-json";

export interface DigestSettingsView {
  enabled: boolean;
  emailChannelId: string | null;
  webhookChannelId: string | null;
  channels: { id: string; kind: "email" | "webhook"; name: string }[];
}

const select = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";
const button =
  "rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50";

/** The owner's switch for the weekly manager digest and the alert channels that carry it. */
export function DigestSettings({ initial }: { initial: DigestSettingsView }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [form, setForm] = useState({
    enabled: initial.enabled,
    emailChannelId: initial.emailChannelId ?? "",
    webhookChannelId: initial.webhookChannelId ?? "",
  });
  const of = (kind: "email" | "webhook") => initial.channels.filter((c) => c.kind === kind);

  return (
    <form
      className="flex max-w-2xl flex-col gap-3"
      data-testid="digest-settings"
      onSubmit={(e) => {
        e.preventDefault();
        start(async () => {
          try {
            await fetchJson("/api/settings/digest", { method: "PUT", body: JSON.stringify(form) });
          } catch (err) {
            return setMessage({ ok: false, text: err instanceof Error ? err.message : "Failed" });
          }
          setMessage({
            ok: true,
            text: form.enabled ? "The weekly digest is on." : "The weekly digest is off.",
          });
          router.refresh();
        });
      }}
    >
      <p className="text-sm text-slate-600">
        Every Monday (UTC) each group manager gets their people&apos;s spend against their limits,
        who is projected to run out and when, the requests waiting for them and the biggest movers
        of the week. Email goes to the manager&apos;s own address through the chosen channel&apos;s
        mail server; a webhook channel gets one message per manager. Channels are set up under
        Alerts.
      </p>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          name="digestEnabled"
          checked={form.enabled}
          onChange={(e) => setForm({ ...form, enabled: e.target.checked })}
        />
        Send the weekly manager digest
      </label>
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="text-xs text-slate-600">
          By email through
          <select
            className={select}
            name="emailChannelId"
            value={form.emailChannelId}
            onChange={(e) => setForm({ ...form, emailChannelId: e.target.value })}
          >
            <option value="">No email</option>
            {of("email").map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs text-slate-600">
          By webhook to
          <select
            className={select}
            name="webhookChannelId"
            value={form.webhookChannelId}
            onChange={(e) => setForm({ ...form, webhookChannelId: e.target.value })}
          >
            <option value="">No webhook</option>
            {of("webhook").map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div>
        <button type="submit" className={button} disabled={pending}>
          {pending ? "Saving…" : "Save digest"}
        </button>
      </div>
      {message && (
        <p
          className={`text-sm ${message.ok ? "text-emerald-700" : "text-red-700"}`}
          data-testid="digest-message"
        >
          {message.text}
        </p>
      )}
    </form>
  );
}
