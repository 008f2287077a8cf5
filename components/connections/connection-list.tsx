"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";

import { buttonClass } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { failure, OutcomeMessage, type Outcome } from "@/components/ui/outcome-message";
import { fetchJson } from "@/lib/client/fetch-json";
import type { ConnectionDto } from "@/lib/connections/connections";

import { FileUpload } from "./file-upload";

const KIND_LABEL: Record<string, string> = {
  openai: "OpenAI",
  anthropic: "Anthropic",
  file: "File import",
  simulator: "Simulator",
  cursor: "Cursor",
  codex: "Codex Analytics",
};

function statusBadge(c: ConnectionDto, running: boolean) {
  if (running)
    return <span className="rounded bg-blue-100 px-2 py-0.5 text-xs text-blue-800">syncing…</span>;
  if (!c.enabled)
    return (
      <span className="rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-600">disabled</span>
    );
  if (c.lastStatus === "failed")
    return (
      <span className="rounded bg-red-100 px-2 py-0.5 text-xs text-red-800">last sync failed</span>
    );
  if (c.lastStatus === "succeeded")
    return <span className="rounded bg-emerald-100 px-2 py-0.5 text-xs text-emerald-800">ok</span>;
  return (
    <span className="rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-600">never synced</span>
  );
}

/** Re-reads the server data while a run is in progress, so progress shows without a reload. */
export function RunPoller({ active }: { active: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => router.refresh(), 1500);
    return () => clearInterval(t);
  }, [active, router]);
  return null;
}

export function ConnectionList({
  connections,
  runningIds,
}: {
  connections: ConnectionDto[];
  runningIds: string[];
}) {
  if (connections.length === 0)
    return <p className="text-sm text-slate-600">No connections yet. Add one below.</p>;
  return (
    <ul className="divide-y divide-slate-100">
      {connections.map((c) => (
        <ConnectionItem key={c.id} c={c} running={runningIds.includes(c.id)} />
      ))}
    </ul>
  );
}

function ConnectionItem({ c, running }: { c: ConnectionDto; running: boolean }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<Outcome | null>(null);
  const [editing, setEditing] = useState(false);
  const [since, setSince] = useState("");

  const url = `/api/connections/${encodeURIComponent(c.id)}`;
  const act = <T,>(fn: () => Promise<T>, success: (d: T) => string) =>
    start(async () => {
      try {
        setMessage({ ok: true, text: success(await fn()) });
      } catch (e) {
        setMessage(failure(e));
      }
      router.refresh();
    });

  return (
    <li className="py-4" data-testid={`connection-${c.name}`}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <div className="flex items-center gap-2">
            <span className="font-medium">{c.name}</span>
            <span className="text-xs text-slate-500">{KIND_LABEL[c.kind] ?? c.kind}</span>
            {statusBadge(c, running)}
          </div>
          <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 text-xs text-slate-600">
            {c.baseUrl && (
              <>
                <dt>Base URL</dt>
                <dd className="font-mono">{c.baseUrl}</dd>
              </>
            )}
            <dt>Admin key</dt>
            <dd className="font-mono" data-testid="key-masked">
              {c.keyMasked}
            </dd>
            <dt>Data as of</dt>
            <dd data-testid="data-as-of">{c.dataAsOf ?? "—"}</dd>
            <dt>Last sync</dt>
            <dd>
              {/* in UTC like the run history, not the browser's locale and zone */}
              {c.lastSyncAt ? `${c.lastSyncAt.slice(0, 16).replace("T", " ")} UTC` : "—"}
            </dd>
            <dt>Schedule</dt>
            <dd>{c.scheduleMinutes ? `every ${c.scheduleMinutes} min` : "manual"}</dd>
          </dl>
          {c.lastError && <p className="mt-1 max-w-2xl text-xs text-red-700">{c.lastError}</p>}
        </div>
        <div className="flex flex-wrap items-center gap-2">
          {c.kind !== "file" && (
            <>
              <input
                type="date"
                aria-label={`Sync ${c.name} from`}
                value={since}
                onChange={(e) => setSince(e.target.value)}
                className="rounded border border-slate-300 px-2 py-1 text-xs"
              />
              <button
                type="button"
                disabled={pending || running || !c.enabled}
                onClick={() =>
                  act(
                    () =>
                      fetchJson(`${url}/sync`, {
                        method: "POST",
                        body: JSON.stringify(since ? { since } : {}),
                      }),
                    () => "Sync started",
                  )
                }
                className={buttonClass("primary", "sm")}
              >
                Sync now
              </button>
              <button
                type="button"
                disabled={pending}
                onClick={() =>
                  act(
                    () =>
                      fetchJson<{ ok: boolean; detail: string }>(`${url}/test`, { method: "POST" }),
                    (d) => d.detail,
                  )
                }
                className="rounded border border-slate-300 px-3 py-1.5 text-xs hover:bg-slate-50"
              >
                Test connection
              </button>
            </>
          )}
          <button
            type="button"
            onClick={() => setEditing((v) => !v)}
            className="rounded border border-slate-300 px-3 py-1.5 text-xs hover:bg-slate-50"
          >
            {editing ? "Close" : "Edit"}
          </button>
          {c.enabled ? (
            <ConfirmButton
              title={`Disable ${c.name}?`}
              body="Scheduled and manual syncs stop until you enable it again. The spend it has reported stays."
              confirmLabel="Disable"
              disabled={pending}
              onConfirm={async () => {
                await fetchJson(url, { method: "PATCH", body: JSON.stringify({ enabled: false }) });
                setMessage({ ok: true, text: "Disabled" });
                router.refresh();
              }}
              className="rounded border border-slate-300 px-3 py-1.5 text-xs hover:bg-slate-50"
            >
              Disable
            </ConfirmButton>
          ) : (
            <button
              type="button"
              disabled={pending}
              onClick={() =>
                act(
                  () =>
                    fetchJson(url, { method: "PATCH", body: JSON.stringify({ enabled: true }) }),
                  () => "Enabled",
                )
              }
              className="rounded border border-slate-300 px-3 py-1.5 text-xs hover:bg-slate-50"
            >
              Enable
            </button>
          )}
          <ConfirmButton
            title={`Archive ${c.name}?`}
            body={
              <>
                It stops syncing and leaves this list. Its sync runs and the spend it reported stay
                in Usage, exports and the audit log, and its name becomes free for a new connection.
                An archived connection cannot be restored.
              </>
            }
            confirmLabel="Archive connection"
            disabled={pending || running}
            onConfirm={async () => {
              await fetchJson(url, { method: "DELETE" });
              router.refresh();
            }}
            className="rounded border border-red-200 px-3 py-1.5 text-xs text-red-700 hover:bg-red-50 disabled:opacity-50"
          >
            Archive
          </ConfirmButton>
        </div>
      </div>
      <OutcomeMessage outcome={message} testId="connection-message" className="mt-2 text-xs" />
      {c.kind === "file" && c.enabled && <FileUpload connectionId={c.id} name={c.name} />}
      {editing && (
        <EditForm
          c={c}
          onDone={(text) => {
            setEditing(false);
            setMessage({ ok: true, text });
          }}
        />
      )}
    </li>
  );
}

function EditForm({ c, onDone }: { c: ConnectionDto; onDone: (text: string) => void }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="mt-3 grid max-w-xl grid-cols-1 gap-2 rounded-lg bg-slate-50 p-3 text-sm sm:grid-cols-2"
      action={(fd) =>
        start(async () => {
          const schedule = String(fd.get("scheduleMinutes") ?? "");
          const body = {
            name: String(fd.get("name") ?? ""),
            baseUrl: String(fd.get("baseUrl") ?? ""),
            apiKey: String(fd.get("apiKey") ?? "") || undefined,
            scheduleMinutes: schedule ? Number(schedule) : null,
          };
          setError(null);
          try {
            await fetchJson(`/api/connections/${encodeURIComponent(c.id)}`, {
              method: "PATCH",
              body: JSON.stringify(body),
            });
          } catch (e) {
            return setError(e instanceof Error ? e.message : "Failed");
          }
          router.refresh();
          onDone("Saved");
        })
      }
    >
      <label className="flex flex-col gap-1 text-xs">
        Name
        <input
          name="name"
          defaultValue={c.name}
          className="rounded border border-slate-300 px-2 py-1 text-sm"
        />
      </label>
      <label className="flex flex-col gap-1 text-xs">
        Base URL
        <input
          name="baseUrl"
          defaultValue={c.baseUrl ?? ""}
          className="rounded border border-slate-300 px-2 py-1 text-sm"
        />
      </label>
      <label className="flex flex-col gap-1 text-xs">
        New admin key (leave empty to keep {c.keyMasked}; required when the base URL changes)
        <input
          name="apiKey"
          type="password"
          autoComplete="off"
          className="rounded border border-slate-300 px-2 py-1 text-sm"
        />
      </label>
      <label className="flex flex-col gap-1 text-xs">
        Schedule (minutes, empty = manual)
        <input
          name="scheduleMinutes"
          type="number"
          min={15}
          defaultValue={c.scheduleMinutes ?? ""}
          className="rounded border border-slate-300 px-2 py-1 text-sm"
        />
      </label>
      {error && <p className="text-xs text-red-700 sm:col-span-2">{error}</p>}
      <div className="sm:col-span-2">
        <button disabled={pending} className={buttonClass("primary", "sm")}>
          Save
        </button>
      </div>
    </form>
  );
}
