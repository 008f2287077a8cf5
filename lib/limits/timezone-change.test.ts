import { describe, expect, it } from "vitest";

import { endOfDayIn, lastDayBefore, startOfDayIn, todayIn } from "../core/period";
import { movedExpiry, movedStart, policiesToMove } from "./timezone-change";

const NY = "America/New_York";
const KIRITIMATI = "Pacific/Kiritimati";

describe("timezone change: dates keep their calendar day", () => {
  it("an expiry 'until 2027-01-15' made in UTC ends at the end of 2027-01-15 New York time", () => {
    const utc = endOfDayIn("2027-01-15", "UTC");
    expect(utc.toISOString()).toBe("2027-01-16T00:00:00.000Z");
    const moved = movedExpiry(utc, "UTC", NY)!;
    expect(moved.toISOString()).toBe("2027-01-16T05:00:00.000Z");
    expect(lastDayBefore(moved, NY)).toBe("2027-01-15");
  });

  it("a start moves to the start of the same day; across the date line too", () => {
    const utc = startOfDayIn("2026-12-20", "UTC");
    expect(movedStart(utc, "UTC", NY)!.toISOString()).toBe("2026-12-20T05:00:00.000Z");
    const k = movedStart(utc, "UTC", KIRITIMATI)!;
    expect(todayIn(KIRITIMATI, k)).toBe("2026-12-20");
    expect(k.toISOString()).toBe("2026-12-19T10:00:00.000Z");
  });

  it("an instant that is no day boundary (a grant that started 'now') stays; so does one already right", () => {
    const now = new Date("2026-11-18T14:30:00Z");
    expect(movedStart(now, "UTC", NY)).toBeNull();
    expect(movedExpiry(new Date("2026-12-01T12:00:00Z"), "UTC", NY)).toBeNull();
    expect(movedStart(startOfDayIn("2026-12-20", NY), NY, NY)).toBeNull();
  });

  it("keeps the day through a DST change (New York, March 2027)", () => {
    const until = endOfDayIn("2027-03-14", "UTC"); // DST starts in New York on 2027-03-14
    const moved = movedExpiry(until, "UTC", NY)!;
    expect(lastDayBefore(moved, NY)).toBe("2027-03-14");
    expect(moved.toISOString()).toBe("2027-03-15T04:00:00.000Z");
  });

  it("lists only the policies that move, with both dates", () => {
    const a = {
      id: "a",
      startsAt: startOfDayIn("2026-12-20", "UTC"),
      expiresAt: endOfDayIn("2027-01-15", "UTC"),
    };
    const b = { id: "b", startsAt: null, expiresAt: null };
    const c = {
      id: "c",
      startsAt: new Date("2026-11-18T14:30:00Z"),
      expiresAt: endOfDayIn("2026-12-15", "UTC"),
    };
    const moves = policiesToMove([a, b, c], "UTC", NY);
    expect(moves.map((m) => m.policy.id)).toEqual(["a", "c"]);
    expect(moves[1]!.startsAt).toEqual(c.startsAt);
    expect(moves[1]!.expiresAt!.toISOString()).toBe("2026-12-16T05:00:00.000Z");
    expect(policiesToMove([a], NY, NY)).toEqual([]);
  });
});
