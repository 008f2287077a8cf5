"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import { buttonClass } from "@/components/ui/button";
import { failure, OutcomeMessage, type Outcome } from "@/components/ui/outcome-message";
import { fetchJson } from "@/lib/client/fetch-json";

export interface DigestSettingsView {
  enabled: boolean;
  emailChannelId: string | null;
  webhookChannelId: string | null;
  channels: { id: string; kind: "email" | "webhook"; name: string }[];
  managers: { id: string; name: string; email: string }[];
}

interface SendNowAnswer {
  weekStart: string;
  sent: number;
  failed: number;
  alreadySent: number;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const select = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";

/** The owner's switch for the weekly manager digest and the alert channels that carry it. */
export function DigestSettings({ initial }: { initial: DigestSettingsView }) {
  return (
    <div className="flex max-w-2xl flex-col gap-5">
      <DigestForm initial={initial} />
      <DigestNow initial={initial} />
    </div>
  );
}

/** Preview one manager's digest as it stands, or send this week's to every manager now. */
function DigestNow({ initial }: { initial: DigestSettingsView }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [manager, setManager] = useState(initial.managers[0]?.id ?? "");
  const [preview, setPreview] = useState<{ subject: string; text: string } | null>(null);
  const [message, setMessage] = useState<Outcome | null>(null);
  if (initial.managers.length === 0)
    return (
      <p className="text-sm text-slate-500" data-testid="digest-now">
        No group has a manager yet: nobody gets a digest.
      </p>
    );
  return (
    <section
      className="flex flex-col gap-3 border-t border-slate-200 pt-4"
      data-testid="digest-now"
      aria-label="Preview or send the digest now"
    >
      <h3 className="text-sm font-medium text-slate-800">Preview or send it now</h3>
      <div className="flex flex-wrap items-end gap-3">
        <label className="text-xs text-slate-600">
          Manager
          <select
            className={select}
            name="digestManager"
            value={manager}
            onChange={(e) => {
              setManager(e.target.value);
              setPreview(null);
            }}
          >
            {initial.managers.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} ({m.email})
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className={buttonClass("secondary")}
          disabled={pending || !manager}
          onClick={() =>
            start(async () => {
              setMessage(null);
              try {
                setPreview(
                  await fetchJson<{ subject: string; text: string }>(
                    `/api/settings/digest/preview?manager=${encodeURIComponent(manager)}`,
                  ),
                );
              } catch (err) {
                setMessage(failure(err));
              }
            })
          }
        >
          Preview
        </button>
        <button
          type="button"
          className={buttonClass()}
          disabled={pending || !initial.enabled}
          title={initial.enabled ? undefined : "Turn the digest on and save it first"}
          onClick={() =>
            start(async () => {
              try {
                const r = await fetchJson<SendNowAnswer>("/api/settings/digest/send", {
                  method: "POST",
                });
                setMessage({
                  ok: r.failed === 0,
                  text: `Week of ${r.weekStart}: ${plural(r.sent, "digest", "digests")} sent${r.failed ? `, ${r.failed} failed (see the channel's last delivery under Alerts)` : ""}${r.alreadySent ? `, ${r.alreadySent} already sent this week` : ""}.`,
                });
              } catch (err) {
                setMessage(failure(err));
              }
              router.refresh();
            })
          }
        >
          Send this week&apos;s digests now
        </button>
      </div>
      <p className="text-xs text-slate-500">
        Sending now sends this week&apos;s digest (the seven days before Monday) to every manager
        who has not had it on each channel; Monday&apos;s run then sends nothing more this week.
      </p>
      <OutcomeMessage outcome={message} testId="digest-now-message" />
      {preview && (
        <div
          className="rounded-md border border-slate-200 bg-slate-50 p-3"
          data-testid="digest-preview"
        >
          <p className="text-sm font-medium text-slate-800" data-testid="digest-preview-subject">
            {preview.subject}
          </p>
          <pre className="mt-2 font-mono text-xs whitespace-pre-wrap text-slate-700">
            {preview.text}
          </pre>
        </div>
      )}
    </section>
  );
}

function DigestForm({ initial }: { initial: DigestSettingsView }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<Outcome | null>(null);
  const of = (kind: "email" | "webhook") => initial.channels.filter((c) => c.kind === kind);

  return (
    <form
      className="flex flex-col gap-3"
      data-testid="digest-settings"
      onSubmit={(e) => {
        e.preventDefault();
        // read from the form's own controls (uncontrolled): a choice made before the page
        // hydrated is kept, where React would put controlled ones back to their first state
        const data = new FormData(e.currentTarget);
        const form = {
          enabled: data.get("digestEnabled") === "on",
          emailChannelId: String(data.get("emailChannelId") ?? ""),
          webhookChannelId: String(data.get("webhookChannelId") ?? ""),
        };
        start(async () => {
          try {
            await fetchJson("/api/settings/digest", { method: "PUT", body: JSON.stringify(form) });
          } catch (err) {
            return setMessage(failure(err));
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
        <input type="checkbox" name="digestEnabled" defaultChecked={initial.enabled} />
        Send the weekly manager digest
      </label>
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="text-xs text-slate-600">
          By email through
          <select
            className={select}
            name="emailChannelId"
            defaultValue={initial.emailChannelId ?? ""}
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
            defaultValue={initial.webhookChannelId ?? ""}
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
        <button type="submit" className={buttonClass()} disabled={pending}>
          {pending ? "Saving…" : "Save digest"}
        </button>
      </div>
      <OutcomeMessage outcome={message} testId="digest-message" />
    </form>
  );
}
