import { describe, expect, it } from "vitest";

import { decideAction } from "../../enforce/vendor-override";
import { observeCursor } from "./limits";

const M = 1_000_000n;
const row = (o: { own?: number | null; team?: number | null; eff?: number | null }) => ({
  userId: "user_1",
  email: "Dev@Company.com",
  spendCents: 2450.125487,
  hardLimitOverrideDollars: o.own ?? 0,
  monthlyLimitDollars: o.team ?? null,
  effectivePerUserLimitDollars: o.eff,
});

describe("observeCursor: Cursor's rule read from /teams/spend", () => {
  it("reads the reference's example: own $100 beats the team's $200", () => {
    expect(observeCursor(row({ own: 100, team: 200, eff: 100 }))).toMatchObject({
      vendorUserId: "dev@company.com",
      hasOverride: true,
      overrideMicros: 100n * M,
      effectiveMicros: 100n * M,
      effectiveSource: "user",
      inheritedMicros: 200n * M,
    });
  });
  it("no own limit: the team's applies; neither: no limit", () => {
    expect(observeCursor(row({ team: 200, eff: 200 }))).toMatchObject({
      hasOverride: false,
      effectiveMicros: 200n * M,
      effectiveSource: "team",
    });
    // both readings of "no limit at all": effective 0 (typed number) or null
    for (const eff of [0, null])
      expect(observeCursor(row({ eff }))).toMatchObject({
        hasOverride: false,
        effectiveMicros: null,
        effectiveSource: "none",
      });
  });
  it("tells a $0 limit from '0 = no override': by the team's limit, else by Allotment's own last write", () => {
    expect(observeCursor(row({ own: 0, team: 200, eff: 0 }))).toMatchObject({
      hasOverride: true,
      overrideMicros: 0n,
      effectiveMicros: 0n,
    });
    expect(
      observeCursor(row({ own: 0, eff: 0 }), { lastAppliedKind: "set", lastAppliedMicros: 0n }),
    ).toMatchObject({ hasOverride: true, effectiveMicros: 0n });
    // someone else's 0 without a team limit: counted as no limit (the vendor may allow more)
    expect(
      observeCursor(row({ own: 0, eff: 0 }), { lastAppliedKind: "set", lastAppliedMicros: 5n * M }),
    ).toMatchObject({ hasOverride: false, effectiveMicros: null });
  });
});

describe("decideAction for Cursor", () => {
  const now = new Date("2026-11-18T12:00:00Z");
  it("cannot write unlimited: removes the member's own limit (the team's stays) or leaves it", () => {
    const withOwn = observeCursor(row({ own: 100, team: 200, eff: 100 }));
    const teamOnly = observeCursor(row({ team: 200, eff: 200 }));
    const d = { micros: null, managed: true, expiresAt: null };
    expect(decideAction("cursor", d, withOwn, now)).toEqual({ kind: "clear" });
    expect(decideAction("cursor", d, teamOnly, now)).toEqual({ kind: "none" });
  });
  it("writes what differs from the inherited team limit, never temporary", () => {
    const teamOnly = observeCursor(row({ team: 200, eff: 200 }));
    expect(
      decideAction("cursor", { micros: 150n * M, managed: true, expiresAt: now }, teamOnly, now),
    ).toEqual({ kind: "set", micros: 150n * M, temporary: false });
    expect(
      decideAction("cursor", { micros: 200n * M, managed: true, expiresAt: null }, teamOnly, now),
    ).toEqual({ kind: "none" });
  });
});
