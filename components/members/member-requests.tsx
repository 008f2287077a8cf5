import { SourceBadge } from "@/components/requests/source-badge";
import { StatusBadge } from "@/components/requests/status-badge";
import { Card } from "@/components/ui/card";
import { formatAmount, type Unit } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";
import { productLabel } from "@/lib/products/known-products";
import type { RequestItem } from "@/lib/requests/request-queue";

/** A member's credit requests with their outcome, for the member and the people who decide them. */
export function MemberRequests({
  requests,
  unit,
  self,
}: {
  requests: Serialized<RequestItem>[];
  unit: Unit;
  self: boolean;
}) {
  return (
    <Card
      title={self ? "Your credit requests" : "Credit requests"}
      action={
        <a href="/requests" className="text-xs text-brand-700 hover:underline">
          {self ? "all your requests →" : "open the queue →"}
        </a>
      }
    >
      {requests.length === 0 ? (
        <p className="text-sm text-slate-500">
          {self ? "You have not asked for more yet." : "No credit requests from this member."}
        </p>
      ) : (
        <table className="w-full text-sm" data-testid="member-requests">
          <thead>
            <tr className="border-b border-slate-200 text-left text-xs tracking-wide text-slate-500 uppercase">
              <th scope="col" className="py-2">
                Request
              </th>
              <th scope="col" className="py-2">
                Status
              </th>
              <th scope="col" className="py-2 text-right">
                Asked
              </th>
              <th scope="col" className="py-2 text-right">
                Granted
              </th>
              <th scope="col" className="py-2 pl-4">
                Decision
              </th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr
                key={r.id}
                className="border-b border-slate-100 align-top last:border-0"
                data-testid={`member-request-${r.id}`}
              >
                <td className="py-2 pr-3">
                  <span className="font-medium">#{r.id}</span> <SourceBadge source={r.source} />
                  <div className="text-xs text-slate-500">
                    filed {r.createdAt.slice(0, 10)} · until {r.neededUntil}
                    {r.product && ` · ${productLabel(r.product)}`}
                  </div>
                  <div className="max-w-md text-xs text-slate-600">{r.reason}</div>
                </td>
                <td className="py-2 pr-3">
                  <StatusBadge status={r.status} />
                </td>
                <td className="tabular py-2 text-right whitespace-nowrap">
                  {BigInt(r.amountMicros) > 0n ? (
                    formatAmount(BigInt(r.amountMicros), unit)
                  ) : (
                    <span className="text-slate-500">not given</span>
                  )}
                </td>
                <td className="tabular py-2 text-right whitespace-nowrap">
                  {r.grantedMicros !== null ? formatAmount(BigInt(r.grantedMicros), unit) : "—"}
                </td>
                <td className="py-2 pl-4 text-xs text-slate-700">
                  {r.decidedAt ? (
                    <>
                      <span className="text-slate-500">
                        {r.decider ?? "API token / vendor"} · {r.decidedAt.slice(0, 10)}
                      </span>
                      {r.decisionNote && (
                        <div data-testid="member-request-note">“{r.decisionNote}”</div>
                      )}
                    </>
                  ) : (
                    <span className="text-slate-500">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
