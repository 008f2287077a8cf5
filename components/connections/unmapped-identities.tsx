"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import { Link } from "@/components/ui/link";
import { fetchJson } from "@/lib/client/fetch-json";
import { identityKindLabel, isAutomationKind } from "@/lib/people/automation";

export interface UnmappedView {
  identityProvider: string;
  identityKey: string;
  kind: string;
  externalId: string;
  rows: number;
  cost: string;
  lastDay: string;
}

export function UnmappedIdentities({
  items,
  members,
}: {
  items: UnmappedView[];
  members: { id: string; label: string }[];
}) {
  if (items.length === 0)
    return <p className="text-sm text-slate-600">Every provider identity is mapped to a member.</p>;
  return (
    <table className="w-full text-sm [&_td]:px-2 [&_th]:px-2">
      <thead>
        <tr className="border-b border-slate-200 text-left text-xs tracking-wide text-slate-500 uppercase">
          <th className="py-2">Source</th>
          <th>Identity</th>
          <th className="text-right">Spend</th>
          <th className="text-right">Rows</th>
          <th>Last seen</th>
          <th>Map to member</th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <Row key={`${i.identityProvider}|${i.identityKey}`} item={i} members={members} />
        ))}
      </tbody>
    </table>
  );
}

function Row({ item, members }: { item: UnmappedView; members: { id: string; label: string }[] }) {
  const router = useRouter();
  const [memberId, setMemberId] = useState("");
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <tr className="border-b border-slate-100" data-testid={`unmapped-${item.externalId}`}>
      <td className="py-2 text-slate-600">{item.identityProvider}</td>
      <td className="text-xs">
        <span className="text-slate-600">{identityKindLabel(item.kind)}:</span>{" "}
        <code className="break-all">{item.externalId}</code>
      </td>
      <td className="tabular text-right">{item.cost}</td>
      <td className="tabular text-right">{item.rows}</td>
      <td className="text-slate-600">{item.lastDay}</td>
      <td>
        <div className="flex items-center gap-2">
          <select
            aria-label={`Member for ${item.externalId}`}
            value={memberId}
            onChange={(e) => setMemberId(e.target.value)}
            className="max-w-56 rounded border border-slate-300 px-2 py-1 text-xs"
          >
            <option value="">Choose a member…</option>
            {members.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
          <button
            type="button"
            disabled={!memberId || pending}
            onClick={() =>
              start(async () => {
                setError(null);
                try {
                  await fetchJson("/api/connections/identity-mapping", {
                    method: "POST",
                    body: JSON.stringify({
                      identityProvider: item.identityProvider,
                      identityKey: item.identityKey,
                      memberId,
                    }),
                  });
                } catch (e) {
                  return setError(e instanceof Error ? e.message : "Failed");
                }
                router.refresh();
              })
            }
            className="rounded bg-brand-600 px-2 py-1 text-xs font-medium text-white disabled:opacity-50"
          >
            Map
          </button>
        </div>
        {isAutomationKind(item.kind) && (
          <Link
            href={`/members?add=service&key=${encodeURIComponent(`${item.identityProvider}|${item.identityKey}`)}`}
            className="mt-1 inline-block text-xs font-medium text-brand-700 hover:underline"
          >
            or name it as a service account
          </Link>
        )}
        {error && <p className="text-xs text-red-700">{error}</p>}
      </td>
    </tr>
  );
}
