/**
 * What a member's `/teams/spend` row says Cursor enforces (§3.3), in micro-USD (null = no
 * limit). Cursor's rule: a member's own spend limit (`hardLimitOverrideDollars`, written by
 * `/teams/user-spend-limit`) wins; without one the team's per-member `monthlyLimitDollars`
 * applies; without that, none. Only member limits are writable.
 *
 * "0 = no override" is documented, yet `spendLimitDollars: 0` sets a $0 limit: both read 0.
 * `effectivePerUserLimitDollars` tells them apart where the team has a limit (0 while the team
 * says $M > 0 can only be a $0 override). Without a team limit, 0 is a $0 limit only when
 * Allotment itself wrote $0 there last; otherwise it is counted as "no limit", the safe side
 * for the continuous check (a vendor is never assumed to allow less than it might).
 */
import { dollarsToMicros } from "./money";
import type { MemberSpend } from "./schemas";

export interface CursorObserved {
  /** Cursor addresses members by email on writes: the email is the vendor user id */
  vendorUserId: string;
  email: string;
  effectiveMicros: bigint | null;
  /** "user" (the member's own limit) | "team" (the team's per-member limit) | "none" */
  effectiveSource: string;
  hasOverride: boolean;
  overrideMicros: bigint | null;
  overrideId: null;
  inheritedKnown: true;
  inheritedMicros: bigint | null;
  overrideTemporary: false;
}

export interface PreviousWrite {
  lastAppliedKind: string | null;
  lastAppliedMicros: bigint | null;
}

export function observeCursor(row: MemberSpend, previous?: PreviousWrite | null): CursorObserved {
  const email = row.email.toLowerCase();
  const own = row.hardLimitOverrideDollars ?? 0;
  const team = row.monthlyLimitDollars ?? null;
  const eff = row.effectivePerUserLimitDollars ?? null;
  const teamMicros = team === null ? null : dollarsToMicros(team);
  const base = {
    vendorUserId: email,
    email,
    overrideId: null,
    inheritedKnown: true as const,
    inheritedMicros: teamMicros,
    overrideTemporary: false as const,
  };
  const override = (micros: bigint, effective = micros) => ({
    ...base,
    effectiveMicros: effective,
    effectiveSource: "user",
    hasOverride: true,
    overrideMicros: micros,
  });
  // what Cursor says it applies counts, should it ever differ from the member's own limit
  if (own > 0) return override(dollarsToMicros(own), dollarsToMicros(eff ?? own));
  const wroteZero = previous?.lastAppliedKind === "set" && previous.lastAppliedMicros === 0n;
  if (eff === 0 && ((team !== null && team > 0) || (team === null && wroteZero)))
    return override(0n);
  const effective =
    eff === 0 && team === null ? null : eff !== null ? dollarsToMicros(eff) : teamMicros;
  return {
    ...base,
    effectiveMicros: effective,
    effectiveSource: effective === null ? "none" : "team",
    hasOverride: false,
    overrideMicros: null,
  };
}
