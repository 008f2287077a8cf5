"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import { fetchJson } from "@/lib/fetch-json";
import {
  formatAmount,
  MAX_AMOUNT_MICROS,
  microsToDecimal,
  parseAmountText,
  type Unit,
} from "@/lib/money";
import { queryKeys } from "@/lib/query-keys";
import type { QueueItem } from "@/lib/requests/queue";
import type { Serialized } from "@/lib/serialize";

import { SimulationPanel, useSimulation } from "../limits/simulation-panel";
import { SourceBadge } from "./source-badge";
import { Sparkline } from "./sparkline";
import { StatusBadge } from "./status-badge";

const amt = (m: string | null, unit: Unit) =>
  m === null ? "unlimited" : formatAmount(BigInt(m), unit);

function age(hours: number): string {
  if (hours < 1) return "just now";
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** One request in the deciders' queue: context, then approve (asked or other amount) or deny with a note. */
/** "Name (CC-1)", or just "Name" for a group without a cost center. */
function groupLabel(g: { name: string; costCenter: string }): string {
  return g.costCenter.trim() ? `${g.name} (${g.costCenter})` : g.name;
}

/**
 * What approving the typed amount would do, checked with the server's own parser and rules:
 * the requester's limit before and after, or why it cannot be granted (the server checks again).
 */
function grantPreview(
  item: Serialized<QueueItem>,
  text: string,
  unit: Unit,
): { ok: true; line: string } | { ok: false; line: string | null } {
  if (text.trim() === "") return { ok: false, line: null };
  const parsed = parseAmountText(text, { label: "Amount to grant" });
  if (!parsed.ok) return { ok: false, line: parsed.error };
  if (item.grant?.maxMicros != null && parsed.micros > BigInt(item.grant.maxMicros))
    return { ok: false, line: item.grant.why };
  const before = item.current?.limitMicros;
  const forProduct = item.product ? ` for ${item.product}` : "";
  if (before === undefined) return { ok: true, line: "" };
  if (before === null)
    return {
      ok: false,
      line: `${item.requester.name} has no limit${forProduct} now: a grant would change nothing — deny with a note`,
    };
  const after = BigInt(before) + parsed.micros;
  if (after > MAX_AMOUNT_MICROS)
    return {
      ok: false,
      line: `That would lift the limit to ${formatAmount(after, unit)}, above the ${formatAmount(MAX_AMOUNT_MICROS, unit)} maximum`,
    };
  return {
    ok: true,
    line: `Limit${forProduct}: ${formatAmount(BigInt(before), unit)} now → ${formatAmount(after, unit)} until ${item.neededUntil} (other overrides stay)`,
  };
}

export function QueueItemCard({ item, unit }: { item: Serialized<QueueItem>; unit: Unit }) {
  const qc = useQueryClient();
  // a vendor request may carry no amount (Claude records none): the approver must enter one
  const noAmount = BigInt(item.amountMicros) <= 0n;
  const [amount, setAmount] = useState(
    noAmount ? "" : microsToDecimal(BigInt(item.amountMicros), 2).replace(/\.00$/, ""),
  );
  const preview = grantPreview(item, amount, unit);
  const amountOk = preview.ok;
  const [note, setNote] = useState("");
  const decide = useMutation({
    mutationFn: (kind: "approve" | "deny") =>
      fetchJson(`/api/requests/${item.id}/${kind}`, {
        method: "POST",
        body: JSON.stringify(kind === "approve" ? { amount, note } : { note }),
      }),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.requests() }),
  });
  const revoke = useMutation({
    mutationFn: () => fetchJson(`/api/requests/${item.id}/revoke`, { method: "POST" }),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.requests() }),
  });
  const s = item.snapshot;
  const pending = item.status === "PENDING";
  // what this approval would have done over past periods (the limit simulator), on demand
  const [simulating, setSimulating] = useState(false);
  const sim = useSimulation();
  const change = { kind: "approve", requestId: item.id, amount };
  const simKey = simulating && amountOk ? JSON.stringify(change) : null;
  const { run } = sim;
  useEffect(() => {
    if (!simKey) return;
    const timer = setTimeout(() => run(JSON.parse(simKey) as Record<string, unknown>), 400);
    return () => clearTimeout(timer);
  }, [simKey, run]);
  return (
    <li className="rounded-lg border border-slate-200 p-4" data-testid={`queue-item-${item.id}`}>
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span className="font-medium">
          #{item.id} {item.requester.name}
        </span>
        <span className="text-xs text-slate-500">{item.requester.email}</span>
        <span className="text-xs text-slate-500">
          {item.groups.map(groupLabel).join(", ") || "no group"}
          {item.requester.costCenter ? ` · cost center ${item.requester.costCenter}` : ""}
        </span>
        <StatusBadge status={item.status} />
        <SourceBadge source={item.source} />
        <span className="ml-auto text-xs text-slate-500">filed {age(item.ageHours)}</span>
      </div>
      <p className="mt-2 text-sm">
        {noAmount ? (
          <span className="font-medium text-amber-800" data-testid="queue-no-amount">
            no amount given — enter the amount to grant
          </span>
        ) : (
          <>
            asks for{" "}
            <span className="tabular font-semibold">
              {formatAmount(BigInt(item.amountMicros), unit)}
            </span>
          </>
        )}
        {item.product && <> for {item.product}</>} · needed until {item.neededUntil}
        {item.link && (
          <>
            {" · "}
            <a
              href={item.link}
              target="_blank"
              rel="noreferrer noopener"
              className="text-brand-700 underline"
            >
              ticket / PR
            </a>
          </>
        )}
      </p>
      <p className="mt-1 text-sm text-slate-700">“{item.reason}”</p>
      <div className="mt-3 grid gap-3 text-xs text-slate-600 sm:grid-cols-3">
        <div>
          <p className="font-medium text-slate-700">When filed</p>
          {s ? (
            <p>
              used {amt(s.usedMicros, unit)} of {amt(s.limitMicros, unit)} ({s.reason}); projected{" "}
              {amt(s.projectedMicros, unit)} by {s.period.end}
            </p>
          ) : (
            <p>no snapshot</p>
          )}
        </div>
        <div>
          <p className="font-medium text-slate-700">Now</p>
          {item.current ? (
            <p data-testid="queue-current">
              used {amt(item.current.usedMicros, unit)} of {amt(item.current.limitMicros, unit)} (
              {item.current.reason})
            </p>
          ) : (
            <p>
              {item.grantedMicros ? `granted ${amt(item.grantedMicros, unit)}` : "—"}
              {item.decider ? ` by ${item.decider}` : ""}
              {item.decisionNote ? `: “${item.decisionNote}”` : ""}
            </p>
          )}
        </div>
        <div className="flex items-center gap-2">
          <Sparkline
            values={item.sparkline}
            label={`${item.requester.name}'s daily usage, last 14 days`}
          />
          <span>last 14 days</span>
        </div>
      </div>
      {item.previous.length > 0 && (
        <p className="mt-2 text-xs text-slate-500">
          Previous:{" "}
          {item.previous
            .map(
              (p) =>
                `#${p.id} ${p.status.toLowerCase()} ${p.grantedMicros === null && BigInt(p.amountMicros) <= 0n ? "(no amount)" : amt(p.grantedMicros ?? p.amountMicros, unit)}`,
            )
            .join(" · ")}
        </p>
      )}
      {item.autoApproved && item.status === "APPROVED" && (
        <div className="mt-3 flex flex-wrap items-center gap-2 border-t border-slate-100 pt-3 text-sm">
          {item.revokedAt ? (
            <span className="text-slate-600" data-testid="grant-revoked">
              Approved by an auto-approval policy; the grant was revoked on{" "}
              {item.revokedAt.slice(0, 10)}.
            </span>
          ) : (
            <>
              <span className="text-slate-600">
                Approved at once by an auto-approval policy. Revoking ends its grant now.
              </span>
              <button
                type="button"
                disabled={revoke.isPending}
                onClick={() => revoke.mutate()}
                className="rounded-md border border-red-300 px-3 py-1 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-50"
              >
                Revoke grant
              </button>
            </>
          )}
          {revoke.error && <span className="w-full text-red-700">{revoke.error.message}</span>}
        </div>
      )}
      {pending && (
        <div className="mt-3 flex flex-wrap items-end gap-2 border-t border-slate-100 pt-3">
          <label className="text-xs text-slate-600">
            Grant
            <input
              aria-label="Amount to grant"
              name="grant"
              required
              inputMode="decimal"
              placeholder={noAmount ? "amount" : undefined}
              aria-invalid={!amountOk}
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              className={`mt-1 block w-28 rounded-md border px-2 py-1 text-sm ${amountOk || !amount ? "border-slate-300" : "border-red-400"}`}
            />
          </label>
          <label className="min-w-48 flex-1 text-xs text-slate-600">
            Note (required to deny)
            <input
              aria-label="Decision note"
              name="note"
              value={note}
              onChange={(e) => setNote(e.target.value)}
              className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
            />
          </label>
          <button
            type="button"
            disabled={decide.isPending || !amountOk}
            title={amountOk ? undefined : (preview.line ?? "Enter an amount above zero to approve")}
            onClick={() => decide.mutate("approve")}
            className="rounded-md bg-emerald-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-700 disabled:opacity-50"
          >
            Approve
          </button>
          <button
            type="button"
            disabled={decide.isPending}
            onClick={() => decide.mutate("deny")}
            className="rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-50"
          >
            Deny
          </button>
          <button
            type="button"
            onClick={() => setSimulating(!simulating)}
            aria-expanded={simulating}
            className="rounded-md border border-slate-300 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50"
          >
            {simulating ? "Hide simulation" : "Simulate"}
          </button>
          {preview.line && (
            <p
              className={`w-full text-xs ${preview.ok ? "text-slate-700" : "text-red-700"}`}
              data-testid="grant-preview"
            >
              {preview.line}
            </p>
          )}
          {simulating && (
            <div className="w-full">
              <SimulationPanel
                result={sim.resultFor(change)}
                periods={sim.periods}
                pending={sim.pending}
                error={amountOk ? sim.error : (preview.line ?? "enter an amount")}
                onPeriods={(n) => sim.run(change, n)}
              />
            </div>
          )}
          {decide.error && (
            <p className="w-full text-sm text-red-700" data-testid="decide-error">
              {decide.error.message}
            </p>
          )}
        </div>
      )}
    </li>
  );
}
