import { microsToChartNumber } from "@/lib/money";

/** A tiny inline usage sparkline (chart geometry only; amounts stay bigint elsewhere). */
export function Sparkline({ values, label }: { values: string[]; label: string }) {
  const nums = values.map((v) => microsToChartNumber(BigInt(v)));
  const max = Math.max(1e-9, ...nums);
  const w = 112;
  const h = 28;
  const step = nums.length > 1 ? w / (nums.length - 1) : w;
  const points = nums
    .map((n, i) => `${(i * step).toFixed(1)},${(h - 2 - (n / max) * (h - 4)).toFixed(1)}`)
    .join(" ");
  return (
    <svg width={w} height={h} role="img" aria-label={label} className="text-brand-600">
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
