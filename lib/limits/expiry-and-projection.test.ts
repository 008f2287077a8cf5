import { describe, expect, it } from "vitest";

import { endOfDayIn, lastDayBefore, startOfDayIn } from "../core/period";
import {
  steadyExhaustion as projectedExhaustion,
  steadyPeriodEnd as projectPeriodEnd,
} from "../forecast/steady";
import { isPolicyActive } from "./resolve-effective-limit";

describe("day bounds in a workspace timezone", () => {
  it("an expiry at the end of a day in New York crosses the spring DST change correctly", () => {
    // 2026-03-08 is 23 hours long in New York
    expect(startOfDayIn("2026-03-08", "America/New_York").toISOString()).toBe(
      "2026-03-08T05:00:00.000Z",
    );
    expect(endOfDayIn("2026-03-08", "America/New_York").toISOString()).toBe(
      "2026-03-09T04:00:00.000Z",
    );
    expect(lastDayBefore(endOfDayIn("2026-03-08", "America/New_York"), "America/New_York")).toBe(
      "2026-03-08",
    );
  });

  it("an override until a day in Kiritimati (UTC+14) ends before that UTC day does", () => {
    const exp = endOfDayIn("2026-12-31", "Pacific/Kiritimati");
    expect(exp.toISOString()).toBe("2026-12-31T10:00:00.000Z");
    expect(
      isPolicyActive({ startsAt: null, expiresAt: exp }, new Date("2026-12-31T09:59:59Z")),
    ).toBe(true);
    expect(
      isPolicyActive({ startsAt: null, expiresAt: exp }, new Date("2026-12-31T10:00:00Z")),
    ).toBe(false);
    expect(lastDayBefore(exp, "Pacific/Kiritimati")).toBe("2026-12-31");
  });
});

describe("projection", () => {
  const period = { start: "2026-03-01", end: "2026-03-31" };
  it("projects the pace so far to the period end", () => {
    expect(projectPeriodEnd(100n, period, "2026-03-10")).toBe(310n);
    expect(projectPeriodEnd(0n, period, "2026-03-10")).toBe(0n);
  });
  it("finds the day the remaining budget runs out, or none within the period", () => {
    expect(projectedExhaustion(100n, 50n, period, "2026-03-10")).toBe("2026-03-15");
    expect(projectedExhaustion(100n, 0n, period, "2026-03-10")).toBe("2026-03-10");
    expect(projectedExhaustion(100n, 10_000n, period, "2026-03-10")).toBeNull();
    expect(projectedExhaustion(100n, null, period, "2026-03-10")).toBeNull();
  });
});
