import { describe, expect, it } from "vitest";

import { BAND, chartRows, MID } from "./daily-rows";

const daily = ["2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02"].map((day, i) => ({
  day,
  byProduct: (i === 0 ? { codex: "1500000", api: "250000" } : {}) as Record<string, string>,
}));

describe("chartRows", () => {
  it("a day that happened is bars, zero included; a day after today is empty, not zero", () => {
    const rows = chartRows({ daily, series: ["api", "codex"], today: "2026-11-30" });
    expect(rows[0]).toMatchObject({ codex: 1.5, api: 0.25, "exact:codex": "1500000" });
    expect(rows[1]).toMatchObject({ codex: 0, api: 0, "exact:api": "0" });
    expect(rows[2]).toEqual({ day: "2026-12-01" });
    expect(rows[3]).toEqual({ day: "2026-12-02" });
  });

  it("a day with a forecast carries the band and the expected line, exact in the tooltip", () => {
    const rows = chartRows({
      daily,
      series: ["codex"],
      today: "2026-11-30",
      forecast: [
        { day: "2026-12-01", lowMicros: "1000000", midMicros: "2000000", highMicros: "3500000" },
      ],
    });
    expect(rows[2]).toEqual({
      day: "2026-12-01",
      [BAND]: [1, 3.5],
      [MID]: 2,
      [`exact:${BAND}`]: "1000000–3500000",
      [`exact:${MID}`]: "2000000",
    });
    expect(rows[3]).toEqual({ day: "2026-12-02" });
  });

  it("without today every day is drawn (a past range)", () => {
    const rows = chartRows({ daily, series: ["codex"] });
    expect(rows[3]).toMatchObject({ codex: 0 });
  });
});
