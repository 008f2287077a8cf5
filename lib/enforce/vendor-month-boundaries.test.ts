/**
 * The vendor's month at its edges: a ChatGPT temporary override ends at the 1st, 00:00 UTC,
 * so a grant ends with it only when the workspace's last day ends at that instant.
 */
import { describe, expect, it } from "vitest";

import { endOfDayIn } from "../core/period";
import { endsWithVendorPeriod } from "./vendor-override";

describe("the vendor's month (ChatGPT temporary overrides end at the 1st, 00:00 UTC)", () => {
  it("a grant until the end of February UTC ends with the vendor's month, seen on the 28th; on March 1st it is April's turn", () => {
    const monthEnd = endOfDayIn("2027-02-28", "UTC");
    expect(endsWithVendorPeriod(monthEnd, new Date("2027-02-28T23:59:59.999Z"))).toBe(true);
    expect(endsWithVendorPeriod(monthEnd, new Date("2027-03-01T00:00:00.000Z"))).toBe(false);
    expect(
      endsWithVendorPeriod(endOfDayIn("2028-02-29", "UTC"), new Date("2028-02-29T12:00:00Z")),
    ).toBe(true);
  });

  it("across New Year, and not for a workspace whose day ends at another instant", () => {
    expect(
      endsWithVendorPeriod(endOfDayIn("2026-12-31", "UTC"), new Date("2026-12-31T23:59:59Z")),
    ).toBe(true);
    // New York's Feb 28 ends at 05:00 UTC: the vendor cannot expire that itself (Allotment reverts it)
    expect(
      endsWithVendorPeriod(
        endOfDayIn("2027-02-28", "America/New_York"),
        new Date("2027-02-28T12:00:00Z"),
      ),
    ).toBe(false);
    expect(
      endsWithVendorPeriod(
        endOfDayIn("2026-12-31", "Pacific/Kiritimati"),
        new Date("2026-12-31T05:00:00Z"),
      ),
    ).toBe(false);
  });
});
