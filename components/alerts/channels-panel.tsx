"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { buttonClass } from "@/components/ui/button";
import { Card, ErrorNote, Skeleton } from "@/components/ui/card";
import type { ChannelDto } from "@/lib/alerts/channels";
import { fetchJson } from "@/lib/client/fetch-json";
import { queryKeys } from "@/lib/client/query-keys";

const input = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";

export function ChannelsPanel({ canManage }: { canManage: boolean }) {
  const client = useQueryClient();
  const [kind, setKind] = useState<"webhook" | "email">("webhook");
  const [form, setForm] = useState({ name: "", url: "", to: "", smtpUrl: "", from: "" });
  const [secret, setSecret] = useState<string | null>(null);
  const [testResult, setTestResult] = useState<Record<string, string>>({});
  const channels = useQuery({
    queryKey: queryKeys.alertChannels(),
    queryFn: () => fetchJson<{ channels: ChannelDto[] }>("/api/alerts/channels"),
  });
  const create = useMutation({
    mutationFn: () =>
      fetchJson<ChannelDto>("/api/alerts/channels", {
        method: "POST",
        body: JSON.stringify(
          kind === "webhook"
            ? { kind, name: form.name, url: form.url }
            : { kind, name: form.name, to: form.to, smtpUrl: form.smtpUrl, from: form.from },
        ),
      }),
    onSuccess: (c) => {
      setSecret(c.signingSecret ?? null);
      setForm({ name: "", url: "", to: "", smtpUrl: "", from: "" });
      void client.invalidateQueries({ queryKey: queryKeys.alertChannels() });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => fetchJson(`/api/alerts/channels/${id}`, { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.alertChannels() }),
  });
  const test = useMutation({
    mutationFn: (id: string) =>
      fetchJson<{ ok: boolean; attempts: number; error: string | null }>(
        `/api/alerts/channels/${id}/test`,
        { method: "POST" },
      ),
    onSuccess: (r, id) => {
      setTestResult((t) => ({
        ...t,
        [id]: r.ok
          ? `Delivered (${r.attempts} attempt${r.attempts === 1 ? "" : "s"})`
          : `Failed: ${r.error}`,
      }));
      void client.invalidateQueries({ queryKey: queryKeys.alertChannels() });
    },
    onError: (e, id) => setTestResult((t) => ({ ...t, [id]: `Failed: ${e.message}` })),
  });

  return (
    <Card title="Channels">
      {channels.isPending ? (
        <Skeleton className="h-20" />
      ) : channels.isError ? (
        <ErrorNote message={channels.error.message} onRetry={() => void channels.refetch()} />
      ) : channels.data.channels.length === 0 ? (
        <p className="text-sm text-slate-500">
          No channels yet: alerts show here and as in-app notifications only.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100" data-testid="channel-list">
          {channels.data.channels.map((c) => (
            <li key={c.id} className="flex flex-wrap items-center gap-3 py-2 text-sm">
              <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">
                {c.kind === "webhook" ? "Webhook" : "Email"}
              </span>
              <span className="font-medium">{c.name}</span>
              <span className="truncate text-xs text-slate-500">{c.target}</span>
              {c.lastDelivery && (
                <span
                  className={`text-xs ${c.lastDelivery.status === "DELIVERED" ? "text-emerald-700" : c.lastDelivery.status === "RETRYING" ? "text-amber-700" : "text-red-700"}`}
                >
                  last: {c.lastDelivery.status.toLowerCase()}
                </span>
              )}
              {testResult[c.id] && (
                <span className="text-xs text-slate-600" data-testid="test-result">
                  {testResult[c.id]}
                </span>
              )}
              {canManage && (
                <span className="ml-auto flex gap-2">
                  <button
                    type="button"
                    className="rounded-md border border-slate-300 px-2 py-1 text-xs hover:bg-slate-50"
                    onClick={() => test.mutate(c.id)}
                    disabled={test.isPending}
                  >
                    Send test
                  </button>
                  <button
                    type="button"
                    className="rounded-md border border-red-200 px-2 py-1 text-xs text-red-700 hover:bg-red-50"
                    onClick={() => remove.mutate(c.id)}
                  >
                    Remove
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {secret && (
        <p
          className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900"
          data-testid="signing-secret"
        >
          Signing secret (shown once: it is stored encrypted and never shown again; verify the{" "}
          <code>X-Allotment-Signature</code> header with it):{" "}
          <code className="break-all">{secret}</code>
        </p>
      )}
      {canManage && (
        <form
          className="mt-4 grid gap-3 border-t border-slate-100 pt-4 sm:grid-cols-2"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <label className="text-xs font-medium text-slate-600">
            Type
            <select
              className={input}
              value={kind}
              onChange={(e) => setKind(e.target.value as typeof kind)}
              name="kind"
            >
              <option value="webhook">Slack-compatible webhook</option>
              <option value="email">Email (SMTP)</option>
            </select>
          </label>
          <label className="text-xs font-medium text-slate-600">
            Name
            <input
              className={input}
              name="name"
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
              required
            />
          </label>
          {kind === "webhook" ? (
            <label className="text-xs font-medium text-slate-600 sm:col-span-2">
              Webhook URL
              <input
                className={input}
                name="url"
                type="url"
                placeholder="https://hooks.slack.com/services/…"
                value={form.url}
                onChange={(e) => setForm({ ...form, url: e.target.value })}
                required
              />
            </label>
          ) : (
            <>
              <label className="text-xs font-medium text-slate-600 sm:col-span-2">
                Recipients (comma-separated)
                <input
                  className={input}
                  name="to"
                  value={form.to}
                  onChange={(e) => setForm({ ...form, to: e.target.value })}
                  required
                />
              </label>
              <label className="text-xs font-medium text-slate-600">
                SMTP server{" "}
                <span className="font-normal text-slate-500">
                  (stored encrypted, never shown again)
                </span>
                <input
                  className={input}
                  name="smtpUrl"
                  placeholder="smtps://user:pass@smtp.example.com:465"
                  value={form.smtpUrl}
                  onChange={(e) => setForm({ ...form, smtpUrl: e.target.value })}
                  required
                />
              </label>
              <label className="text-xs font-medium text-slate-600">
                From address
                <input
                  className={input}
                  name="from"
                  type="email"
                  value={form.from}
                  onChange={(e) => setForm({ ...form, from: e.target.value })}
                  required
                />
              </label>
            </>
          )}
          <div className="sm:col-span-2">
            <button type="submit" className={buttonClass()} disabled={create.isPending}>
              Add channel
            </button>
            {create.isError && (
              <span className="ml-3 text-sm text-red-700">{create.error.message}</span>
            )}
          </div>
        </form>
      )}
    </Card>
  );
}
