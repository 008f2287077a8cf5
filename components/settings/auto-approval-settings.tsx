"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { buttonClass } from "@/components/ui/button";
import { fetchJson } from "@/lib/client/fetch-json";
import { formatAmount, microsToDecimal, type Unit } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";
import { productLabel } from "@/lib/products/known-products";

import { useKnownProducts } from "../products/product-select";

interface PolicyView {
  id: string;
  name: string;
  enabled: boolean;
  groupIds: string[];
  products: string[];
  maxAmountMicros: bigint;
  maxPerPeriod: number;
  forecastCeilingMicros: bigint | null;
  maxDays: number;
  version: number;
  approvals: number;
}
interface Listing {
  policies: Serialized<PolicyView>[];
  groups: { id: string; name: string }[];
}
interface Preview {
  from: string;
  approved: number;
  approvedMicros: string;
  rows: {
    id: number;
    requester: string;
    filedOn: string;
    amountMicros: string;
    product: string;
    status: string;
    approve: boolean;
    why: string | null;
  }[];
}

const KEY = ["settings", "auto-approval"] as const;
const plain = (m: string | null) =>
  m === null ? "" : microsToDecimal(BigInt(m), 2).replace(/\.00$/, "");

const EMPTY = {
  name: "",
  groupIds: [] as string[],
  /** [] = any product; "" in it = requests for all products */
  products: [] as string[],
  maxAmount: "",
  maxPerPeriod: "1",
  forecastCeiling: "",
  maxDays: "7",
  enabled: true,
};
type Form = typeof EMPTY;

function bodyOf(f: Form) {
  return {
    name: f.name,
    enabled: f.enabled,
    groupIds: f.groupIds,
    products: f.products,
    maxAmount: f.maxAmount,
    maxPerPeriod: f.maxPerPeriod,
    forecastCeiling: f.forecastCeiling,
    maxDays: f.maxDays,
  };
}

/** The owner's auto-approval policies: list, create, edit, disable, and preview over past requests. */
export function AutoApprovalSettings({ unit }: { unit: Unit }) {
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: KEY,
    queryFn: () => fetchJson<Listing>("/api/settings/auto-approval"),
  });
  const [editing, setEditing] = useState<{ id: string | null; version: number } | null>(null);
  const [form, setForm] = useState<Form>(EMPTY);
  const known = useKnownProducts();
  // the known products, and any the policy names that are not known (still shown, to untick)
  const productChoices = [
    ...(known.data?.products ?? []),
    ...form.products
      .filter((x) => x !== "" && !known.data?.products.some((k) => k.id === x))
      .map((id) => ({ id, label: id })),
  ];
  const money = (m: string) => formatAmount(BigInt(m), unit);
  const groupName = (id: string) => list.data?.groups.find((g) => g.id === id)?.name ?? "?";
  const save = useMutation({
    mutationFn: (v: { form: Form; id: string | null; version: number }) =>
      fetchJson("/api/settings/auto-approval", {
        method: v.id ? "PATCH" : "POST",
        body: JSON.stringify({
          ...bodyOf(v.form),
          ...(v.id ? { id: v.id, version: v.version } : {}),
        }),
      }),
    onSuccess: async () => {
      setEditing(null);
      preview.reset();
      await qc.invalidateQueries({ queryKey: KEY });
    },
  });
  const preview = useMutation({
    mutationFn: (f: Form) =>
      fetchJson<Preview>("/api/settings/auto-approval/preview", {
        method: "POST",
        body: JSON.stringify({ policy: bodyOf(f), periods: 3 }),
      }),
  });
  const open = (p: Serialized<PolicyView> | null) => {
    preview.reset();
    save.reset();
    setEditing({ id: p?.id ?? null, version: p?.version ?? 0 });
    setForm(
      p
        ? {
            name: p.name,
            groupIds: p.groupIds,
            products: p.products,
            maxAmount: plain(p.maxAmountMicros),
            maxPerPeriod: String(p.maxPerPeriod),
            forecastCeiling: plain(p.forecastCeilingMicros),
            maxDays: String(p.maxDays),
            enabled: p.enabled,
          }
        : EMPTY,
    );
  };
  const set = (k: keyof Form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [k]: e.target.value });
  const input = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";
  const unitLabel = unit === "USD" ? "USD" : "credits";

  return (
    <div data-testid="auto-approval">
      <p className="mb-3 text-sm text-slate-600">
        A request that meets a policy is approved the moment it is filed (audited as approved by
        that policy); one that meets none waits for a person. Deciders can revoke a policy&apos;s
        grant from the Requests screen.
      </p>
      {list.error && <p className="text-sm text-red-700">{list.error.message}</p>}
      {list.data && list.data.policies.length === 0 && (
        <p className="text-sm text-slate-500">No policies yet: every request waits for a person.</p>
      )}
      {list.data && list.data.policies.length > 0 && (
        <ul className="divide-y divide-slate-100 text-sm">
          {list.data.policies.map((p) => (
            <li key={p.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2">
              <span className="font-medium">{p.name}</span>
              {!p.enabled && (
                <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-600">disabled</span>
              )}
              <span className="text-slate-600">
                {p.groupIds.length ? p.groupIds.map(groupName).join(", ") : "anyone"} · up to{" "}
                {money(p.maxAmountMicros)} · {p.maxPerPeriod} per person per period · at most{" "}
                {p.maxDays} days
                {p.forecastCeilingMicros !== null &&
                  ` · forecast under ${money(p.forecastCeilingMicros)}`}
                {p.products.length > 0 &&
                  ` · ${p.products.map((x) => (x ? productLabel(x) : "all-products requests")).join(", ")}`}
              </span>
              <span className="text-xs text-slate-500">{p.approvals} approved</span>
              <span className="ml-auto flex gap-2">
                <button
                  type="button"
                  className="text-brand-700 hover:underline"
                  onClick={() => open(p)}
                >
                  Edit
                </button>
                <button
                  type="button"
                  className="text-slate-700 hover:underline"
                  onClick={() =>
                    save.mutate({
                      id: p.id,
                      version: p.version,
                      form: {
                        name: p.name,
                        groupIds: p.groupIds,
                        products: p.products,
                        maxAmount: plain(p.maxAmountMicros),
                        maxPerPeriod: String(p.maxPerPeriod),
                        forecastCeiling: plain(p.forecastCeilingMicros),
                        maxDays: String(p.maxDays),
                        enabled: !p.enabled,
                      },
                    })
                  }
                >
                  {p.enabled ? "Disable" : "Enable"}
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {!editing && (
        <button
          type="button"
          onClick={() => open(null)}
          className="mt-3 rounded-md border border-slate-300 px-3 py-1.5 text-sm"
        >
          New policy
        </button>
      )}
      {editing && (
        <form
          className="mt-3 rounded-lg border border-brand-100 bg-brand-50/40 p-4"
          data-testid="auto-approval-form"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ form, id: editing.id, version: editing.version });
          }}
        >
          <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            <label className="text-xs text-slate-600">
              Name
              <input name="name" value={form.name} onChange={set("name")} className={input} />
            </label>
            <label className="text-xs text-slate-600">
              Amount up to ({unitLabel})
              <input
                name="maxAmount"
                inputMode="decimal"
                value={form.maxAmount}
                onChange={set("maxAmount")}
                className={input}
              />
            </label>
            <label className="text-xs text-slate-600">
              At most per person per period
              <input
                name="maxPerPeriod"
                inputMode="numeric"
                value={form.maxPerPeriod}
                onChange={set("maxPerPeriod")}
                className={input}
              />
            </label>
            <label className="text-xs text-slate-600">
              Needed for at most (days)
              <input
                name="maxDays"
                inputMode="numeric"
                value={form.maxDays}
                onChange={set("maxDays")}
                className={input}
              />
            </label>
            <label className="text-xs text-slate-600">
              Only if the forecast stays under ({unitLabel}, optional)
              <input
                name="forecastCeiling"
                inputMode="decimal"
                value={form.forecastCeiling}
                onChange={set("forecastCeiling")}
                className={input}
                placeholder="no ceiling"
              />
            </label>
          </div>
          <fieldset className="mt-3 text-xs text-slate-600" data-testid="auto-approval-products">
            <legend>Products (none ticked = any product)</legend>
            <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
              {[...productChoices, { id: "", label: "Requests for all products" }].map((x) => (
                <label key={x.id} className="flex items-center gap-1.5 text-sm text-slate-700">
                  <input
                    type="checkbox"
                    name="products"
                    value={x.id}
                    checked={form.products.includes(x.id)}
                    onChange={(e) =>
                      setForm({
                        ...form,
                        products: e.target.checked
                          ? [...form.products, x.id]
                          : form.products.filter((y) => y !== x.id),
                      })
                    }
                  />
                  {x.label}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset className="mt-3 text-xs text-slate-600">
            <legend>Groups (none ticked = anyone)</legend>
            <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
              {list.data?.groups.map((g) => (
                <label key={g.id} className="flex items-center gap-1.5 text-sm text-slate-700">
                  <input
                    type="checkbox"
                    checked={form.groupIds.includes(g.id)}
                    onChange={(e) =>
                      setForm({
                        ...form,
                        groupIds: e.target.checked
                          ? [...form.groupIds, g.id]
                          : form.groupIds.filter((x) => x !== g.id),
                      })
                    }
                  />
                  {g.name}
                </label>
              ))}
            </div>
          </fieldset>
          {(save.error ?? preview.error) && (
            <p
              className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
              data-testid="auto-approval-error"
            >
              {(save.error ?? preview.error)!.message}
            </p>
          )}
          {preview.data && (
            <div className="mt-3 text-sm" data-testid="auto-approval-preview">
              <p className="font-medium">
                Since {preview.data.from}: would have approved {preview.data.approved} of{" "}
                {preview.data.rows.length} requests ({money(preview.data.approvedMicros)})
              </p>
              <div className="relative mt-2 max-h-60 overflow-auto">
                <table className="w-full text-sm">
                  <thead className="text-xs text-slate-500">
                    <tr>
                      <th className="px-2 py-1 text-left font-medium">Request</th>
                      <th className="px-2 py-1 text-left font-medium">Filed</th>
                      <th className="px-2 py-1 text-right font-medium">Amount</th>
                      <th className="px-2 py-1 text-left font-medium">Decided</th>
                      <th className="px-2 py-1 text-left font-medium">This policy</th>
                    </tr>
                  </thead>
                  <tbody>
                    {preview.data.rows.map((r) => (
                      <tr key={r.id} className="border-t border-slate-100">
                        <td className="px-2 py-1">
                          #{r.id} {r.requester}
                        </td>
                        <td className="px-2 py-1">{r.filedOn}</td>
                        <td className="px-2 py-1 text-right tabular-nums">
                          {money(r.amountMicros)}
                        </td>
                        <td className="px-2 py-1 text-slate-600">{r.status.toLowerCase()}</td>
                        <td className="px-2 py-1">
                          {r.approve ? (
                            <span className="text-emerald-700">approve at once</span>
                          ) : (
                            <span className="text-slate-500">wait: {r.why}</span>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          )}
          <div className="mt-3 flex gap-2">
            <button
              type="button"
              disabled={preview.isPending}
              onClick={() => preview.mutate(form)}
              className="rounded-md border border-slate-300 px-3 py-1.5 text-sm"
            >
              {preview.isPending ? "Checking…" : "Preview on past requests"}
            </button>
            <button type="submit" disabled={save.isPending} className={buttonClass()}>
              {save.isPending ? "Saving…" : "Save policy"}
            </button>
            <button
              type="button"
              onClick={() => setEditing(null)}
              className="rounded-md border border-slate-300 px-3 py-1.5 text-sm"
            >
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
