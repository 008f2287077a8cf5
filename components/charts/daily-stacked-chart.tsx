"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

import { formatAmount, microsToChartNumber, type Unit } from "@/lib/money";

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
}

/** Daily spend stacked by series; money arrives as exact strings and becomes numbers only for geometry. */
export function DailyStackedChart({
  daily,
  series,
  unit,
  height = 280,
  labels,
  by = "product",
}: Props) {
  const nameOf = (k: string) => labels?.[k] ?? productLabel(k);
  const data = daily.map((d) => {
    const row: Record<string, number | string> = { day: d.day };
    for (const s of series) {
      row[s] = microsToChartNumber(BigInt(d.byProduct[s] ?? "0"));
      row[`exact:${s}`] = d.byProduct[s] ?? "0"; // tooltips show the exact figure, not the float
    }
    return row;
  });
  const axisUnit = unit === "USD" ? "USD" : "credits";
  return (
    <div
      role="img"
      aria-label={`Daily spend in ${axisUnit}, stacked by ${by}`}
      data-testid="daily-chart"
    >
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
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
              return [formatAmount(BigInt(exact), unit), nameOf(String(name))];
            }}
            labelFormatter={(label) => String(label)}
          />
          <Legend formatter={(v: string) => nameOf(v)} wrapperStyle={{ fontSize: 12 }} />
          {series.map((s, i) => (
            <Bar
              key={s}
              dataKey={s}
              stackId="spend"
              fill={colorFor(s, i)}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
