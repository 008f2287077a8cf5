import { describe, expect, it } from "vitest";

import { digestWeek } from "./week";

const at = (iso: string) => new Date(iso);

describe("the digest week (UTC, ISO weeks from Monday)", () => {
  it("keys a week by its Monday and reports the seven days before", () => {
    expect(digestWeek(at("2026-11-18T14:30:00Z"))).toEqual({
      weekStart: "2026-11-16",
      covered: { start: "2026-11-09", end: "2026-11-15" },
    });
  });

  it("across a month end: the last days of November and the first of December share a week", () => {
    const monday = digestWeek(at("2026-11-30T00:00:00Z"));
    expect(monday).toEqual({
      weekStart: "2026-11-30",
      covered: { start: "2026-11-23", end: "2026-11-29" },
    });
    expect(digestWeek(at("2026-12-01T09:00:00Z")).weekStart).toBe("2026-11-30");
    expect(digestWeek(at("2026-12-06T23:59:59.999Z")).weekStart).toBe("2026-11-30");
    expect(digestWeek(at("2026-12-07T00:00:00Z")).weekStart).toBe("2026-12-07");
    // the Sunday before is the week before
    expect(digestWeek(at("2026-11-29T23:59:59.999Z")).weekStart).toBe("2026-11-23");
  });

  it("across New Year: 31 December 2026 and 3 January 2027 are one week; 4 January starts the next", () => {
    expect(digestWeek(at("2026-12-31T23:59:59Z")).weekStart).toBe("2026-12-28");
    expect(digestWeek(at("2027-01-01T00:00:00Z")).weekStart).toBe("2026-12-28");
    expect(digestWeek(at("2027-01-03T23:59:59.999Z")).weekStart).toBe("2026-12-28");
    expect(digestWeek(at("2027-01-04T00:00:00Z"))).toEqual({
      weekStart: "2027-01-04",
      covered: { start: "2026-12-28", end: "2027-01-03" },
    });
  });

  it("is UTC whatever the process timezone: the instant, not the local day, decides", () => {
    // 23:30 on Sunday in UTC is already Monday in Kiritimati: still the Sunday's week here
    expect(digestWeek(at("2027-01-03T23:30:00-00:00")).weekStart).toBe("2026-12-28");
    expect(digestWeek(at("2027-01-04T00:30:00+14:00")).weekStart).toBe("2026-12-28");
  });
});
