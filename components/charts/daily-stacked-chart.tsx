"use client";

import {
  Area,
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

import { formatAmount, type Unit } from "@/lib/core/money";

import { BAND, chartRows, MID } from "./daily-rows";
import { colorFor, productLabel } from "./palette";

interface Props {
  daily: { day: string; byProduct: Record<string, string> }[];
  series: string[];
  unit: Unit;
  height?: number;
  /** display names for series keys (default: product names) */
  labels?: Record<string, string>;
  /** what the stack is split by, for the accessible name */
  by?: string;
  /**
   * the forecast for the days after today (lib/forecast): drawn as a band (10th–90th
   * percentile) with a dashed expected line, instead of those days as zero bars
   */
  forecast?: { day: string; lowMicros: string; midMicros: string; highMicros: string }[];
  /** the last day that has happened: later days with no forecast are drawn empty, not as zero */
  today?: string;
}

/** Daily spend stacked by series; money arrives as exact strings and becomes numbers only for geometry. */
export function DailyStackedChart({
  daily,
  series,
  unit,
  height = 280,
  labels,
  by = "product",
  forecast,
  today,
}: Props) {
  const names: Record<string, string> = {
    [BAND]: "Forecast range (10–90 %)",
    [MID]: "Forecast (expected)",
  };
  const nameOf = (k: string) => names[k] ?? labels?.[k] ?? productLabel(k);
  const ahead = new Set((forecast ?? []).map((f) => f.day));
  const data = chartRows({ daily, series, forecast, today });
  const exactText = (exact: string) => {
    const [lo, hi] = exact.split("–");
    return hi === undefined
      ? formatAmount(BigInt(exact), unit)
      : `${formatAmount(BigInt(lo!), unit)} – ${formatAmount(BigInt(hi), unit)}`;
  };
  const axisUnit = unit === "USD" ? "USD" : "credits";
  return (
    <div
      role="img"
      aria-label={`Daily spend in ${axisUnit}, stacked by ${by}${ahead.size ? `; the ${ahead.size} days to come as a forecast range` : ""}`}
      data-testid="daily-chart"
    >
      <ResponsiveContainer width="100%" height={height}>
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
          <XAxis
            dataKey="day"
            tickFormatter={(d: string) => d.slice(5)}
            tick={{ fontSize: 11 }}
            minTickGap={16}
          />
          <YAxis
            tick={{ fontSize: 11 }}
            width={72}
            tickFormatter={(v: number) =>
              unit === "USD"
                ? `$${v.toLocaleString("en-US", { maximumFractionDigits: 0 })}`
                : v.toLocaleString("en-US", { maximumFractionDigits: 0 })
            }
            label={{
              value: axisUnit,
              angle: -90,
              position: "insideLeft",
              style: { fontSize: 11, fill: "#64748b" },
            }}
          />
          <Tooltip
            formatter={(_value, name, item) => {
              const exact =
                (item.payload as Record<string, string>)[`exact:${String(name)}`] ?? "0";
              return [exactText(exact), nameOf(String(name))];
            }}
            labelFormatter={(label) => String(label)}
          />
          <Legend
            formatter={(v: string) => nameOf(v)}
            // the series in their stacking order, then the forecast's two (not by key: "band"
            // would sit among the products)
            itemSorter={(item) => {
              const i = series.indexOf(String(item.dataKey));
              return i >= 0 ? i : series.length + (item.dataKey === BAND ? 0 : 1);
            }}
            wrapperStyle={{ fontSize: 12 }}
          />
          {series.map((s, i) => (
            <Bar
              key={s}
              dataKey={s}
              stackId="spend"
              fill={colorFor(s, i)}
              isAnimationActive={false}
            />
          ))}
          {ahead.size > 0 && (
            <Area
              dataKey={BAND}
              type="monotone"
              stroke="none"
              fill="#94a3b8"
              fillOpacity={0.3}
              isAnimationActive={false}
              connectNulls={false}
            />
          )}
          {ahead.size > 0 && (
            <Line
              dataKey={MID}
              type="monotone"
              stroke="#475569"
              strokeDasharray="5 4"
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
              connectNulls={false}
            />
          )}
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
