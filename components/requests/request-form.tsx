"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { buttonClass } from "@/components/ui/button";
import { fetchJson } from "@/lib/client/fetch-json";
import { queryKeys } from "@/lib/client/query-keys";
import { MIN_REASON_LENGTH } from "@/lib/requests/request-input";

import { ProductSelect } from "../products/product-select";

/**
 * Ask for more: amount, reason, optional link, needed-until (default: end of period), product.
 * `initial` prefills it (the budget home suggests what the projection overshoots); `onSent`
 * lets the page around it refresh.
 */
export function RequestForm({
  periodEnd,
  unitLabel,
  initial,
  onSent,
  stacked = false,
}: {
  periodEnd: string;
  unitLabel: string;
  initial?: { amount?: string; reason?: string };
  onSent?: (r: { id: number; approvedBy?: string }) => void;
  /** two columns (a narrow drawer) instead of four */
  stacked?: boolean;
}) {
  const qc = useQueryClient();
  const [form, setForm] = useState({
    amount: initial?.amount ?? "",
    reason: initial?.reason ?? "",
    link: "",
    neededUntil: periodEnd,
    product: "",
  });
  const [done, setDone] = useState<{ id: number; approvedBy?: string } | null>(null);
  const set =
    (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      setForm({ ...form, [k]: e.target.value });
  const file = useMutation({
    mutationFn: () =>
      fetchJson<{ id: number; approvedBy?: string }>("/api/requests", {
        method: "POST",
        body: JSON.stringify(form),
      }),
    onSuccess: async (r) => {
      setDone(r);
      onSent?.(r);
      setForm({ amount: "", reason: "", link: "", neededUntil: periodEnd, product: "" });
      await qc.invalidateQueries({ queryKey: queryKeys.requests() });
    },
  });
  const input = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";
  return (
    <form
      id="request-form"
      data-testid="request-form"
      className={`grid gap-3 ${stacked ? "sm:grid-cols-2" : "sm:grid-cols-4"}`}
      onSubmit={(e) => {
        e.preventDefault();
        setDone(null);
        file.mutate();
      }}
    >
      <label className="text-xs text-slate-600">
        Amount ({unitLabel})
        <input
          name="amount"
          inputMode="decimal"
          required
          value={form.amount}
          onChange={set("amount")}
          className={input}
          placeholder="e.g. 300"
        />
      </label>
      <label className="text-xs text-slate-600">
        Needed until
        <input
          name="neededUntil"
          type="date"
          value={form.neededUntil}
          onChange={set("neededUntil")}
          className={input}
        />
      </label>
      <label className="text-xs text-slate-600">
        Product
        <ProductSelect
          name="product"
          value={form.product}
          onChange={(product) => setForm({ ...form, product })}
          className={input}
        />
      </label>
      <label className="text-xs text-slate-600">
        Link to ticket / PR (optional)
        <input
          name="link"
          type="url"
          value={form.link}
          onChange={set("link")}
          className={input}
          placeholder="https://…"
        />
      </label>
      <label className="text-xs text-slate-600 sm:col-span-full">
        Why do you need it? ({MIN_REASON_LENGTH}+ characters)
        <textarea
          name="reason"
          required
          rows={2}
          value={form.reason}
          onChange={set("reason")}
          className={input}
          placeholder="What you are working on and why the current limit is not enough"
        />
      </label>
      <div className="flex items-center gap-3 sm:col-span-full">
        <button type="submit" disabled={file.isPending} className={buttonClass()}>
          {file.isPending ? "Sending…" : "Send request"}
        </button>
        {file.error && (
          <span className="text-sm text-red-700" data-testid="request-error">
            {file.error.message}
          </span>
        )}
        {done !== null && (
          <span className="text-sm text-emerald-700" data-testid="request-sent">
            {done.approvedBy
              ? `Request #${done.id} approved at once by the policy "${done.approvedBy}" — your limit is raised.`
              : `Request #${done.id} sent — you will be notified here.`}
          </span>
        )}
      </div>
    </form>
  );
}
