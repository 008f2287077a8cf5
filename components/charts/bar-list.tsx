import { Link } from "@/components/ui/link";
import { formatAmount, formatPercent, percentOf, type Unit } from "@/lib/core/money";

export interface BarItem {
  key: string;
  label: string;
  href?: string | null;
  amountMicros: string;
  sharePct: number;
}

/** Ranked horizontal bars with the exact amount and share, readable in a screenshot. */
export function BarList({
  items,
  unit,
  empty = "No usage in this range.",
}: {
  items: BarItem[];
  unit: Unit;
  empty?: string;
}) {
  if (!items.length) return <p className="py-6 text-center text-sm text-slate-500">{empty}</p>;
  const max = items.reduce((m, i) => (BigInt(i.amountMicros) > m ? BigInt(i.amountMicros) : m), 1n);
  return (
    <ul className="flex flex-col gap-2 text-sm">
      {items.map((i) => (
        <li key={i.key}>
          <div className="flex items-baseline justify-between gap-2">
            {i.href ? (
              <Link href={i.href} className="truncate font-medium text-brand-700 hover:underline">
                {i.label}
              </Link>
            ) : (
              <span className="truncate font-medium">{i.label}</span>
            )}
            <span className="tabular shrink-0 text-slate-700">
              {formatAmount(BigInt(i.amountMicros), unit)}{" "}
              <span className="text-xs text-slate-500">{formatPercent(i.sharePct)}</span>
            </span>
          </div>
          <div className="mt-1 h-1.5 rounded bg-slate-100">
            <div
              className="h-1.5 rounded bg-brand-500"
              style={{ width: `${percentOf(BigInt(i.amountMicros), max)}%` }}
            />
          </div>
        </li>
      ))}
    </ul>
  );
}
