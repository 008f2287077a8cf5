import { ScrollArea } from "@/components/ui/scroll-area";
import type { ReconciliationRow } from "@/lib/connections/reconciliation";
import { formatAmount } from "@/lib/core/money";

export function ReconciliationTable({ rows }: { rows: ReconciliationRow[] }) {
  if (rows.length === 0)
    return <p className="text-sm text-slate-600">No synced provider data in this range yet.</p>;
  const usd = (m: bigint) => formatAmount(m, "USD");
  return (
    <ScrollArea label="Reconciliation">
      <table className="w-full text-sm [&_td]:px-2 [&_th]:px-2" data-testid="reconciliation">
        <thead>
          <tr className="border-b border-slate-200 text-left text-xs tracking-wide text-slate-500 uppercase">
            <th className="py-2">Day</th>
            <th>Source</th>
            <th className="text-right">Billed</th>
            <th className="text-right">List-price estimate</th>
            <th className="text-right">Allocated</th>
            <th className="text-right">Unattributed</th>
            <th className="text-right">Delta</th>
            <th className="text-right">Unpriced rows</th>
            <th>Restated</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr
              key={`${r.day}|${r.connectionId}|${r.provider}`}
              className="border-b border-slate-100"
              data-testid={`recon-${r.day}-${r.connectionName}`}
            >
              <td className="py-1.5">{r.day}</td>
              <td className="text-slate-600">{r.connectionName}</td>
              <td className="tabular text-right font-medium" data-testid="billed">
                {usd(r.billedMicros)}
              </td>
              <td className="tabular text-right">{usd(r.estimatedMicros)}</td>
              <td className="tabular text-right">{usd(r.allocatedMicros)}</td>
              <td
                className={`tabular text-right ${r.unattributedMicros ? "text-amber-700" : "text-slate-500"}`}
              >
                {usd(r.unattributedMicros)}
              </td>
              <Delta micros={r.deltaMicros} />
              <td
                className={`tabular text-right ${r.unpricedRows ? "font-medium text-red-700" : "text-slate-500"}`}
                data-testid="unpriced"
              >
                {r.unpricedRows}
                {r.tokenSplitScopes.length > 0 && (
                  <span
                    className="ml-2 rounded bg-red-100 px-2 py-0.5 text-xs font-normal whitespace-nowrap text-red-800"
                    title="A row of this day and project had no rate-card price, so the project's bill was split by tokens instead of list price."
                    data-testid="token-split"
                  >
                    split by tokens: {r.tokenSplitScopes.map((s) => s || "(no project)").join(", ")}
                  </span>
                )}
              </td>
              <td>
                {r.restated ? (
                  <span className="rounded bg-amber-100 px-2 py-0.5 text-xs text-amber-800">
                    restated
                  </span>
                ) : (
                  ""
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}

/** Billed − estimate; differences below a cent read as zero, not as "+$0.00". */
function Delta({ micros }: { micros: bigint }) {
  const text = formatAmount(micros < 0n ? -micros : micros, "USD");
  const zero = text === formatAmount(0n, "USD");
  const tone = zero ? "text-slate-500" : micros < 0n ? "text-emerald-700" : "text-amber-700";
  return (
    <td className={`tabular text-right ${tone}`}>
      {zero ? text : `${micros < 0n ? "−" : "+"}${text}`}
    </td>
  );
}
