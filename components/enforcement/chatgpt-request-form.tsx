"use client";

/** The request form behind the ChatGPT custom request destination (files an Allotment request, source "chatgpt"). */
import { useState, useTransition } from "react";

import { buttonClass } from "@/components/ui/button";
import { Card, ErrorNote } from "@/components/ui/card";
import type { Unit } from "@/lib/core/money";

export function ChatgptRequestForm({
  unit,
  defaultUntil,
  prefill,
}: {
  unit: Unit;
  defaultUntil: string;
  prefill: string;
}) {
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState(`${prefill} `);
  const [until, setUntil] = useState(defaultUntil);
  const [product, setProduct] = useState("");
  const [done, setDone] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const input = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";
  if (done !== null)
    return (
      <Card title="Request sent">
        <p className="text-sm" role="status">
          Request #{done} is in your approvers&apos; queue. You can follow it under Requests.
        </p>
      </Card>
    );
  return (
    <Card title="Ask for more">
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          start(async () => {
            setError(null);
            const res = await fetch("/api/enforcement/request", {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ amount, reason, neededUntil: until, product }),
            });
            const out = (await res.json().catch(() => ({}))) as { id?: number; error?: string };
            if (!res.ok || !out.id) setError(out.error ?? `Failed (${res.status})`);
            else setDone(out.id);
          });
        }}
      >
        <label className="block text-sm">
          Amount ({unit === "USD" ? "USD" : "credits"})
          <input
            className={input}
            name="amount"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            inputMode="decimal"
            placeholder={unit === "USD" ? "e.g. 50" : "e.g. 300"}
          />
        </label>
        <label className="block text-sm">
          Why you need it
          <textarea
            className={input}
            name="reason"
            rows={4}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        <label className="block text-sm">
          Product
          <select
            className={input}
            name="product"
            value={product}
            onChange={(e) => setProduct(e.target.value)}
          >
            <option value="">ChatGPT and Codex</option>
            <option value="codex">Codex only</option>
            <option value="chatgpt">ChatGPT only</option>
          </select>
        </label>
        <label className="block text-sm">
          Needed until
          <input
            className={input}
            type="date"
            name="neededUntil"
            value={until}
            onChange={(e) => setUntil(e.target.value)}
          />
        </label>
        {error && <ErrorNote message={error} />}
        <button type="submit" disabled={pending} className={buttonClass()}>
          Send request
        </button>
      </form>
    </Card>
  );
}
