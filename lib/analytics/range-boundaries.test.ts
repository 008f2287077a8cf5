/**
 * Analytics ranges on the last and first day of a period (a month end, a leap-free
 * February, New Year): the range, the part of it so far and the range compared with.
 * Expected ranges are written out.
 */
import { describe, expect, it } from "vitest";

import { resolveRange } from "./range";

describe("analytics ranges on the last and first day of a period", () => {
  it("this period on Feb 28 is the whole month, compared with as many days before", () => {
    const r = resolveRange({ range: "period" }, "MONTHLY", "2027-02-28");
    expect([r.start, r.end]).toEqual(["2027-02-01", "2027-02-28"]);
    expect(r.toDate).toEqual({ start: "2027-02-01", end: "2027-02-28" });
    expect(r.previous).toEqual({ start: "2027-01-04", end: "2027-01-31" });
  });

  it("this period on March 1 is one day so far, compared with Feb 28", () => {
    const r = resolveRange({ range: "period" }, "MONTHLY", "2027-03-01");
    expect([r.start, r.end]).toEqual(["2027-03-01", "2027-03-31"]);
    expect(r.toDate).toEqual({ start: "2027-03-01", end: "2027-03-01" });
    expect(r.previous).toEqual({ start: "2027-02-28", end: "2027-02-28" });
  });

  it("on New Year's Day the last period is December, and this week started in December", () => {
    const last = resolveRange({ range: "last-period" }, "MONTHLY", "2027-01-01");
    expect([last.start, last.end]).toEqual(["2026-12-01", "2026-12-31"]);
    expect(last.previous).toEqual({ start: "2026-10-31", end: "2026-11-30" });
    const week = resolveRange({ range: "period" }, "WEEKLY", "2027-01-01");
    expect([week.start, week.end]).toEqual(["2026-12-28", "2027-01-03"]);
    expect(week.toDate).toEqual({ start: "2026-12-28", end: "2027-01-01" });
    expect(week.previous).toEqual({ start: "2026-12-23", end: "2026-12-27" });
  });
});
