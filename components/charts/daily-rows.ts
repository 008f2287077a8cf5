/**
 * The daily chart's rows: exact money strings become numbers here, for geometry only (the
 * tooltips keep the exact figure under "exact:<key>"). A day with a forecast carries the band
 * and the expected line instead of bars; a day after `today` without one carries nothing —
 * it has not happened, which is not the same as zero.
 */
import { microsToChartNumber } from "@/lib/core/money";

export const BAND = "band";
export const MID = "expected";

export type ChartRow = Record<string, number | string | number[] | null>;

export function chartRows(input: {
  daily: { day: string; byProduct: Record<string, string> }[];
  series: string[];
  forecast?: { day: string; lowMicros: string; midMicros: string; highMicros: string }[];
  today?: string;
}): ChartRow[] {
  const ahead = new Map((input.forecast ?? []).map((f) => [f.day, f]));
  return input.daily.map((d) => {
    const row: ChartRow = { day: d.day };
    const f = ahead.get(d.day);
    if (f) {
      row[BAND] = [
        microsToChartNumber(BigInt(f.lowMicros)),
        microsToChartNumber(BigInt(f.highMicros)),
      ];
      row[MID] = microsToChartNumber(BigInt(f.midMicros));
      row[`exact:${BAND}`] = `${f.lowMicros}–${f.highMicros}`;
      row[`exact:${MID}`] = f.midMicros;
      return row;
    }
    if (input.today !== undefined && d.day > input.today) return row;
    for (const s of input.series) {
      row[s] = microsToChartNumber(BigInt(d.byProduct[s] ?? "0"));
      row[`exact:${s}`] = d.byProduct[s] ?? "0";
    }
    return row;
  });
}
