"use client";

import { useState } from "react";

import { failure, OutcomeMessage, type Outcome } from "@/components/ui/outcome-message";
import { fetchJson } from "@/lib/client/fetch-json";

/** Where each provider's admin key is made, and the role that may make it. */
const HELP: Record<string, { where: React.ReactNode; role: string; not: string }> = {
  openai: {
    where: (
      <>
        platform.openai.com → Settings → Organization → <b>Admin keys</b>
      </>
    ),
    role: "an organization Owner",
    not: "A project API key (sk-proj-…) is refused by the usage and costs endpoints: use an admin key (sk-admin-…).",
  },
  anthropic: {
    where: (
      <>
        Claude Console → Settings → <b>Admin keys</b>
      </>
    ),
    role: "an organization member with the admin role",
    not: "A regular API key (sk-ant-api…) is refused by the usage and cost reports: use an Admin API key (sk-ant-admin…).",
  },
  cursor: {
    where: (
      <>
        Cursor dashboard → Settings → <b>Admin API keys</b> (Business or Enterprise plan)
      </>
    ),
    role: "a team admin",
    not: "A personal API key cannot read the team's usage.",
  },
  codex: {
    where: (
      <>
        platform.openai.com → <b>API keys</b>, a key with &quot;Read only&quot; permissions, which
        OpenAI support then scopes to <code>codex.enterprise.analytics.read</code>; the workspace id
        is in the ChatGPT Admin console
      </>
    ),
    role: "an OpenAI organization member allowed to make keys (the scope is added by OpenAI support)",
    not: "An unscoped key is refused by the analytics route (403). It reads Codex threads and lines per person and day for Outcomes; Codex spend comes from the ChatGPT workspace's connection.",
  },
};

/**
 * Beside the key field of the add-connection form: where the key comes from, who may make it,
 * and a "Test key" that asks the provider before anything is saved (it reads the form's own
 * fields, so the form needs no change to its submit).
 */
export function KeyHelp({ kind }: { kind: string }) {
  const [result, setResult] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const help = HELP[kind];
  if (!help) return null;
  const test = async (form: HTMLFormElement | null) => {
    if (!form) return;
    const fd = new FormData(form);
    const api = String(fd.get("anthropicApi") ?? "");
    setBusy(true);
    setResult(null);
    try {
      const r = await fetchJson<{ ok: boolean; detail: string }>("/api/connections/test-key", {
        method: "POST",
        body: JSON.stringify({
          kind,
          baseUrl: String(fd.get("baseUrl") ?? ""),
          apiKey: String(fd.get("apiKey") ?? ""),
          ...(kind === "anthropic" && api ? { anthropic: { api } } : {}),
          ...(kind === "codex"
            ? {
                codex: {
                  workspaceId: String(fd.get("codexWorkspace") ?? ""),
                  pageParam: String(fd.get("codexPageParam") ?? "page"),
                },
              }
            : {}),
        }),
      });
      setResult({ ok: r.ok, text: r.ok ? `Works: ${r.detail}` : `Does not work: ${r.detail}` });
    } catch (e) {
      setResult(failure(e, "Test failed"));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="rounded-lg bg-slate-50 p-3 text-xs text-slate-600 sm:col-span-2">
      <p>
        <span className="font-medium text-slate-700">Where to get the key:</span> {help.where}. Only{" "}
        {help.role} can create one. {help.not}
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <button
          type="button"
          disabled={busy}
          onClick={(e) => void test(e.currentTarget.form)}
          className="rounded border border-slate-300 bg-white px-3 py-1.5 text-xs font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50"
        >
          {busy ? "Testing…" : "Test key"}
        </button>
        <span className="text-slate-500">Asks the provider now; nothing is saved.</span>
      </div>
      <OutcomeMessage outcome={result} testId="key-test-result" className="mt-2" />
    </div>
  );
}
