import { productLabel } from "@/components/charts/palette";
import { formatAmount, type Unit } from "@/lib/core/money";

/** A small table of amounts by product or model, exact figures from the server. */
export function AmountList({
  rows,
  unit,
  kind,
}: {
  rows: { key: string; amountMicros: string; requests: string }[];
  unit: Unit;
  kind: "product" | "model";
}) {
  if (!rows.length) return <p className="text-sm text-slate-500">No usage this period.</p>;
  return (
    <table className="w-full text-sm">
      <thead>
        <tr className="border-b border-slate-200 text-left text-xs tracking-wide text-slate-500 uppercase">
          <th scope="col" className="py-2">
            {kind === "product" ? "Product" : "Model"}
          </th>
          <th scope="col" className="py-2 text-right">
            Requests
          </th>
          <th scope="col" className="py-2 text-right">
            Spend
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} className="border-b border-slate-100 last:border-0">
            <td className="py-1.5">
              {kind === "product" ? productLabel(r.key) : r.key || "(no model)"}
            </td>
            <td className="tabular py-1.5 text-right">
              {BigInt(r.requests).toLocaleString("en-US")}
            </td>
            <td className="tabular py-1.5 text-right">
              {formatAmount(BigInt(r.amountMicros), unit)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
