"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import { failure, OutcomeMessage, type Outcome } from "@/components/ui/outcome-message";
import { fetchJson } from "@/lib/client/fetch-json";
import type { ConnectionDto } from "@/lib/connections/connections";

import { KeyHelp } from "./key-help";

const DEFAULTS: Record<string, string> = {
  openai: "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com/v1",
  file: "",
  cursor: "https://api.cursor.com",
  codex: "https://api.chatgpt.com/v1/analytics/codex",
};

export function AddConnectionForm() {
  const router = useRouter();
  const [kind, setKind] = useState<"openai" | "anthropic" | "file" | "cursor" | "codex">("openai");
  const [anthropicApi, setAnthropicApi] = useState<"admin" | "analytics">("admin");
  const [pending, start] = useTransition();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  return (
    <form
      className="grid max-w-3xl grid-cols-1 gap-3 text-sm sm:grid-cols-2"
      action={(fd) =>
        start(async () => {
          setOutcome(null);
          const body = {
            kind,
            name: String(fd.get("name") ?? ""),
            baseUrl: String(fd.get("baseUrl") ?? ""),
            apiKey: String(fd.get("apiKey") ?? "") || undefined,
            backfillFrom: String(fd.get("backfillFrom") ?? "") || undefined,
            ...(kind === "anthropic"
              ? {
                  anthropic: {
                    api: anthropicApi,
                    ...(anthropicApi === "analytics"
                      ? { seatUsage: String(fd.get("seatUsage") ?? "invoiced") }
                      : {}),
                  },
                }
              : {}),
            ...(kind === "codex"
              ? {
                  codex: {
                    workspaceId: String(fd.get("codexWorkspace") ?? ""),
                    pageParam: String(fd.get("codexPageParam") ?? "page"),
                  },
                }
              : {}),
          };
          let added: ConnectionDto;
          try {
            added = await fetchJson<ConnectionDto>("/api/connections", {
              method: "POST",
              body: JSON.stringify(body),
            });
          } catch (e) {
            return setOutcome(failure(e));
          }
          setOutcome({ ok: true, text: `Added ${added.name} (key ${added.keyMasked})` });
          router.refresh();
        })
      }
    >
      <label className="flex flex-col gap-1 text-xs text-slate-600">
        Provider
        <select
          name="kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as typeof kind)}
          className="rounded border border-slate-300 px-2 py-1.5 text-sm"
        >
          <option value="openai">OpenAI (Administration API)</option>
          <option value="anthropic">Anthropic</option>
          <option value="cursor">Cursor (Admin API)</option>
          <option value="codex">Codex Analytics API (outcomes: threads, lines)</option>
          <option value="file">File import (CSV / JSONL / FOCUS)</option>
        </select>
      </label>
      <label className="flex flex-col gap-1 text-xs text-slate-600">
        Name
        <input
          name="name"
          required
          placeholder={
            kind === "anthropic"
              ? "Anthropic production"
              : kind === "file"
                ? "Finance export"
                : kind === "cursor"
                  ? "Cursor team"
                  : kind === "codex"
                    ? "Codex analytics"
                    : "OpenAI production"
          }
          className="rounded border border-slate-300 px-2 py-1.5 text-sm"
        />
      </label>
      {kind === "anthropic" && (
        <>
          <label className="flex flex-col gap-1 text-xs text-slate-600">
            Anthropic API
            <select
              name="anthropicApi"
              value={anthropicApi}
              onChange={(e) => setAnthropicApi(e.target.value as typeof anthropicApi)}
              className="rounded border border-slate-300 px-2 py-1.5 text-sm"
            >
              <option value="admin">
                Usage &amp; cost reports + Claude Code (legacy Admin API)
              </option>
              <option value="analytics">
                Usage &amp; Cost Analytics API (beta): cost per person
              </option>
            </select>
          </label>
          {anthropicApi === "analytics" ? (
            <label className="flex flex-col gap-1 text-xs text-slate-600">
              People&apos;s Claude Code and chat use
              <select
                name="seatUsage"
                defaultValue="invoiced"
                className="rounded border border-slate-300 px-2 py-1.5 text-sm"
              >
                <option value="invoiced">Billed per use (Console, usage-based Enterprise)</option>
                <option value="included">Covered by seat fees (shown as an estimate)</option>
              </select>
            </label>
          ) : (
            <div />
          )}
        </>
      )}
      {kind === "codex" && (
        <>
          <label className="flex flex-col gap-1 text-xs text-slate-600">
            ChatGPT workspace id (Admin console)
            <input
              name="codexWorkspace"
              required
              className="rounded border border-slate-300 px-2 py-1.5 font-mono text-sm"
            />
          </label>
          <label className="flex flex-col gap-1 text-xs text-slate-600">
            Next-page parameter (unconfirmed by OpenAI)
            <select
              name="codexPageParam"
              defaultValue="page"
              className="rounded border border-slate-300 px-2 py-1.5 text-sm"
            >
              <option value="page">page</option>
              <option value="cursor">cursor</option>
            </select>
          </label>
        </>
      )}
      {kind !== "file" && (
        <>
          <label className="flex flex-col gap-1 text-xs text-slate-600">
            Base URL (with version)
            <input
              key={kind}
              name="baseUrl"
              defaultValue={DEFAULTS[kind]}
              className="rounded border border-slate-300 px-2 py-1.5 font-mono text-sm"
            />
          </label>
          <label className="flex flex-col gap-1 text-xs text-slate-600">
            {kind === "cursor"
              ? "Admin API key"
              : kind === "codex"
                ? "Platform API key"
                : "Admin key"}{" "}
            (stored encrypted, never shown again)
            <input
              name="apiKey"
              type="password"
              autoComplete="off"
              required
              className="rounded border border-slate-300 px-2 py-1.5 text-sm"
            />
          </label>
          <KeyHelp kind={kind} />
        </>
      )}
      <label className="flex flex-col gap-1 text-xs text-slate-600">
        Backfill from (first sync)
        <input
          name="backfillFrom"
          type="date"
          className="rounded border border-slate-300 px-2 py-1.5 text-sm"
        />
      </label>
      <div className="flex items-end">
        <button
          disabled={pending}
          className="rounded bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50"
        >
          Add connection
        </button>
      </div>
      <OutcomeMessage outcome={outcome} className="text-xs sm:col-span-2" />
      {kind === "file" && (
        <p className="text-xs text-slate-500 sm:col-span-2">
          Add it, then upload files on its row in the list above (Allotment CSV/JSONL or FOCUS 1.2
          CSV), or from the command line with{" "}
          <code>npm run allotment -- sync --connection &lt;name&gt; --file usage.csv</code>.
        </p>
      )}
    </form>
  );
}
