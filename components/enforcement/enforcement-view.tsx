"use client";
/** The owner's Enforcement screen: connectors, switches, plan preview + apply, drift, vendor requests, job log. */
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Card, ErrorNote } from "@/components/ui/card";
import type { EnforcementScreen } from "@/lib/enforce/screen";
import type { Serialized } from "@/lib/serialize";

type Data = Serialized<EnforcementScreen>;
type Connector = Data["connectors"][number];

const btn = "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50";
const primary = "rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50";

function useAction() {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = (body: unknown) =>
    start(async () => {
      setError(null);
      setMessage(null);
      const res = await fetch("/api/enforcement/actions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
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
          {a.error ? <ErrorNote message={a.error} /> : <p className="rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-800">{a.message}</p>}
        </div>
      )}
      <Card
        title="Global switch"
        action={
          <button type="button" className={data.paused ? primary : btn} disabled={a.pending} onClick={() => a.run({ op: "pause", paused: !data.paused })}>
            {data.paused ? "Resume enforcement" : "Pause enforcement"}
          </button>
        }
      >
        <p className="text-sm text-slate-600" data-testid="pause-state">
          {data.paused ? "Enforcement is paused: plans can be previewed, but nothing is written to any vendor." : "Enforcement is active for connectors that are switched on and not read-only."}
        </p>
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        {data.connectors.map((c) => (
          <ConnectorCard key={c.id} c={c} act={a} />
        ))}
        {(["chatgpt", "claude"] as const).filter((v) => !vendors.has(v)).map((v) => (
          <ConnectForm key={v} vendor={v} act={a} />
        ))}
      </div>

      {data.connectors.map((c) => c.plan && <PlanCard key={c.plan.id} c={c} act={a} />)}

      <Card title="Drift" action={<button type="button" className={btn} disabled={a.pending || !data.connectors.length} onClick={() => a.run({ op: "drift" })}>Check vendors now</button>}>
        {data.drift.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid="drift-empty">No drift: the last read of each vendor agrees with Allotment.</p>
        ) : (
          <table className="w-full text-sm" data-testid="drift-table">
            <thead className="text-left text-xs uppercase text-slate-500">
              <tr><th className="py-1 pr-3">Member</th><th className="pr-3">Vendor</th><th className="pr-3">Vendor now</th><th className="pr-3">Allotment</th><th /></tr>
            </thead>
            <tbody>
              {data.drift.map((d) => (
                <tr key={`${d.connectorId}-${d.memberId}`} className="border-t border-slate-100 align-top" data-testid={`drift-${d.vendor}-${d.email}`}>
                  <td className="py-2 pr-3">{d.name}<div className="text-xs text-slate-500">{d.email}</div></td>
                  <td className="py-2 pr-3">
                    {vendorName(d.vendor)}
                    <div className={`mt-0.5 w-fit rounded px-1.5 py-0.5 text-xs whitespace-nowrap ${DRIFT_CAUSE[d.cause].className}`}>{DRIFT_CAUSE[d.cause].label}</div>
                  </td>
                  <td className="tabular py-2 pr-3">{d.currentText}</td>
                  <td className="tabular py-2 pr-3">{d.targetText}<div className="text-xs text-slate-500">{d.reason}</div></td>
                  <td className="py-2 text-right whitespace-nowrap">
                    <div className="flex justify-end gap-2">
                      <button type="button" className={btn} disabled={a.pending} title="Make the vendor's value Allotment's individual override" onClick={() => a.run({ op: "adopt", connectorId: d.connectorId, memberId: d.memberId })}>Adopt vendor value</button>
                      <button type="button" className={btn} disabled={a.pending} title="Write Allotment's value to the vendor again" onClick={() => a.run({ op: "reapply", connectorId: d.connectorId, memberId: d.memberId })}>Re-apply</button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>

      <Card title="Vendor requests" action={<button type="button" className={btn} disabled={a.pending || !data.connectors.length} onClick={() => a.run({ op: "run" })}>Run queue now</button>}>
        <p className="mb-2 text-xs text-slate-500">Claude increase requests land in Requests (source “claude”); decide them there. ChatGPT members can be sent to <a className="underline" href="/enforcement/request">/enforcement/request</a> as the workspace&apos;s custom request destination.</p>
        {data.requests.length === 0 ? (
          <p className="text-sm text-slate-600">No vendor requests imported yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm" data-testid="vendor-requests">
            {data.requests.map((r) => (
              <li key={r.requestId} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-2" data-testid={`vendor-request-${r.externalId}`}>
                <a className="font-medium text-brand-700 hover:underline" href="/requests">Request #{r.requestId}</a>
                <span>{r.requester ? `${r.requester.name} <${r.requester.email}>` : "unknown member"}</span>
                <span className="text-xs text-slate-500">{vendorName(r.vendor)} {r.externalId}</span>
                <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">at {vendorName(r.vendor)}: {r.vendorStatus}</span>
                <span className="text-xs text-slate-600">{PUSH_STATE[r.pushState] ?? r.pushState}</span>
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
            <thead className="text-left text-xs uppercase text-slate-500">
              <tr><th className="py-1 pr-3">When (UTC)</th><th className="pr-3">Vendor</th><th className="pr-3">Member</th><th className="pr-3">Job</th><th className="pr-3">Status</th><th>Why</th></tr>
            </thead>
            <tbody>
              {data.jobs.map((j) => (
                <tr key={j.id} className="border-t border-slate-100 align-top">
                  <td className="tabular py-1.5 pr-3 whitespace-nowrap text-slate-500">{when(j.createdAt)}</td>
                  <td className="py-1.5 pr-3">{vendorName(j.vendor)}</td>
                  <td className="py-1.5 pr-3 whitespace-nowrap">{j.member?.name ?? "—"}</td>
                  <td className="py-1.5 pr-3 whitespace-nowrap">{JOB_KIND[j.kind] ?? j.kind}</td>
                  <td className="py-1.5 pr-3 whitespace-nowrap">
                    <span className={`rounded px-1.5 py-0.5 text-xs ${JOB_STATUS[j.status] ?? "bg-slate-100 text-slate-700"}`}>{j.status.toLowerCase()}</span>
                    {j.attempts > 1 ? <span className="ml-1 text-xs text-slate-500">{j.attempts} attempts</span> : null}
                    {j.lastError && <div className="mt-0.5 max-w-64 text-xs whitespace-normal text-red-700">{j.lastError}</div>}
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

const vendorName = (v: string) => (v === "claude" ? "Claude" : v === "chatgpt" ? "ChatGPT" : v);

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

const JOB_KIND: Record<string, string> = { set_limit: "set limit", clear_limit: "clear override", approve_request: "approve request", deny_request: "deny request" };
const JOB_STATUS: Record<string, string> = { SUCCEEDED: "bg-emerald-100 text-emerald-800", SKIPPED: "bg-slate-100 text-slate-700", FAILED: "bg-red-100 text-red-800", PENDING: "bg-amber-100 text-amber-800", RUNNING: "bg-brand-50 text-brand-700" };

type Act = ReturnType<typeof useAction>;

/** Dates arrive as Date (server render) or ISO text (JSON): show both the same way, in UTC. */
function when(d: unknown): string {
  return new Date(d as string).toISOString().slice(0, 16).replace("T", " ");
}

function ConnectorCard({ c, act }: { c: Connector; act: Act }) {
  return (
    <div data-testid={`connector-${c.vendor}`}>
    <Card className="h-full" title={c.name} action={<span className={`rounded-full px-2 py-0.5 text-xs ${c.enabled ? (c.readOnly ? "bg-amber-100 text-amber-800" : "bg-emerald-100 text-emerald-800") : "bg-slate-100 text-slate-600"}`} data-testid={`status-${c.vendor}`}>{c.enabled ? (c.readOnly ? "read-only" : "on") : "off"}</span>}>
      <dl className="grid grid-cols-3 gap-1 text-sm">
        <dt className="text-slate-500">Base URL</dt><dd className="col-span-2 break-all">{c.baseUrl}</dd>
        {c.vendorWorkspaceId && (<><dt className="text-slate-500">Workspace</dt><dd className="col-span-2">{c.vendorWorkspaceId}</dd></>)}
        <dt className="text-slate-500">Admin key</dt><dd className="col-span-2">{c.key}</dd>
        <dt className="text-slate-500">Unit</dt><dd className="col-span-2">{c.vendorUnit ?? "not read yet"}</dd>
        <dt className="text-slate-500">Last read</dt><dd className="col-span-2">{c.lastReadAt ? when(c.lastReadAt) : "never"}</dd>
      </dl>
      {c.lastError && <p className="mt-2 text-xs text-red-700">{c.lastError}</p>}
      <ul className="mt-3 list-disc space-y-1 pl-5 text-xs text-slate-500">{c.limits.map((l) => <li key={l}>{l}</li>)}</ul>
      <div className="mt-4 flex flex-wrap gap-2">
        <button type="button" className={c.enabled ? btn : primary} disabled={act.pending} onClick={() => act.run({ op: "settings", connectorId: c.id, enabled: !c.enabled })}>{c.enabled ? "Switch off" : "Switch on"}</button>
        <button type="button" className={btn} disabled={act.pending} onClick={() => act.run({ op: "settings", connectorId: c.id, readOnly: !c.readOnly })}>{c.readOnly ? "Allow writes" : "Make read-only"}</button>
        <button type="button" className={btn} disabled={act.pending} onClick={() => act.run({ op: "plan", connectorId: c.id })}>Preview plan</button>
        {c.vendor === "chatgpt" && <button type="button" className={btn} disabled={act.pending} onClick={() => act.run({ op: "import", connectorId: c.id })}>Import credits and groups</button>}
      </div>
    </Card>
    </div>
  );
}

function PlanCard({ c, act }: { c: Connector; act: Act }) {
  const plan = c.plan!;
  const changes = plan.items.filter((i) => i.action !== "none");
  const same = plan.items.filter((i) => i.action === "none");
  const status = plan.status === "APPLIED" ? "applied" : plan.status === "SUPERSEDED" ? "superseded" : "nothing to change";
  return (
    <div data-testid={`plan-card-${c.vendor}`}>
    <Card
      title={`Plan for ${c.name}`}
      action={plan.status === "PREVIEW" && changes.length > 0 ? <button type="button" className={primary} disabled={act.pending} onClick={() => act.run({ op: "apply", planId: plan.id })}>Apply {changes.length} change(s)</button> : <span className={`rounded-full px-2 py-0.5 text-xs ${plan.status === "APPLIED" ? "bg-emerald-100 text-emerald-800" : "bg-slate-100 text-slate-600"}`}>{status}</span>}
    >
      <p className="mb-2 text-xs text-slate-500">
        Previewed {when(plan.createdAt)} UTC · {plan.items.length} member(s) found at the vendor · {changes.length} change(s){plan.status === "PREVIEW" && changes.length > 0 ? " · nothing is written until you apply" : ""}.
      </p>
      {changes.length > 0 && <PlanTable vendor={c.vendor} items={changes} testId={`plan-${c.vendor}`} />}
      {same.length > 0 && (
        <details className="mt-2 text-sm" data-testid={`plan-${c.vendor}-same`}>
          <summary className="cursor-pointer text-xs text-slate-500">{same.length} member(s) already match Allotment</summary>
          <PlanTable vendor={c.vendor} items={same} />
        </details>
      )}
    </Card>
    </div>
  );
}

function PlanTable({ vendor, items, testId }: { vendor: string; items: NonNullable<Connector["plan"]>["items"]; testId?: string }) {
  return (
    <table className="mt-1 w-full text-sm" data-testid={testId}>
      <thead className="text-left text-xs uppercase text-slate-500">
        <tr><th className="py-1 pr-3">Member</th><th className="pr-3">{vendorName(vendor)} now</th><th className="pr-3">Will be</th><th>Why (Allotment)</th></tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <tr key={i.memberId} className={`border-t border-slate-100 align-top ${i.action === "none" ? "text-slate-500" : ""}`} data-testid={`plan-row-${i.email}`}>
            <td className="py-1.5 pr-3">{i.name}<div className="text-xs text-slate-500">{i.email}</div></td>
            <td className="tabular py-1.5 pr-3">{i.currentText}</td>
            <td className="tabular py-1.5 pr-3">
              {i.action === "none" ? "no change" : <span className="font-medium text-slate-900">{i.targetText}</span>}
              {i.temporary && <div className="text-xs text-slate-500">ends with the vendor&apos;s month</div>}
              {i.revertAt && <div className="text-xs text-slate-500">Allotment reverts it {when(i.revertAt)} UTC</div>}
            </td>
            <td className="py-1.5 text-xs">{i.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ConnectForm({ vendor, act }: { vendor: "chatgpt" | "claude"; act: Act }) {
  const [baseUrl, setBaseUrl] = useState("");
  const [apiKey, setApiKey] = useState("");
  const [ws, setWs] = useState("");
  const name = vendor === "chatgpt" ? "ChatGPT Enterprise" : "Claude Enterprise";
  const input = "mt-1 w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";
  return (
    <div data-testid={`connect-${vendor}`}>
    <Card className="h-full" title={`Connect ${name}`}>
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          act.run({ op: "connect", input: { vendor, baseUrl, apiKey, ...(vendor === "chatgpt" ? { vendorWorkspaceId: ws } : {}) } });
        }}
      >
        <label className="block text-sm">Base URL <span className="text-slate-400">(optional)</span>
          <input className={input} name={`${vendor}-base-url`} value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} placeholder={vendor === "chatgpt" ? "https://api.chatgpt.com/v1" : "https://api.anthropic.com"} />
        </label>
        {vendor === "chatgpt" && (
          <label className="block text-sm">Workspace id
            <input className={input} name="chatgpt-workspace" value={ws} onChange={(e) => setWs(e.target.value)} />
          </label>
        )}
        <label className="block text-sm">Admin key <span className="text-slate-400">(stored encrypted, never shown again)</span>
          <input className={input} type="password" name={`${vendor}-key`} value={apiKey} onChange={(e) => setApiKey(e.target.value)} autoComplete="off" />
        </label>
        <button type="submit" className={primary} disabled={act.pending}>Connect {name}</button>
      </form>
    </Card>
    </div>
  );
}
