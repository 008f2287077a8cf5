"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

import { Sparkline } from "@/components/charts/sparkline";
import { buttonClass } from "@/components/ui/button";
import { fetchJson } from "@/lib/client/fetch-json";
import { queryKeys } from "@/lib/client/query-keys";
import {
  formatAmount,
  MAX_AMOUNT_MICROS,
  microsToDecimal,
  parseAmountText,
  type Unit,
} from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";
import { productLabel } from "@/lib/products/known-products";
import type { QueueItem } from "@/lib/requests/request-queue";

import { SimulationPanel, useSimulation } from "../limits/simulation-panel";
import { CostPerPr } from "../outcomes/cost-per-pr";
import { filedAgo } from "./age";
import { SourceBadge } from "./source-badge";
import { StatusBadge } from "./status-badge";

const amt = (m: string | null, unit: Unit) =>
  m === null ? "unlimited" : formatAmount(BigInt(m), unit);

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
  const forProduct = item.product ? ` for ${productLabel(item.product)}` : "";
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

/** Used share of a limit as a thin bar (display only). */
function MiniMeter({ used, limit, state }: { used: string; limit: string; state: string }) {
  const cap = BigInt(limit);
  const pct = cap > 0n ? Number((BigInt(used) * 1000n) / cap) / 10 : 100;
  const fill =
    state === "over" ? "bg-red-500" : state === "soft" ? "bg-amber-500" : "bg-emerald-500";
  return (
    <span
      className="inline-block h-1.5 w-20 overflow-hidden rounded-full bg-slate-100 align-middle"
      aria-hidden="true"
    >
      <span className={`block h-1.5 ${fill}`} style={{ width: `${Math.min(100, pct)}%` }} />
    </span>
  );
}

/**
 * One request in the deciders' inbox, compact: who, how much, the limit before → after
 * approval (by the effective-limit rule, from the server), their spend against it, how long
 * it has waited, and the decision row. Details (the full reason, the snapshot at filing, the
 * last 14 days, earlier requests, the simulator) open on demand. A request from someone with
 * no personal limit offers no approval: it would change nothing.
 */
export function QueueItemCard({
  item,
  unit,
  selected = false,
  onSelect,
}: {
  item: Serialized<QueueItem>;
  unit: Unit;
  selected?: boolean;
  onSelect?: (checked: boolean) => void;
}) {
  const qc = useQueryClient();
  // a vendor request may carry no amount (Claude records none): the approver must enter one
  const noAmount = BigInt(item.amountMicros) <= 0n;
  const [amount, setAmount] = useState(
    noAmount ? "" : microsToDecimal(BigInt(item.amountMicros), 2).replace(/\.00$/, ""),
  );
  const preview = grantPreview(item, amount, unit);
  const amountOk = preview.ok;
  const [note, setNote] = useState("");
  const [open, setOpen] = useState(false);
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
  const cur = item.current;
  // approving changes nothing for someone without a personal limit: no approve is offered
  const noLimit = pending && cur !== null && cur.limitMicros === null;
  const forProduct = item.product ? ` for ${productLabel(item.product)}` : "";
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
  const detailsId = `queue-details-${item.id}`;
  return (
    <li
      className={`rounded-lg border p-3 ${selected ? "border-brand-500 bg-brand-50/40" : "border-slate-200"}`}
      data-testid={`queue-item-${item.id}`}
      data-status={item.status}
    >
      <div className="flex items-start gap-3">
        {pending && onSelect && (
          <input
            type="checkbox"
            className="mt-1 h-4 w-4 shrink-0"
            aria-label={`Select request #${item.id} from ${item.requester.name}`}
            checked={selected}
            onChange={(e) => onSelect(e.target.checked)}
            data-testid="queue-select"
          />
        )}
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
            <span className="font-medium">{item.requester.name}</span>
            <span className="text-xs text-slate-500">
              #{item.id} · {item.groups.map(groupLabel).join(", ") || "no group"}
            </span>
            <StatusBadge status={item.status} />
            <SourceBadge source={item.source} />
            <span
              className="ml-auto text-xs whitespace-nowrap text-slate-500"
              data-testid="queue-age"
              title={item.createdAt}
            >
              filed {filedAgo(item.ageMinutes)}
            </span>
          </div>
          <p className="mt-1 text-sm">
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
            {item.product && <> for {productLabel(item.product)}</>}
            <span className="text-slate-500"> · until {item.neededUntil}</span>
            {!pending && item.grantedMicros && (
              <span className="text-slate-600">
                {" "}
                · granted {amt(item.grantedMicros, unit)}
                {item.decider ? ` by ${item.decider}` : ""}
              </span>
            )}
          </p>
          <p className="mt-0.5 line-clamp-1 text-xs text-slate-600" title={item.reason}>
            “{item.reason}”
          </p>
          {cur && (
            <div className="mt-1.5 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-600">
              <span data-testid="queue-current">
                {cur.limitMicros !== null && (
                  <>
                    <MiniMeter
                      used={cur.usedMicros}
                      limit={cur.limitMicros}
                      state={cur.state}
                    />{" "}
                  </>
                )}
                spent {amt(cur.usedMicros, unit)} of {amt(cur.limitMicros, unit)} this period (
                {cur.reason})
              </span>
              {item.afterApproval && cur.limitMicros !== null && (
                <span data-testid="queue-before-after" className="text-slate-800">
                  limit{forProduct} <span className="tabular">{amt(cur.limitMicros, unit)}</span> →{" "}
                  <span className="tabular font-semibold">
                    {amt(item.afterApproval.limitMicros, unit)}
                  </span>{" "}
                  if approved
                </span>
              )}
            </div>
          )}
        </div>
      </div>
      {noLimit && (
        <p
          className="mt-2 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-xs text-slate-700"
          data-testid="queue-no-limit"
        >
          {item.requester.name} has no personal limit{forProduct} ({cur.reason}): approving would
          change nothing, so it is not offered. Deny it with a note
          {item.grant?.maxMicros === null ? (
            <>
              , or{" "}
              <a
                href={`/members/${item.requester.id}`}
                className="font-medium text-brand-700 underline"
              >
                set a limit for them
              </a>{" "}
              first
            </>
          ) : (
            ", or ask an admin to set a limit for them first"
          )}
          .
        </p>
      )}
      {pending && (
        <div className="mt-2 flex flex-wrap items-end gap-2">
          {!noLimit && (
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
          )}
          <label className="min-w-40 flex-1 text-xs text-slate-600">
            Note (required to deny)
            <input
              aria-label="Decision note"
              name="note"
              value={note}
              onChange={(e) => setNote(e.target.value)}
              className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
            />
          </label>
          {!noLimit && (
            <button
              type="button"
              disabled={decide.isPending || !amountOk}
              title={
                amountOk ? undefined : (preview.line ?? "Enter an amount above zero to approve")
              }
              onClick={() => decide.mutate("approve")}
              className={buttonClass("approve")}
            >
              Approve
            </button>
          )}
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
            onClick={() => setOpen(!open)}
            aria-expanded={open}
            aria-controls={detailsId}
            className="rounded-md px-2 py-1.5 text-sm text-slate-600 hover:bg-slate-50"
          >
            {open ? "Less" : "Details"}
          </button>
          {preview.line && !noLimit && (
            <p
              className={`w-full text-xs ${preview.ok ? "text-slate-700" : "text-red-700"}`}
              data-testid="grant-preview"
            >
              {preview.line}
            </p>
          )}
          {decide.error && (
            <p className="w-full text-sm text-red-700" data-testid="decide-error">
              {decide.error.message}
            </p>
          )}
        </div>
      )}
      {!pending && (
        <div className="mt-1 flex flex-wrap items-baseline gap-2 text-xs text-slate-600">
          {item.decisionNote && <span>“{item.decisionNote}”</span>}
          <button
            type="button"
            onClick={() => setOpen(!open)}
            aria-expanded={open}
            aria-controls={detailsId}
            className="ml-auto rounded-md px-2 py-1 text-sm text-slate-600 hover:bg-slate-50"
          >
            {open ? "Less" : "Details"}
          </button>
        </div>
      )}
      {open && (
        <div
          id={detailsId}
          className="mt-2 grid gap-3 border-t border-slate-100 pt-2 text-xs text-slate-600 sm:grid-cols-3"
          data-testid="queue-details"
        >
          <div className="sm:col-span-3">
            <p className="font-medium text-slate-700">Reason</p>
            <p className="text-sm whitespace-pre-line text-slate-800">{item.reason}</p>
            <p className="mt-1">
              {item.requester.email}
              {item.requester.costCenter ? ` · cost center ${item.requester.costCenter}` : ""}
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
          </div>
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
            <p className="font-medium text-slate-700">Recent requests</p>
            {item.previous.length > 0 ? (
              <ul data-testid="queue-history">
                {item.previous.map((p) => (
                  <li key={p.id}>
                    #{p.id} {p.status.toLowerCase()}{" "}
                    {p.grantedMicros === null && BigInt(p.amountMicros) <= 0n
                      ? "(no amount)"
                      : amt(p.grantedMicros ?? p.amountMicros, unit)}{" "}
                    · {p.createdAt.slice(0, 10)}
                  </li>
                ))}
              </ul>
            ) : (
              <p>none before this one</p>
            )}
          </div>
          <div className="flex items-center gap-2">
            <Sparkline
              values={item.sparkline}
              label={`${item.requester.name}'s daily usage, last 14 days`}
              width={112}
              height={28}
            />
            <span>last 14 days</span>
          </div>
          <CostPerPr memberId={item.requester.id} />
          {pending && !noLimit && (
            <div className="sm:col-span-3">
              <button
                type="button"
                onClick={() => setSimulating(!simulating)}
                aria-expanded={simulating}
                className="rounded-md border border-slate-300 px-3 py-1 text-sm text-slate-700 hover:bg-slate-50"
              >
                {simulating ? "Hide simulation" : "Simulate over past periods"}
              </button>
              {simulating && (
                <div className="mt-2">
                  <SimulationPanel
                    result={sim.resultFor(change)}
                    periods={sim.periods}
                    pending={sim.pending}
                    error={amountOk ? sim.error : (preview.line ?? "enter an amount")}
                    onPeriods={(n) => sim.run(change, n)}
                  />
                </div>
              )}
            </div>
          )}
        </div>
      )}
      {item.autoApproved && item.status === "APPROVED" && (
        <div className="mt-2 flex flex-wrap items-center gap-2 border-t border-slate-100 pt-2 text-sm">
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
    </li>
  );
}
