import { microsToChartNumber } from "@/lib/core/money";

/**
 * A tiny inline trend (SVG, no axes), the one sparkline of the app: micro-unit strings become
 * numbers for the geometry only; the exact figures are beside it.
 */
export function Sparkline({
  values,
  label,
  width = 96,
  height = 24,
}: {
  values: string[];
  label: string;
  width?: number;
  height?: number;
}) {
  const nums = values.map((v) => microsToChartNumber(BigInt(v)));
  const max = Math.max(1e-9, ...nums); // an all-zero trend is a flat line at the bottom
  const step = nums.length > 1 ? width / (nums.length - 1) : width;
  const points = nums
    .map((n, i) => `${(i * step).toFixed(1)},${(height - 2 - (n / max) * (height - 4)).toFixed(1)}`)
    .join(" ");
  return (
    <svg width={width} height={height} role="img" aria-label={label} className="text-brand-600">
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth={1.5} />
    </svg>
  );
}
