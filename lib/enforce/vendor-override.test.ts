import { describe, expect, it } from "vitest";

import {
  decideAction,
  endsWithVendorPeriod,
  revertAtFor,
  vendorEndFits,
  writtenEndOf,
} from "./vendor-override";

const now = new Date("2026-03-10T12:00:00Z");
const obs = (o: Partial<Parameters<typeof decideAction>[2]> = {}) => ({
  effectiveMicros: 100n,
  hasOverride: false,
  overrideMicros: null,
  inheritedKnown: true,
  inheritedMicros: 100n,
  ...o,
});

describe("decideAction", () => {
  it("writes nothing when the vendor already inherits Allotment's limit", () => {
    expect(
      decideAction("claude", { micros: 100n, managed: true, expiresAt: null }, obs(), now),
    ).toEqual({ kind: "none" });
  });
  it("sets an override where inheritance differs, and is idempotent once set", () => {
    expect(
      decideAction("claude", { micros: 300n, managed: true, expiresAt: null }, obs(), now),
    ).toEqual({ kind: "set", micros: 300n, temporary: false });
    expect(
      decideAction(
        "claude",
        { micros: 300n, managed: true, expiresAt: null },
        obs({ hasOverride: true, overrideMicros: 300n, effectiveMicros: 300n }),
        now,
      ),
    ).toEqual({ kind: "none" });
  });
  it("clears an override that inheritance makes redundant, or when Allotment has no limit", () => {
    expect(
      decideAction(
        "claude",
        { micros: 100n, managed: true, expiresAt: null },
        obs({ hasOverride: true, overrideMicros: 300n }),
        now,
      ),
    ).toEqual({ kind: "clear" });
    expect(
      decideAction(
        "chatgpt",
        { micros: null, managed: false, expiresAt: null },
        obs({ hasOverride: true, overrideMicros: 300n }),
        now,
      ),
    ).toEqual({ kind: "clear" });
    expect(
      decideAction("chatgpt", { micros: null, managed: false, expiresAt: null }, obs(), now),
    ).toEqual({ kind: "none" });
  });
  it("keeps an override when what the member would inherit is unknown", () => {
    expect(
      decideAction(
        "claude",
        { micros: 100n, managed: true, expiresAt: null },
        obs({
          hasOverride: true,
          overrideMicros: 300n,
          inheritedKnown: false,
          inheritedMicros: null,
        }),
        now,
      ),
    ).toEqual({ kind: "set", micros: 100n, temporary: false });
  });
  it("treats unlimited (null) as a value of its own", () => {
    expect(
      decideAction("claude", { micros: null, managed: true, expiresAt: null }, obs(), now),
    ).toEqual({ kind: "set", micros: null, temporary: false });
  });
  it("uses ChatGPT's temporary override only for grants ending with the vendor's month", () => {
    const monthEnd = new Date("2026-04-01T00:00:00Z");
    expect(endsWithVendorPeriod(monthEnd, now)).toBe(true);
    expect(endsWithVendorPeriod(new Date("2026-03-20T00:00:00Z"), now)).toBe(false);
    const a = decideAction(
      "chatgpt",
      { micros: 300n, managed: true, expiresAt: monthEnd },
      obs(),
      now,
    );
    expect(a).toEqual({ kind: "set", micros: 300n, temporary: true });
    expect(revertAtFor("chatgpt", a, monthEnd)).toBeNull();
    const mid = new Date("2026-03-20T00:00:00Z");
    expect(
      revertAtFor(
        "chatgpt",
        decideAction("chatgpt", { micros: 300n, managed: true, expiresAt: mid }, obs(), now),
        mid,
      ),
    ).toEqual(mid);
    expect(
      revertAtFor(
        "claude",
        decideAction("claude", { micros: 300n, managed: true, expiresAt: monthEnd }, obs(), now),
        monthEnd,
      ),
    ).toEqual(monthEnd);
  });
  it("compares the end as well as the amount: adding a month-end to a permanent ChatGPT override rewrites it as temporary, and the reverse", () => {
    const monthEnd = new Date("2026-04-01T00:00:00Z");
    const permanent = obs({
      hasOverride: true,
      overrideMicros: 300n,
      effectiveMicros: 300n,
      overrideTemporary: false,
    });
    expect(
      decideAction("chatgpt", { micros: 300n, managed: true, expiresAt: monthEnd }, permanent, now),
    ).toEqual({ kind: "set", micros: 300n, temporary: true });
    expect(
      decideAction(
        "chatgpt",
        { micros: 300n, managed: true, expiresAt: null },
        { ...permanent, overrideTemporary: true },
        now,
      ),
    ).toEqual({ kind: "set", micros: 300n, temporary: false });
    expect(
      decideAction("chatgpt", { micros: 300n, managed: true, expiresAt: null }, permanent, now),
    ).toEqual({ kind: "none" });
  });
});

describe("writtenEndOf (the end stored with what was written)", () => {
  it("is the end Allotment sends or reverts at, else a temporary override's vendor month end, else none", () => {
    expect(writtenEndOf({ temporary: false, revertAt: "2026-03-12T00:00:00.000Z" }, now)).toEqual(
      new Date("2026-03-12T00:00:00Z"),
    );
    expect(writtenEndOf({ temporary: true, revertAt: null }, now)).toEqual(
      new Date("2026-04-01T00:00:00Z"),
    );
    expect(
      writtenEndOf({ temporary: true, revertAt: null }, new Date("2026-12-31T23:59:59Z")),
    ).toEqual(new Date("2027-01-01T00:00:00Z"));
    expect(writtenEndOf({ temporary: false, revertAt: null }, now)).toBeNull();
  });
});

describe("the end GitHub holds for an individual budget (expires_at)", () => {
  const d = (iso: string) => new Date(iso);
  const held = (end: Date | null | undefined) =>
    obs({ hasOverride: true, overrideMicros: 300n, effectiveMicros: 300n, overrideEndsAt: end });
  it("an end removed or moved with the same amount is a write; the same end, none held, or unknown is not", () => {
    const wanted = (expiresAt: Date | null) => ({ micros: 300n, managed: true, expiresAt });
    // Allotment wants the end `want`, the vendor holds `hold` (undefined: not known)
    const at = (iso: string | null | undefined) => (iso == null ? iso : d(iso));
    const decide = (
      want: string | null,
      hold: string | null | undefined,
      vendor: "github" | "claude" = "github",
    ) => decideAction(vendor, wanted(at(want) ?? null), held(at(hold)), now);
    const set = { kind: "set", micros: 300n, temporary: false };
    const march13 = "2026-03-13T00:00:00Z";
    expect(decide(null, march13)).toEqual(set);
    expect(decide("2026-03-16T00:00:00Z", march13)).toEqual(set);
    expect(decide(march13, march13)).toEqual({ kind: "none" });
    // none held (GitHub refused the field): Allotment ends the value itself
    expect(decide(march13, null)).toEqual({ kind: "none" });
    expect(decide(null, undefined)).toEqual({ kind: "none" });
    // other vendors hold no end of Allotment's: their ends are Allotment's reverts
    expect(decide(null, march13, "claude")).toEqual({ kind: "none" });
  });
  it("vendorEndFits", () => {
    expect(vendorEndFits(undefined, null)).toBe(true);
    expect(vendorEndFits(null, d("2026-03-13T00:00:00Z"))).toBe(true);
    expect(vendorEndFits(d("2026-03-13T00:00:00Z"), null)).toBe(false);
    expect(vendorEndFits(d("2026-03-13T00:00:00Z"), d("2026-03-14T00:00:00Z"))).toBe(false);
    expect(vendorEndFits(d("2026-03-13T00:00:00Z"), d("2026-03-13T00:00:00Z"))).toBe(true);
  });
});
