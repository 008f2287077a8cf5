"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import { buttonClass } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { useToast } from "@/components/ui/toast";
import { fetchJson } from "@/lib/client/fetch-json";
import { queryKeys } from "@/lib/client/query-keys";
import { microsToDecimal } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";
import type { PolicyView } from "@/lib/limits/limits-screen";
import { LIMIT_ACTIONS } from "@/lib/limits/policy-input";
import { productLabel } from "@/lib/products/known-products";

import { ProductSelect } from "../products/product-select";
import { SimulationPanel, useSimulation } from "./simulation-panel";

export type EditTarget =
  | { mode: "edit"; policy: Serialized<PolicyView> }
  | {
      mode: "create";
      scope: "WORKSPACE" | "GROUP" | "MEMBER";
      targetId: string | null;
      targetName: string;
    };

const ACTION_LABELS: Record<string, string> = {
  BLOCK: "Block",
  ALERT_ONLY: "Alert only",
  DEGRADE: "Degrade",
  QUEUE: "Queue",
};

function plain(micros: string | null): string {
  if (micros === null) return "";
  return microsToDecimal(BigInt(micros), 2).replace(/\.00$/, "");
}

/** "Override removed", "Group limit on Platform removed", "Workspace default removed". */
function removedLabel(p: Serialized<PolicyView>): string {
  const product = p.product ? ` (${productLabel(p.product)} only)` : "";
  if (p.scope === "MEMBER") return `Override for ${p.targetName}${product}`;
  if (p.scope === "GROUP") return `Group limit on ${p.targetName}${product}`;
  return `Workspace default${product}`;
}

/** The create body that sets a removed limit again, to the micro-unit (the Undo of a removal). */
export function recreateBody(p: Serialized<PolicyView>) {
  const exact = (m: string | null) => (m === null ? "" : microsToDecimal(BigInt(m)));
  return {
    scope: p.scope,
    groupId: p.scope === "GROUP" ? p.targetId : undefined,
    memberId: p.scope === "MEMBER" ? p.targetId : undefined,
    product: p.product,
    amount: exact(p.amountMicros),
    poolCap: exact(p.poolCapMicros),
    softThresholdPct: String(p.softThresholdPct),
    action: p.action,
    startsOn: p.startsOn ?? "",
    expiresOn: p.expiresOn ?? "",
    note: p.note ?? "",
  };
}

/** One form for every level: per-member limit, pooled cap, product, threshold, action, dates, note. */
export function PolicyEditor({
  target,
  unitLabel,
  onDone,
  onSaved,
}: {
  target: EditTarget;
  unitLabel: string;
  onDone: () => void;
  /** after a save or a removal went through (a page rendered on the server refreshes) */
  onSaved?: () => void;
}) {
  const qc = useQueryClient();
  const p = target.mode === "edit" ? target.policy : null;
  const scope = p?.scope ?? (target.mode === "create" ? target.scope : "MEMBER");
  const [form, setForm] = useState({
    amount: plain(p?.amountMicros ?? null),
    poolCap: plain(p?.poolCapMicros ?? null),
    product: p?.product ?? "",
    softThresholdPct: String(p?.softThresholdPct ?? 80),
    action: p?.action ?? "BLOCK",
    startsOn: p?.startsOn ?? "",
    expiresOn: p?.expiresOn ?? "",
    note: p?.note ?? "",
  });
  const set =
    (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
      setForm({ ...form, [k]: e.target.value });
  // the limit's terms as typed: what Save sends and what the preview simulates
  const terms = {
    amount: form.amount,
    poolCap: form.poolCap,
    softThresholdPct: form.softThresholdPct,
    action: form.action,
    startsOn: form.startsOn,
    expiresOn: form.expiresOn,
    note: form.note,
  };
  const save = useMutation({
    mutationFn: async () => {
      const body = terms;
      if (p)
        return fetchJson(`/api/limits/policies/${p.id}`, {
          method: "PATCH",
          body: JSON.stringify({ ...body, version: p.version }),
        });
      const t = target as Extract<EditTarget, { mode: "create" }>;
      return fetchJson("/api/limits/policies", {
        method: "POST",
        body: JSON.stringify({
          ...body,
          scope: t.scope,
          product: form.product,
          groupId: t.scope === "GROUP" ? t.targetId : undefined,
          memberId: t.scope === "MEMBER" ? t.targetId : undefined,
        }),
      });
    },
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: queryKeys.limits() });
      onSaved?.();
      onDone();
    },
  });
  // what the limit as typed would have done (a product-scoped one through that product's checks)
  const t = target.mode === "create" ? target : null;
  const change = {
    kind: "set",
    scope,
    ...(p ? { policyId: p.id } : { product: form.product.trim() }),
    ...(t?.scope === "GROUP" ? { groupId: t.targetId } : {}),
    ...(t?.scope === "MEMBER" ? { memberId: t.targetId } : {}),
    ...terms,
  };
  const sim = useSimulation();
  const simulated = sim.resultFor(change);
  // the preview follows the form: what the limit as typed would have done, before Save
  const changeKey = form.amount || form.poolCap ? JSON.stringify(change) : null;
  const { run } = sim;
  useEffect(() => {
    if (!changeKey) return;
    const timer = setTimeout(() => run(JSON.parse(changeKey) as Record<string, unknown>), 500);
    return () => clearTimeout(timer);
  }, [changeKey, run]);
  const toast = useToast();
  const remove = useMutation({
    mutationFn: () =>
      fetchJson(`/api/limits/policies/${p!.id}?version=${p!.version}`, { method: "DELETE" }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: queryKeys.limits() });
      onSaved?.();
      onDone();
      // no confirmation before: the toast's Undo sets the same limit again (a new audited create)
      const removed = p!;
      if (removed.slot !== "") return;
      toast({
        message: `${removedLabel(removed)} removed`,
        undoneMessage: `${removedLabel(removed)} restored`,
        undo: async () => {
          await fetchJson("/api/limits/policies", {
            method: "POST",
            body: JSON.stringify(recreateBody(removed)),
          });
          await qc.invalidateQueries({ queryKey: queryKeys.limits() });
          onSaved?.();
        },
      });
    },
  });
  const title = p
    ? `Edit limit: ${p.targetName}${p.product ? ` (${productLabel(p.product)})` : ""}`
    : target.mode === "create"
      ? `New ${scope === "MEMBER" ? "override" : "limit"}: ${target.targetName}`
      : "";
  const error = save.error?.message ?? remove.error?.message;
  const input = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";
  return (
    <form
      data-testid="policy-editor"
      className="rounded-lg border border-brand-100 bg-brand-50/40 p-4"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <p className="mb-3 text-sm font-medium">{title}</p>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <label className="text-xs text-slate-600">
          {scope === "MEMBER" ? "Limit" : "Per-member limit"} ({unitLabel})
          <input
            name="amount"
            inputMode="decimal"
            value={form.amount}
            onChange={set("amount")}
            className={input}
            placeholder={scope === "MEMBER" ? "e.g. 1200" : "optional"}
          />
        </label>
        {scope !== "MEMBER" && (
          <label className="text-xs text-slate-600">
            {scope === "GROUP" ? "Pooled cap for the group" : "Workspace-wide cap"} ({unitLabel})
            <input
              name="poolCap"
              inputMode="decimal"
              value={form.poolCap}
              onChange={set("poolCap")}
              className={input}
              placeholder="optional"
            />
          </label>
        )}
        <label className="text-xs text-slate-600">
          Product scope
          <ProductSelect
            name="product"
            value={form.product}
            onChange={(product) => setForm({ ...form, product })}
            disabled={!!p}
            className={input}
          />
        </label>
        <label className="text-xs text-slate-600">
          Soft threshold %
          <input
            name="softThresholdPct"
            inputMode="numeric"
            value={form.softThresholdPct}
            onChange={set("softThresholdPct")}
            className={input}
          />
        </label>
        <label className="text-xs text-slate-600">
          At the hard limit
          <select name="action" value={form.action} onChange={set("action")} className={input}>
            {LIMIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {ACTION_LABELS[a]}
              </option>
            ))}
          </select>
        </label>
        {scope !== "WORKSPACE" && (
          <>
            <label className="text-xs text-slate-600">
              Starts (optional)
              <input
                name="startsOn"
                type="date"
                value={form.startsOn}
                onChange={set("startsOn")}
                className={input}
              />
            </label>
            <label className="text-xs text-slate-600">
              Expires after (optional)
              <input
                name="expiresOn"
                type="date"
                value={form.expiresOn}
                onChange={set("expiresOn")}
                className={input}
              />
            </label>
          </>
        )}
        <label className="text-xs text-slate-600 sm:col-span-2">
          Note
          <input
            name="note"
            value={form.note}
            onChange={set("note")}
            className={input}
            placeholder="why this limit"
          />
        </label>
      </div>
      <SimulationPanel
        result={simulated}
        periods={sim.periods}
        pending={sim.pending}
        error={sim.error}
        onPeriods={(n) => sim.run(change, n)}
      />
      {error && (
        <p
          className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
          data-testid="policy-error"
        >
          {error}
        </p>
      )}
      <div className="mt-3 flex gap-2">
        <button type="submit" disabled={save.isPending} className={buttonClass()}>
          {save.isPending ? "Saving…" : "Save limit"}
        </button>
        <button
          type="button"
          onClick={onDone}
          className="rounded-md border border-slate-300 px-3 py-1.5 text-sm"
        >
          Cancel
        </button>
        {p && p.slot === "" && (
          <button
            type="button"
            disabled={remove.isPending}
            onClick={() => remove.mutate()}
            className="ml-auto rounded-md px-3 py-1.5 text-sm text-red-700 hover:bg-red-50 disabled:opacity-50"
          >
            {remove.isPending ? "Removing…" : "Remove limit"}
          </button>
        )}
        {p && p.slot !== "" && (
          // an approved request's grant: removing it cannot be undone by setting a limit, so ask
          <ConfirmButton
            title={`Remove the grant on ${p.targetName}?`}
            body="The grant ends now: this person falls back to their override, group limit or the default. The request stays approved; the removal is audited."
            confirmLabel="Remove"
            onConfirm={() => remove.mutateAsync()}
            className="ml-auto rounded-md px-3 py-1.5 text-sm text-red-700 hover:bg-red-50"
          >
            Remove grant
          </ConfirmButton>
        )}
      </div>
    </form>
  );
}
