import { describe, expect, it } from "vitest";
import { eachDay } from "../period";
import { splitByMonths } from "./month-split";

function covered(s: ReturnType<typeof splitByMonths>): string[] {
  const days = s.days.flatMap((d) => eachDay(d.start, d.end));
  if (s.months) for (const d of eachDay(`${s.months.start}-01`, "2030-12-31")) if (d.slice(0, 7) <= s.months.end) days.push(d);
  return days.sort();
}

describe("splitByMonths", () => {
  it("a whole month is one month and no days", () => {
    expect(splitByMonths({ start: "2026-02-01", end: "2026-02-28" })).toEqual({ months: { start: "2026-02", end: "2026-02" }, days: [] });
  });
  it("leap February needs its 29th", () => {
    expect(splitByMonths({ start: "2024-02-01", end: "2024-02-28" })).toEqual({ months: null, days: [{ start: "2024-02-01", end: "2024-02-28" }] });
    expect(splitByMonths({ start: "2024-02-01", end: "2024-02-29" }).months).toEqual({ start: "2024-02", end: "2024-02" });
  });
  it("edges before and after the whole months", () => {
    expect(splitByMonths({ start: "2026-09-22", end: "2026-11-20" })).toEqual({
      months: { start: "2026-10", end: "2026-10" },
      days: [{ start: "2026-09-22", end: "2026-09-30" }, { start: "2026-11-01", end: "2026-11-20" }],
    });
  });
  it("inside one month: days only", () => {
    expect(splitByMonths({ start: "2026-11-03", end: "2026-11-03" })).toEqual({ months: null, days: [{ start: "2026-11-03", end: "2026-11-03" }] });
  });
  it("across a year end, every day exactly once", () => {
    for (const [start, end] of [["2025-12-31", "2026-03-01"], ["2025-11-30", "2026-01-31"], ["2025-12-01", "2026-01-30"], ["2026-01-15", "2026-02-14"]] as const) {
      expect(covered(splitByMonths({ start, end }))).toEqual(eachDay(start, end));
    }
  });
});
