"use client";

/** The owner's Enforcement screen: connectors, switches, plan preview + apply, drift, vendor requests, job log. */
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import { Card, ErrorNote } from "@/components/ui/card";
import type { Serialized } from "@/lib/core/serialize";
import type { EnforcementScreen } from "@/lib/enforce/screen";

type Data = Serialized<EnforcementScreen>;
type Connector = Data["connectors"][number];

const btn =
  "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50";
const primary =
  "rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50";

function useAction() {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = (body: unknown) =>
    start(async () => {
      setError(null);
      setMessage(null);
      const res = await fetch("/api/enforcement/actions", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      const out = (await res.json().catch(() => ({}))) as { message?: string; error?: string };
      if (!res.ok) setError(out.error ?? `Failed (${res.status})`);
      else setMessage(out.message ?? "Done.");
      router.refresh();
    });
  return { run, pending, message, error };
}

export function EnforcementView({ data }: { data: Data }) {
  const a = useAction();
  const vendors = new Set(data.connectors.map((c) => c.vendor));
  return (
    <div className="space-y-6">
      {(a.message || a.error) && (
        <div role="status" data-testid="enforcement-message">
          {a.error ? (
            <ErrorNote message={a.error} />
          ) : (
            <p className="rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-800">
              {a.message}
            </p>
          )}
        </div>
      )}
      <Card
        title="Global switch"
        action={
          <button
            type="button"
            className={data.paused ? primary : btn}
            disabled={a.pending}
            onClick={() => a.run({ op: "pause", paused: !data.paused })}
          >
            {data.paused ? "Resume enforcement" : "Pause enforcement"}
          </button>
        }
      >
        <p className="text-sm text-slate-600" data-testid="pause-state">
          {data.paused
            ? "Enforcement is paused: plans can be previewed, but nothing is written to any vendor."
            : "Enforcement is active for connectors that are switched on and not read-only."}
        </p>
      </Card>

      <OverAllowanceCard data={data} />
      {data.failing.length > 0 && <FailingCard data={data} act={a} />}

      <div className="grid gap-6 lg:grid-cols-2">
        {data.connectors.map((c) => (
          <ConnectorCard key={c.id} c={c} act={a} />
        ))}
        {(["chatgpt", "claude", "cursor", "github"] as const)
          .filter((v) => !vendors.has(v))
          .map((v) => (
            <ConnectForm key={v} vendor={v} act={a} />
          ))}
      </div>

      {data.connectors.map((c) => c.plan && <PlanCard key={c.plan.id} c={c} act={a} />)}

      {data.connectors.length > 0 && <SplitCard data={data} act={a} />}
      {data.unmatched.length > 0 && <UnmatchedCard data={data} act={a} />}
      {data.vendorGroups.length > 0 && <VendorGroupsCard data={data} act={a} />}

      <Card
        title="Drift"
        action={
          <button
            type="button"
            className={btn}
            disabled={a.pending || !data.connectors.length}
            onClick={() => a.run({ op: "drift" })}
          >
            Check vendors now
          </button>
        }
      >
        {data.drift.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid="drift-empty">
            No drift: the last read of each vendor agrees with Allotment.
          </p>
        ) : (
          <table className="w-full text-sm" data-testid="drift-table">
            <thead className="text-left text-xs text-slate-500 uppercase">
              <tr>
                <th className="py-1 pr-3">Member</th>
                <th className="pr-3">Vendor</th>
                <th className="pr-3">Vendor now</th>
                <th className="pr-3">Allotment</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.drift.map((d) => (
                <tr
                  key={`${d.connectorId}-${d.memberId}`}
                  className="border-t border-slate-100 align-top"
                  data-testid={`drift-${d.vendor}-${d.email}`}
                >
                  <td className="py-2 pr-3">
                    {d.name}
                    <div className="text-xs text-slate-500">{d.email}</div>
                  </td>
                  <td className="py-2 pr-3">
                    {vendorName(d.vendor)}
                    <div
                      className={`mt-0.5 w-fit rounded px-1.5 py-0.5 text-xs whitespace-nowrap ${DRIFT_CAUSE[d.cause].className}`}
                    >
                      {DRIFT_CAUSE[d.cause].label}
                    </div>
                  </td>
                  <td className="tabular py-2 pr-3">{d.currentText}</td>
                  <td className="tabular py-2 pr-3">
                    {d.targetText}
                    <div className="text-xs text-slate-500">{d.reason}</div>
                  </td>
                  <td className="py-2 text-right whitespace-nowrap">
                    <div className="flex justify-end gap-2">
                      <button
                        type="button"
                        className={btn}
                        disabled={a.pending}
                        title="Make the vendor's value Allotment's individual override"
                        onClick={() =>
                          a.run({ op: "adopt", connectorId: d.connectorId, memberId: d.memberId })
                        }
                      >
                        Adopt vendor value
                      </button>
                      <button
                        type="button"
                        className={btn}
                        disabled={a.pending}
                        title="Write Allotment's value to the vendor again"
                        onClick={() =>
                          a.run({ op: "reapply", connectorId: d.connectorId, memberId: d.memberId })
                        }
                      >
                        Re-apply
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>

      <Card
        title="Vendor requests"
        action={
          <button
            type="button"
            className={btn}
            disabled={a.pending || !data.connectors.length}
            onClick={() => a.run({ op: "run" })}
          >
            Run queue now
          </button>
        }
      >
        <p className="mb-2 text-xs text-slate-500">
          Claude increase requests land in Requests (source “claude”); decide them there. ChatGPT
          members can be sent to{" "}
          <a className="underline" href="/enforcement/request">
            /enforcement/request
          </a>{" "}
          as the workspace&apos;s custom request destination.
        </p>
        {data.requests.length === 0 ? (
          <p className="text-sm text-slate-600">No vendor requests imported yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm" data-testid="vendor-requests">
            {data.requests.map((r) => (
              <li
                key={r.requestId}
                className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-2"
                data-testid={`vendor-request-${r.externalId}`}
              >
                <a className="font-medium text-brand-700 hover:underline" href="/requests">
                  Request #{r.requestId}
                </a>
                <span>
                  {r.requester ? `${r.requester.name} <${r.requester.email}>` : "unknown member"}
                </span>
                <span className="text-xs text-slate-500">
                  {vendorName(r.vendor)} {r.externalId}
                </span>
                <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">
                  at {vendorName(r.vendor)}: {r.vendorStatus}
                </span>
                <span className="text-xs text-slate-600">
                  {PUSH_STATE[r.pushState] ?? r.pushState}
                </span>
                {r.message && <div className="w-full text-xs text-slate-500">{r.message}</div>}
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title="Job log">
        {data.jobs.length === 0 ? (
          <p className="text-sm text-slate-600">No vendor writes yet.</p>
        ) : (
          <table className="w-full text-sm" data-testid="job-log">
            <thead className="text-left text-xs text-slate-500 uppercase">
              <tr>
                <th className="py-1 pr-3">When (UTC)</th>
                <th className="pr-3">Vendor</th>
                <th className="pr-3">Member</th>
                <th className="pr-3">Job</th>
                <th className="pr-3">Status</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {data.jobs.map((j) => (
                <tr key={j.id} className="border-t border-slate-100 align-top">
                  <td className="tabular py-1.5 pr-3 whitespace-nowrap text-slate-500">
                    {when(j.createdAt)}
                  </td>
                  <td className="py-1.5 pr-3">{vendorName(j.vendor)}</td>
                  <td className="py-1.5 pr-3 whitespace-nowrap">{j.member?.name ?? "—"}</td>
                  <td className="py-1.5 pr-3 whitespace-nowrap">{JOB_KIND[j.kind] ?? j.kind}</td>
                  <td className="py-1.5 pr-3 whitespace-nowrap">
                    <span
                      className={`rounded px-1.5 py-0.5 text-xs ${JOB_STATUS[j.status] ?? "bg-slate-100 text-slate-700"}`}
                    >
                      {j.status.toLowerCase()}
                    </span>
                    {j.attempts > 1 ? (
                      <span className="ml-1 text-xs text-slate-500">{j.attempts} attempts</span>
                    ) : null}
                    {j.lastError && (
                      <div className="mt-0.5 max-w-64 text-xs whitespace-normal text-red-700">
                        {j.lastError}
                      </div>
                    )}
                    {j.acknowledgedAt ? (
                      <div className="mt-0.5 text-xs text-slate-500">
                        acknowledged by {j.acknowledgedBy}: not retried
                      </div>
                    ) : j.status === "FAILED" ? (
                      <div className="mt-0.5 text-xs text-slate-500">
                        retrying {when(j.nextAttemptAt)} UTC
                      </div>
                    ) : null}
                  </td>
                  <td className="py-1.5 text-slate-600">{j.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

const vendorName = (v: string) =>
  v === "claude"
    ? "Claude"
    : v === "chatgpt"
      ? "ChatGPT"
      : v === "cursor"
        ? "Cursor"
        : v === "github"
          ? "GitHub"
          : v;

/** The vendor's limit unit in words (GitHub: budgets in whole dollars; its usage is in AI credits of $0.01). */
const UNIT_TEXT: Record<string, string> = {
  usd: "US dollars (cents)",
  usd_whole: "whole US dollars, rounded down",
  credit: "ChatGPT credits (whole)",
};

const DRIFT_CAUSE = {
  vendor: { label: "changed at the vendor", className: "bg-amber-100 text-amber-800" },
  not_applied: { label: "not applied yet", className: "bg-slate-100 text-slate-700" },
  allotment: { label: "Allotment changed since", className: "bg-brand-50 text-brand-700" },
} as const;

const PUSH_STATE: Record<string, string> = {
  none: "waiting for a decision in Allotment",
  queued: "decision queued for the vendor",
  pushed: "decision sent to the vendor",
  vendor_first: "resolved at the vendor first",
};

const JOB_KIND: Record<string, string> = {
  set_limit: "set limit",
  clear_limit: "clear override",
  approve_request: "approve request",
  deny_request: "deny request",
};
const JOB_STATUS: Record<string, string> = {
  CANCELLED: "bg-slate-100 text-slate-500",
  SUCCEEDED: "bg-emerald-100 text-emerald-800",
  SKIPPED: "bg-slate-100 text-slate-700",
  FAILED: "bg-red-100 text-red-800",
  PENDING: "bg-amber-100 text-amber-800",
  RUNNING: "bg-brand-50 text-brand-700",
};

type Act = ReturnType<typeof useAction>;

/** Dates arrive as Date (server render) or ISO text (JSON): show both the same way, in UTC. */
function when(d: unknown): string {
  return new Date(d as string).toISOString().slice(0, 16).replace("T", " ");
}

function ConnectorCard({ c, act }: { c: Connector; act: Act }) {
  return (
    <div data-testid={`connector-${c.vendor}`}>
      <Card
        className="h-full"
        title={c.name}
        action={
          <span
            className={`rounded-full px-2 py-0.5 text-xs ${c.enabled ? (c.readOnly ? "bg-amber-100 text-amber-800" : "bg-emerald-100 text-emerald-800") : "bg-slate-100 text-slate-600"}`}
            data-testid={`status-${c.vendor}`}
          >
            {c.enabled ? (c.readOnly ? "read-only" : "on") : "off"}
          </span>
        }
      >
        <dl className="grid grid-cols-3 gap-1 text-sm">
          <dt className="text-slate-500">Base URL</dt>
          <dd className="col-span-2 break-all">{c.baseUrl}</dd>
          {c.vendorWorkspaceId && (
            <>
              <dt className="text-slate-500">{c.vendor === "github" ? "Account" : "Workspace"}</dt>
              <dd className="col-span-2">{c.vendorWorkspaceId}</dd>
            </>
          )}
          <dt className="text-slate-500">
            {KEY_LABEL[c.vendor as keyof typeof KEY_LABEL] ?? "Key"}
          </dt>
          <dd className="col-span-2">{c.key}</dd>
          <dt className="text-slate-500">Unit</dt>
          <dd className="col-span-2">
            {c.vendorUnit ? (UNIT_TEXT[c.vendorUnit] ?? c.vendorUnit) : "not read yet"}
            {c.vendor === "github" && (
              <span className="block text-xs text-slate-500">
                Copilot usage: 1 AI credit = $0.01, imported as US dollars
              </span>
            )}
          </dd>
          <dt className="text-slate-500">Last read</dt>
          <dd className="col-span-2">{c.lastReadAt ? when(c.lastReadAt) : "never"}</dd>
        </dl>
        {c.lastError && <p className="mt-2 text-xs text-red-700">{c.lastError}</p>}
        <ul className="mt-3 list-disc space-y-1 pl-5 text-xs text-slate-500">
          {c.limits.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
        <div className="mt-4 flex flex-wrap gap-2">
          <button
            type="button"
            className={c.enabled ? btn : primary}
            disabled={act.pending}
            onClick={() => act.run({ op: "settings", connectorId: c.id, enabled: !c.enabled })}
          >
            {c.enabled ? "Switch off" : "Switch on"}
          </button>
          <button
            type="button"
            className={btn}
            disabled={act.pending}
            onClick={() => act.run({ op: "settings", connectorId: c.id, readOnly: !c.readOnly })}
          >
            {c.readOnly ? "Allow writes" : "Make read-only"}
          </button>
          <button
            type="button"
            className={btn}
            disabled={act.pending}
            onClick={() => act.run({ op: "plan", connectorId: c.id })}
          >
            Preview plan
          </button>
          {(c.vendor === "chatgpt" || c.vendor === "github") && (
            <button
              type="button"
              className={btn}
              disabled={act.pending}
              onClick={() => act.run({ op: "import", connectorId: c.id })}
            >
              {c.vendor === "github"
                ? "Import usage and cost centers"
                : "Import credits and groups"}
            </button>
          )}
        </div>
      </Card>
    </div>
  );
}

function PlanCard({ c, act }: { c: Connector; act: Act }) {
  const plan = c.plan!;
  const changes = plan.items.filter((i) => i.action !== "none");
  const same = plan.items.filter((i) => i.action === "none");
  const status =
    plan.status === "APPLIED"
      ? "applied"
      : plan.status === "SUPERSEDED"
        ? "superseded"
        : "nothing to change";
  return (
    <div data-testid={`plan-card-${c.vendor}`}>
      <Card
        title={`Plan for ${c.name}`}
        action={
          plan.status === "PREVIEW" && changes.length > 0 ? (
            <button
              type="button"
              className={primary}
              disabled={act.pending}
              onClick={() => act.run({ op: "apply", planId: plan.id })}
            >
              Apply {changes.length} change(s)
            </button>
          ) : (
            <span
              className={`rounded-full px-2 py-0.5 text-xs ${plan.status === "APPLIED" ? "bg-emerald-100 text-emerald-800" : "bg-slate-100 text-slate-600"}`}
            >
              {status}
            </span>
          )
        }
      >
        <p className="mb-2 text-xs text-slate-500">
          Previewed {when(plan.createdAt)} UTC · {plan.items.length} member(s) found at the vendor ·{" "}
          {changes.length} change(s)
          {plan.status === "PREVIEW" && changes.length > 0
            ? " · nothing is written until you apply"
            : ""}
          .
        </p>
        {plan.shared && plan.shared.length > 0 && <SharedBudgets lines={plan.shared} />}
        {plan.cannot && plan.cannot.length > 0 && (
          <ul className="mb-2 list-disc pl-5 text-xs text-amber-800" data-testid="plan-cannot">
            {plan.cannot.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        )}
        {changes.length > 0 && (
          <PlanTable vendor={c.vendor} items={changes} testId={`plan-${c.vendor}`} />
        )}
        {same.length > 0 && (
          <details className="mt-2 text-sm" data-testid={`plan-${c.vendor}-same`}>
            <summary className="cursor-pointer text-xs text-slate-500">
              {same.length} member(s) already match Allotment
            </summary>
            <PlanTable vendor={c.vendor} items={same} />
          </details>
        )}
      </Card>
    </div>
  );
}

/** GitHub budgets that are not one person's: per-user amounts Allotment writes, and shared caps it leaves alone. */
function SharedBudgets({
  lines,
}: {
  lines: NonNullable<NonNullable<Connector["plan"]>["shared"]>;
}) {
  return (
    <div className="mb-3">
      <h3 className="text-xs font-semibold text-slate-600 uppercase">
        Budgets that are not one person&apos;s
      </h3>
      <table className="mt-1 w-full text-sm" data-testid="plan-shared-budgets">
        <thead className="text-left text-xs text-slate-500 uppercase">
          <tr>
            <th className="py-1 pr-3">Budget</th>
            <th className="pr-3">Kind</th>
            <th className="pr-3">GitHub now</th>
            <th className="pr-3">Plan</th>
            <th>What it means</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr
              key={l.label}
              className="border-t border-slate-100 align-top"
              data-testid={`shared-budget-${l.kind}`}
            >
              <td className="py-1.5 pr-3">{l.label}</td>
              <td className="py-1.5 pr-3">
                <span
                  className={`rounded px-1.5 py-0.5 text-xs whitespace-nowrap ${l.kind === "cap" ? "bg-amber-100 text-amber-800" : "bg-slate-100 text-slate-700"}`}
                >
                  {l.kind === "cap" ? "shared cap" : "per person"}
                </span>
              </td>
              <td className="tabular py-1.5 pr-3">{l.nowText}</td>
              <td className="tabular py-1.5 pr-3">{l.planText}</td>
              <td className="py-1.5 text-xs text-slate-600">{l.meaning}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PlanTable({
  vendor,
  items,
  testId,
}: {
  vendor: string;
  items: NonNullable<Connector["plan"]>["items"];
  testId?: string;
}) {
  return (
    <table className="mt-1 w-full text-sm" data-testid={testId}>
      <thead className="text-left text-xs text-slate-500 uppercase">
        <tr>
          <th className="py-1 pr-3">Member</th>
          <th className="pr-3">{vendorName(vendor)} now</th>
          <th className="pr-3">Will be</th>
          <th className="pr-3">Allotment (one budget)</th>
          <th>Why (Allotment)</th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <tr
            key={i.memberId}
            className={`border-t border-slate-100 align-top ${i.action === "none" ? "text-slate-500" : ""}`}
            data-testid={`plan-row-${i.email}`}
          >
            <td className="py-1.5 pr-3">
              {i.name}
              <div className="text-xs text-slate-500">{i.email}</div>
            </td>
            <td className="tabular py-1.5 pr-3">{i.currentText}</td>
            <td className="tabular py-1.5 pr-3">
              {i.action === "none" ? (
                "no change"
              ) : (
                <span className="font-medium text-slate-900">{i.targetText}</span>
              )}
              {i.temporary && (
                <div className="text-xs text-slate-500">ends with the vendor&apos;s month</div>
              )}
              {i.revertAt && (
                <div className="text-xs text-slate-500">
                  Allotment reverts it {when(i.revertAt)} UTC
                </div>
              )}
            </td>
            <td className="py-1.5 pr-3 text-xs" data-testid={`plan-split-${i.email}`}>
              {i.allotmentText && (
                <div className="tabular">
                  Allotment: <span className="font-medium text-slate-800">{i.allotmentText}</span>
                  {i.action !== "none" && i.targetText !== i.allotmentText ? (
                    <span className="text-slate-500"> (vendor gets it rounded down)</span>
                  ) : null}
                </div>
              )}
              {i.shares.length > 1 && (
                <div className="tabular text-slate-600">
                  split: {i.shares.map((x) => `${vendorName(x.vendor)} ${x.text}`).join(" + ")}
                </div>
              )}
              {i.totalText && <div className="text-slate-500">{i.totalText}</div>}
              {i.worstCaseText && (
                <div className="text-slate-500">worst case: {i.worstCaseText}</div>
              )}
              {i.endText && <div className="text-slate-500">{i.endText}</div>}
            </td>
            <td className="py-1.5 text-xs">{i.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const KEY_LABEL = {
  chatgpt: "Admin API key",
  claude: "Admin API key",
  cursor: "Admin API key",
  github: "Token",
} as const;
/** What the vendor calls the credential and what it must be allowed to do (shared/VENDOR-APIS.md). */
const KEY_HINT = {
  chatgpt: "A workspace admin key with the usage-limit, user and directory scopes.",
  claude: "An Admin API key with read:spend_limits and write:spend_limits.",
  cursor:
    "Created by a team admin in Cursor's dashboard; writing spend limits needs an Enterprise team.",
  github:
    "Organization: a fine-grained token with the organization “Administration” permission (read and write, for budgets). Enterprise: a classic personal access token — GitHub's enterprise billing endpoints accept no fine-grained token.",
} as const;

function ConnectForm({
  vendor,
  act,
}: {
  vendor: "chatgpt" | "claude" | "cursor" | "github";
  act: Act;
}) {
  const [baseUrl, setBaseUrl] = useState("");
  const [apiKey, setApiKey] = useState("");
  const [ws, setWs] = useState("");
  const name =
    vendor === "chatgpt"
      ? "ChatGPT Enterprise"
      : vendor === "cursor"
        ? "Cursor"
        : vendor === "github"
          ? "GitHub Copilot"
          : "Claude Enterprise";
  const input = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";
  return (
    <div data-testid={`connect-${vendor}`}>
      <Card className="h-full" title={`Connect ${name}`}>
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            act.run({
              op: "connect",
              input: {
                vendor,
                baseUrl,
                apiKey,
                ...(vendor === "chatgpt" || vendor === "github" ? { vendorWorkspaceId: ws } : {}),
              },
            });
          }}
        >
          <label className="block text-sm">
            Base URL <span className="text-slate-500">(optional)</span>
            <input
              className={input}
              name={`${vendor}-base-url`}
              value={baseUrl}
              onChange={(e) => setBaseUrl(e.target.value)}
              placeholder={
                vendor === "chatgpt"
                  ? "https://api.chatgpt.com/v1"
                  : vendor === "github"
                    ? "https://api.github.com"
                    : vendor === "cursor"
                      ? "https://api.cursor.com"
                      : "https://api.anthropic.com"
              }
            />
          </label>
          {vendor === "chatgpt" && (
            <label className="block text-sm">
              Workspace id
              <input
                className={input}
                name="chatgpt-workspace"
                value={ws}
                onChange={(e) => setWs(e.target.value)}
              />
            </label>
          )}
          {vendor === "github" && (
            <label className="block text-sm">
              Organization or enterprise
              <input
                className={input}
                name="github-account"
                value={ws}
                onChange={(e) => setWs(e.target.value)}
                placeholder="enterprise:acme-corp or org:acme"
              />
            </label>
          )}
          <label className="block text-sm">
            {KEY_LABEL[vendor]}{" "}
            <span className="text-slate-500">(stored encrypted, never shown again)</span>
            <span className="mt-0.5 block text-xs text-slate-500">{KEY_HINT[vendor]}</span>
            <input
              className={input}
              type="password"
              name={`${vendor}-key`}
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
              autoComplete="off"
            />
          </label>
          <button type="submit" className={primary} disabled={act.pending}>
            Connect {name}
          </button>
        </form>
      </Card>
    </div>
  );
}

function OverAllowanceCard({ data }: { data: Data }) {
  const rows = data.overAllowance;
  return (
    <div data-testid="over-allowance">
      <Card title="Vendors allowing more than Allotment">
        {rows.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid="over-allowance-empty">
            No vendor lets anyone spend more than Allotment allows (as of each vendor&apos;s last
            read).
          </p>
        ) : (
          <table className="w-full text-sm">
            <thead className="text-left text-xs text-slate-500 uppercase">
              <tr>
                <th className="py-1 pr-3">Member</th>
                <th className="pr-3">Allotment allows</th>
                <th className="pr-3">Vendors allow together</th>
                <th className="pr-3">Too much by</th>
                <th>State</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  key={r.memberId}
                  className="border-t border-slate-100 align-top"
                  data-testid={`over-${r.email}`}
                >
                  <td className="py-1.5 pr-3">
                    {r.name}
                    <div className="text-xs text-slate-500">{r.email}</div>
                  </td>
                  <td className="tabular py-1.5 pr-3">{r.allotmentText}</td>
                  <td className="tabular py-1.5 pr-3">
                    {r.vendorsText}
                    <div className="text-xs text-slate-500">
                      {r.perVendor.map((v) => `${vendorName(v.vendor)} ${v.text}`).join(" + ")}
                    </div>
                  </td>
                  <td className="tabular py-1.5 pr-3 font-medium text-red-700">{r.excessText}</td>
                  <td className="py-1.5 text-xs text-slate-600">
                    {r.fixing
                      ? "a write to fix it is queued or retrying"
                      : "nothing queued: run the queue, or see Drift"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

function FailingCard({ data, act }: { data: Data; act: Act }) {
  return (
    <div data-testid="failing-jobs">
      <Card title={`Failing vendor writes (${data.failing.length})`}>
        <p className="mb-2 text-xs text-slate-500">
          Each is retried with growing pauses (never before the vendor&apos;s Retry-After) until it
          succeeds, the vendor already shows the value, or you acknowledge it.
        </p>
        <ul className="divide-y divide-slate-100 text-sm">
          {data.failing.map((j) => (
            <li
              key={j.id}
              className="flex flex-wrap items-start justify-between gap-2 py-2"
              data-testid={`failing-${j.id}`}
            >
              <div className="min-w-0 flex-1">
                <div>
                  <span className="font-medium">{vendorName(j.vendor)}</span> ·{" "}
                  {JOB_KIND[j.kind] ?? j.kind} ·{" "}
                  {j.member ? `${j.member.name} <${j.member.email}>` : "—"}
                </div>
                <div className="text-xs text-red-700">{j.lastError}</div>
                <div className="text-xs text-slate-500">
                  {j.attempts} attempt(s) · next try {when(j.nextAttemptAt)} UTC · {j.reason}
                </div>
              </div>
              <button
                type="button"
                className={btn}
                disabled={act.pending}
                onClick={() => act.run({ op: "acknowledge", jobId: j.id })}
              >
                Acknowledge (stop retrying)
              </button>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}

const SPLIT_LABEL = {
  proportional: "Proportional to recent use (default)",
  even: "Even across vendors",
  one: "All remaining budget to one vendor",
} as const;

function SplitCard({ data, act }: { data: Data; act: Act }) {
  const [rule, setRule] = useState<keyof typeof SPLIT_LABEL>(data.split.rule);
  const [vendor, setVendor] = useState<string>(
    data.split.oneVendor ?? data.connectors[0]?.vendor ?? "chatgpt",
  );
  return (
    <div data-testid="split-card">
      <Card title="One budget across vendors">
        <p className="text-sm text-slate-600">
          An all-products limit is one budget. Each vendor gets what the person already spent there
          plus a share of what is left, rounded down, so the vendors together never allow more than
          Allotment. Shares are recomputed on every run (usage, limit and grant changes) and pushed
          to every vendor; lowerings go first.
        </p>
        <form
          className="mt-3 flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            act.run({ op: "split", rule, vendor: rule === "one" ? vendor : null });
          }}
        >
          <label className="text-sm">
            Split rule
            <select
              className="mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm"
              name="split-rule"
              value={rule}
              onChange={(e) => setRule(e.target.value as keyof typeof SPLIT_LABEL)}
            >
              {Object.entries(SPLIT_LABEL).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          </label>
          {rule === "one" && (
            <label className="text-sm">
              Vendor
              <select
                className="mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm"
                name="split-vendor"
                value={vendor}
                onChange={(e) => setVendor(e.target.value)}
              >
                {data.connectors.map((c) => (
                  <option key={c.vendor} value={c.vendor}>
                    {vendorName(c.vendor)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="submit" className={btn} disabled={act.pending}>
            Save split rule
          </button>
          <span className="text-xs text-slate-500" data-testid="split-current">
            Now: {SPLIT_LABEL[data.split.rule]}
            {data.split.rule === "one" && data.split.oneVendor
              ? ` (${vendorName(data.split.oneVendor)})`
              : ""}
          </span>
        </form>
      </Card>
    </div>
  );
}

function MemberPicker({
  members,
  onPick,
  label,
  pending,
}: {
  members: Data["members"];
  onPick: (id: string) => void;
  label: string;
  pending: boolean;
}) {
  const [id, setId] = useState("");
  return (
    <span className="flex items-center gap-2">
      <select
        className="rounded-md border border-slate-300 px-2 py-1 text-sm"
        aria-label={label}
        value={id}
        onChange={(e) => setId(e.target.value)}
      >
        <option value="">choose a member…</option>
        {members.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name} &lt;{m.email}&gt;
          </option>
        ))}
      </select>
      <button type="button" className={btn} disabled={pending || !id} onClick={() => onPick(id)}>
        {label}
      </button>
    </span>
  );
}

function UnmatchedCard({ data, act }: { data: Data; act: Act }) {
  return (
    <div data-testid="unmatched">
      <Card title={`Vendor users without an Allotment member (${data.unmatched.length})`}>
        <p className="mb-2 text-xs text-slate-500">
          No member has their email or a mapped vendor user id, so Allotment cannot enforce or
          import anything for them. Map each to a member (recorded as an identity: budget checks by
          the vendor&apos;s user id find the member too).
        </p>
        <ul className="divide-y divide-slate-100 text-sm">
          {data.unmatched.map((u) => (
            <li
              key={`${u.connectorId}-${u.userId}`}
              className="flex flex-wrap items-center justify-between gap-2 py-2"
              data-testid={`unmatched-${u.email}`}
            >
              <div>
                <span className="font-medium">{u.name ?? u.email}</span>{" "}
                <span className="text-xs text-slate-500">
                  {u.email} · {vendorName(u.vendor)} user {u.userId}
                </span>
                {u.requests.length > 0 && (
                  <div className="text-xs text-amber-800">
                    {u.requests.length} pending request(s) at {vendorName(u.vendor)} waiting for
                    this mapping: {u.requests.join(", ")}
                  </div>
                )}
              </div>
              <MemberPicker
                members={data.members}
                label="Map"
                pending={act.pending}
                onPick={(memberId) =>
                  act.run({
                    op: "map",
                    connectorId: u.connectorId,
                    vendorUserId: u.userId,
                    memberId,
                  })
                }
              />
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}

function VendorGroupsCard({ data, act }: { data: Data; act: Act }) {
  return (
    <div data-testid="vendor-groups">
      <Card title="Vendor groups">
        <ul className="divide-y divide-slate-100 text-sm">
          {data.vendorGroups.map((g) => (
            <li
              key={`${g.connectorId}-${g.vendorGroupId}`}
              className="flex flex-wrap items-center justify-between gap-2 py-2"
              data-testid={`vendor-group-${g.vendorGroupId}`}
            >
              <div>
                <span className="font-medium">{g.name}</span>{" "}
                <span
                  className={`ml-1 rounded px-1.5 py-0.5 text-xs ${g.status === "not_mirrored" ? "bg-amber-100 text-amber-800" : "bg-emerald-100 text-emerald-800"}`}
                >
                  {g.status.replace("_", " ")}
                </span>
                {g.note && <div className="text-xs text-slate-500">{g.note}</div>}
              </div>
              {g.status === "not_mirrored" && (
                <span className="flex items-center gap-2">
                  <GroupPicker
                    groups={data.groups}
                    pending={act.pending}
                    onPick={(groupId) =>
                      act.run({
                        op: "link",
                        connectorId: g.connectorId,
                        vendorGroupId: g.vendorGroupId,
                        groupId,
                      })
                    }
                  />
                </span>
              )}
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}

function GroupPicker({
  groups,
  onPick,
  pending,
}: {
  groups: Data["groups"];
  onPick: (id: string) => void;
  pending: boolean;
}) {
  const [id, setId] = useState("");
  return (
    <>
      <select
        className="rounded-md border border-slate-300 px-2 py-1 text-sm"
        aria-label="Allotment group"
        value={id}
        onChange={(e) => setId(e.target.value)}
      >
        <option value="">choose an Allotment group…</option>
        {groups.map((g) => (
          <option key={g.id} value={g.id}>
            {g.name}
          </option>
        ))}
      </select>
      <button type="button" className={btn} disabled={pending || !id} onClick={() => onPick(id)}>
        Link
      </button>
    </>
  );
}
