"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import { buttonClass } from "@/components/ui/button";
import { ScrollArea } from "@/components/ui/scroll-area";
import { fetchJson } from "@/lib/client/fetch-json";
import type { RateCardLine, SeenModel } from "@/lib/ratecard/rate-card-entries";

const MATCH: Record<SeenModel["match"], string> = {
  exact: "",
  alias: "alias",
  snapshot: "snapshot → family",
  family: "alias → snapshot",
};
const input = "rounded border border-slate-300 px-2 py-1 text-sm";

export function RateCard({ lines }: { lines: RateCardLine[] }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [kind, setKind] = useState<"price" | "alias">("price");

  const send = (url: string, method: string, body?: unknown) =>
    start(async () => {
      setError(null);
      try {
        await fetchJson(url, {
          method,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (e) {
        return setError(e instanceof Error ? e.message : "Failed");
      }
      setEditing(null);
      router.refresh();
    });
  const unpriced = lines.filter((l) => l.source === "unpriced");

  return (
    <div className="flex flex-col gap-4">
      {unpriced.length > 0 && (
        <p
          className="rounded border border-red-200 bg-red-50 px-3 py-2 text-xs text-red-800"
          data-testid="rate-card-unpriced"
        >
          {unpriced.length} model name{unpriced.length === 1 ? "" : "s"} seen in usage{" "}
          {unpriced.length === 1 ? "has" : "have"} no price:{" "}
          <span className="font-mono">
            {unpriced.map((l) => `${l.model} (${l.provider})`).join(", ")}
          </span>
          . Rows under these names get no list-price estimate, and a provider bill that covers them
          is split by tokens, until you add a price or an alias.
        </p>
      )}
      <ScrollArea label="Rate card">
        <table className="w-full text-sm [&_td]:px-2 [&_th]:px-2" data-testid="rate-card">
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs tracking-wide text-slate-500 uppercase">
              <th className="py-2">Provider</th>
              <th>Model</th>
              <th>Effective from</th>
              <th className="text-right">Input</th>
              <th className="text-right">Cached input</th>
              <th className="text-right">Output</th>
              <th>Source</th>
              <th>Seen in usage (90 days)</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {lines
              .filter((l) => l.source !== "unpriced")
              .map((l) => (
                <tr
                  key={`${l.source}|${l.provider}|${l.model}|${l.effectiveFrom}`}
                  className="border-b border-slate-100 align-top"
                  data-testid={`rate-${l.model}`}
                >
                  <td className="py-1.5 text-slate-600">{l.provider}</td>
                  <td className="font-mono text-xs whitespace-nowrap">{l.model}</td>
                  <td className="whitespace-nowrap">{l.effectiveFrom || "always"}</td>
                  {editing === l.id ? (
                    <EditCells
                      line={l}
                      pending={pending}
                      onCancel={() => setEditing(null)}
                      onSave={(body) => send(`/api/connections/rate-card/${l.id}`, "PATCH", body)}
                    />
                  ) : l.aliasOf ? (
                    <td colSpan={3} className="text-right text-slate-600">
                      priced as <span className="font-mono text-xs">{l.aliasOf}</span>
                    </td>
                  ) : (
                    <>
                      <td className="tabular text-right">${l.input}</td>
                      <td className="tabular text-right">${l.cachedInput}</td>
                      <td className="tabular text-right">${l.output}</td>
                    </>
                  )}
                  <td className="text-slate-600">
                    {l.source === "seed" ? "default" : l.aliasOf ? "alias" : "edited"}
                  </td>
                  <td className="text-xs" data-testid="seen">
                    {l.seen.length === 0 ? (
                      <span className="text-slate-500">—</span>
                    ) : (
                      l.seen.map((s) => (
                        <div key={`${s.provider}|${s.model}`} className="font-mono">
                          {s.model}
                          {MATCH[s.match] && (
                            <span className="ml-1 font-sans text-slate-500">
                              ({MATCH[s.match]})
                            </span>
                          )}
                        </div>
                      ))
                    )}
                  </td>
                  <td className="text-right text-xs whitespace-nowrap">
                    {l.source === "owner" && editing !== l.id && (
                      <>
                        <button
                          type="button"
                          className="text-brand-700 hover:underline"
                          onClick={() => setEditing(l.id)}
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          disabled={pending}
                          className="ml-3 text-red-700 hover:underline disabled:opacity-50"
                          onClick={() => send(`/api/connections/rate-card/${l.id}`, "DELETE")}
                        >
                          Remove
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      </ScrollArea>
      <form
        className="grid grid-cols-2 items-end gap-2 text-xs sm:grid-cols-7"
        data-testid="rate-card-add"
        action={(fd) => {
          const field = (k: string) => String(fd.get(k) ?? "");
          const base = { model: field("model"), effectiveFrom: field("effectiveFrom") };
          send(
            "/api/connections/rate-card",
            "POST",
            kind === "alias"
              ? { ...base, aliasOf: field("aliasOf") }
              : {
                  ...base,
                  inputPerMTok: field("input"),
                  cachedInputPerMTok: field("cached"),
                  outputPerMTok: field("output"),
                },
          );
        }}
      >
        <label className="flex flex-col gap-1 text-slate-600">
          Entry
          <select
            value={kind}
            onChange={(e) => setKind(e.target.value as "price" | "alias")}
            className={input}
          >
            <option value="price">Price</option>
            <option value="alias">Alias</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-slate-600">
          Model name (family, snapshot or alias)
          <input name="model" required placeholder="gpt-4o-mini-2024-07-18" className={input} />
        </label>
        <label className="flex flex-col gap-1 text-slate-600">
          Effective from
          <input name="effectiveFrom" type="date" required className={input} />
        </label>
        {kind === "alias" ? (
          <label className="col-span-2 flex flex-col gap-1 text-slate-600 sm:col-span-3">
            Priced as model
            <input name="aliasOf" required placeholder="gpt-4o-mini" className={input} />
          </label>
        ) : (
          <>
            <label className="flex flex-col gap-1 text-slate-600">
              Input $/1M
              <input name="input" inputMode="decimal" required className={input} />
            </label>
            <label className="flex flex-col gap-1 text-slate-600">
              Cached $/1M
              <input name="cached" inputMode="decimal" required className={input} />
            </label>
            <label className="flex flex-col gap-1 text-slate-600">
              Output $/1M
              <input name="output" inputMode="decimal" required className={input} />
            </label>
          </>
        )}
        <div>
          <button disabled={pending} className={buttonClass("primary", "sm")}>
            {kind === "alias" ? "Add alias" : "Add price"}
          </button>
        </div>
        {error && (
          <p className="col-span-full text-red-700" role="alert">
            {error}
          </p>
        )}
      </form>
      <p className="text-xs text-slate-500">
        Prices are USD per 1M tokens. A reported model name is priced by, in order: an entry with
        exactly that name (a dated snapshot such as gpt-4o-mini-2024-07-18 may have its own price);
        an alias you add; for a dated name, its family (gpt-4o-mini); for a family name or a -latest
        / -0 alias, the newest dated snapshot of the family. A new price or alias applies to the
        days from its date on at the next sync; sync those days again to re-price rows already
        stored. Anthropic cache-write prices follow the default card.
      </p>
    </div>
  );
}

function EditCells({
  line,
  pending,
  onSave,
  onCancel,
}: {
  line: RateCardLine;
  pending: boolean;
  onSave: (body: unknown) => void;
  onCancel: () => void;
}) {
  const [v, setV] = useState({
    input: line.input,
    cached: line.cachedInput,
    output: line.output,
    aliasOf: line.aliasOf,
  });
  const box = `${input} w-24 text-right`;
  const save = () =>
    onSave(
      line.aliasOf
        ? { aliasOf: v.aliasOf }
        : { inputPerMTok: v.input, cachedInputPerMTok: v.cached, outputPerMTok: v.output },
    );
  const buttons = (
    <span className="ml-2 inline-flex gap-2 text-xs">
      <button
        type="button"
        disabled={pending}
        onClick={save}
        className="rounded bg-brand-600 px-2 py-1 font-medium text-white disabled:opacity-50"
      >
        Save
      </button>
      <button type="button" onClick={onCancel} className="text-slate-600 hover:underline">
        Cancel
      </button>
    </span>
  );
  if (line.aliasOf) {
    return (
      <td colSpan={3} className="text-right">
        <input
          aria-label="Priced as model"
          value={v.aliasOf}
          onChange={(e) => setV({ ...v, aliasOf: e.target.value })}
          className={`${input} w-48`}
        />
        {buttons}
      </td>
    );
  }
  return (
    <>
      <td className="text-right">
        <input
          aria-label="Input $/1M"
          inputMode="decimal"
          value={v.input}
          onChange={(e) => setV({ ...v, input: e.target.value })}
          className={box}
        />
      </td>
      <td className="text-right">
        <input
          aria-label="Cached $/1M"
          inputMode="decimal"
          value={v.cached}
          onChange={(e) => setV({ ...v, cached: e.target.value })}
          className={box}
        />
      </td>
      <td className="text-right whitespace-nowrap">
        <input
          aria-label="Output $/1M"
          inputMode="decimal"
          value={v.output}
          onChange={(e) => setV({ ...v, output: e.target.value })}
          className={box}
        />
        {buttons}
      </td>
    </>
  );
}
