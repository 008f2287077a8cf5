import { describe, expect, it } from "vitest";

import {
  addDays,
  daysLeft,
  eachDay,
  isDayKey,
  periodContaining,
  precedingRange,
  todayIn,
} from "./period";

describe("periods", () => {
  it("finds calendar months including leap days and year ends", () => {
    expect(periodContaining("2028-02-10", "MONTHLY")).toEqual({
      start: "2028-02-01",
      end: "2028-02-29",
    });
    expect(periodContaining("2026-02-28", "MONTHLY")).toEqual({
      start: "2026-02-01",
      end: "2026-02-28",
    });
    expect(periodContaining("2026-12-31", "MONTHLY")).toEqual({
      start: "2026-12-01",
      end: "2026-12-31",
    });
    expect(periodContaining("2026-01-01", "MONTHLY")).toEqual({
      start: "2026-01-01",
      end: "2026-01-31",
    });
  });

  it("uses ISO weeks (Monday start) and single days", () => {
    expect(periodContaining("2026-11-22", "WEEKLY")).toEqual({
      start: "2026-11-16",
      end: "2026-11-22",
    }); // a Sunday
    expect(periodContaining("2026-11-23", "WEEKLY")).toEqual({
      start: "2026-11-23",
      end: "2026-11-29",
    });
    expect(periodContaining("2026-11-22", "DAILY")).toEqual({
      start: "2026-11-22",
      end: "2026-11-22",
    });
  });

  it("decides today by the workspace timezone, not the server's", () => {
    const instant = new Date("2026-11-30T20:00:00Z");
    expect(todayIn("UTC", instant)).toBe("2026-11-30");
    expect(todayIn("Pacific/Kiritimati", instant)).toBe("2026-12-01"); // UTC+14
    expect(todayIn("America/Los_Angeles", instant)).toBe("2026-11-30");
    // the period of that today: period-boundaries.test.ts
  });

  it("is unaffected by DST changes", () => {
    // US DST ended 2026-11-01; Europe 2026-10-25.
    expect(eachDay("2026-10-24", "2026-10-27")).toEqual([
      "2026-10-24",
      "2026-10-25",
      "2026-10-26",
      "2026-10-27",
    ]);
    expect(todayIn("America/New_York", new Date("2026-11-01T05:30:00Z"))).toBe("2026-11-01");
    expect(todayIn("America/New_York", new Date("2026-11-01T03:30:00Z"))).toBe("2026-10-31");
    expect(addDays("2026-03-08", 1)).toBe("2026-03-09");
  });

  it("counts days left including today and builds preceding ranges", () => {
    expect(daysLeft({ start: "2026-11-01", end: "2026-11-30" }, "2026-11-22")).toBe(9);
    expect(daysLeft({ start: "2026-11-01", end: "2026-11-30" }, "2026-12-02")).toBe(0);
    expect(precedingRange({ start: "2026-11-01", end: "2026-11-30" })).toEqual({
      start: "2026-10-02",
      end: "2026-10-31",
    });
  });

  it("validates day keys", () => {
    expect(isDayKey("2026-02-29")).toBe(false);
    expect(isDayKey("2028-02-29")).toBe(true);
    expect(isDayKey("2026-1-01")).toBe(false);
  });
});
