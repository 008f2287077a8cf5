"use client";

import { useQuery } from "@tanstack/react-query";

import type { CostPerPrContext } from "@/lib/analytics/outcomes";
import { fetchJson } from "@/lib/client/fetch-json";
import type { Serialized } from "@/lib/core/serialize";

import { perOutcome } from "./format";

type Data = Serialized<CostPerPrContext>;

/** Nothing reported for the person or their groups: the line would only say "—" twice. */
function isEmpty(d: Data): boolean {
  return [d.person, ...d.groups].every(
    (f) => f.pullRequests === 0 && f.commits === 0 && BigInt(f.billedMicros) === 0n,
  );
}

/**
 * One line of a credit request's context: "Cost per PR (last 90 days): this person $X vs
 * their group $Y" (issue 20). Billed cost only; "—" when there is no PR to divide by.
 */
export function CostPerPr({ memberId }: { memberId: string }) {
  const url = `/api/outcomes/cost-per-pr?member=${encodeURIComponent(memberId)}`;
  const q = useQuery({
    queryKey: ["outcomes", "cost-per-pr", memberId],
    queryFn: () => fetchJson<Data>(url),
    staleTime: 60_000,
  });
  if (q.isPending || q.isError || !q.data || isEmpty(q.data)) return null;
  const d = q.data;
  const groups = d.groups.length
    ? d.groups.map((g) => `${g.name} ${perOutcome(g.perPrMicros)}`).join(", ")
    : null;
  return (
    <p className="sm:col-span-3" data-testid="cost-per-pr">
      <span className="font-medium text-slate-700">Cost per PR</span>{" "}
      <span className="text-slate-500">({d.label.toLowerCase()}, billed)</span>:{" "}
      <span className="tabular text-slate-800">
        this person {perOutcome(d.person.perPrMicros)}
        {d.person.pullRequests === 0 && " (no PRs)"}
      </span>
      {groups && (
        <>
          {" vs "}
          <span className="tabular text-slate-800">
            {d.groups.length === 1 ? "their group" : "their groups"} {groups}
          </span>
        </>
      )}
    </p>
  );
}
