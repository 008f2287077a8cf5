/**
 * What one member's vendor override should become, as a pure function. The vendor's
 * effective limit must equal Allotment's; an override is written only where the vendor's
 * own inheritance would give something else, and removed where it would give the same.
 * A member without any Allotment limit has no override at the vendor (Allotment has no say;
 * the vendor's defaults apply) — so clearing an Allotment override clears the vendor's.
 */
import { currentPeriod, endOfDayIn } from "../core/period";

export type Action =
  { kind: "none" } | { kind: "set"; micros: bigint | null; temporary: boolean } | { kind: "clear" };

export interface DesiredLimit {
  /** vendor micros at vendor precision; null = unlimited */
  micros: bigint | null;
  /** false when Allotment has no limit for the member (level NONE) */
  managed: boolean;
  /** the chosen policy ends then (null = open-ended) */
  expiresAt: Date | null;
}

export interface ObservedLimit {
  effectiveMicros: bigint | null;
  hasOverride: boolean;
  overrideMicros: bigint | null;
  inheritedKnown: boolean;
  inheritedMicros: bigint | null;
  /** ChatGPT: the override ends with the vendor's period (known only from a fresh read) */
  overrideTemporary?: boolean;
  /**
   * GitHub: when the vendor ends the override itself (its `expires_at`; null = never); from a
   * stored state, the end Allotment wrote while the vendor still shows that value. undefined = unknown.
   */
  overrideEndsAt?: Date | null;
}

/**
 * Whether the end a vendor holds for an override (GitHub's `expires_at`) fits Allotment's: the
 * same end, or none (Allotment then ends the value itself, as when GitHub refused the field). An
 * end Allotment no longer wants — removed or moved — is a change to write, or the vendor drops
 * the value on the old date.
 */
export function vendorEndFits(held: Date | null | undefined, wanted: Date | null): boolean {
  if (held === undefined || held === null) return true;
  return wanted !== null && held.getTime() === wanted.getTime();
}

/** When ChatGPT's period (a UTC month) ends: a temporary override written `now` ends then. */
export function vendorPeriodEnd(now: Date): Date {
  return endOfDayIn(currentPeriod("MONTHLY", "UTC", now).end, "UTC");
}

/** ChatGPT can expire an override itself only at the end of its (monthly, 1st UTC) period. */
export function endsWithVendorPeriod(expiresAt: Date | null, now: Date): boolean {
  if (!expiresAt) return false;
  return expiresAt.getTime() === vendorPeriodEnd(now).getTime();
}

export function decideAction(
  vendor: "chatgpt" | "claude" | "github" | "cursor",
  desired: DesiredLimit,
  observed: ObservedLimit,
  now: Date,
): Action {
  if (!desired.managed) return observed.hasOverride ? { kind: "clear" } : { kind: "none" };
  if (observed.inheritedKnown && observed.inheritedMicros === desired.micros)
    return observed.hasOverride ? { kind: "clear" } : { kind: "none" };
  // Cursor cannot write "unlimited" (null removes the member's limit and the team's applies):
  // the closest it can do is the team's limit, stricter than Allotment; the plan says so
  if (vendor === "cursor" && desired.micros === null)
    return observed.hasOverride ? { kind: "clear" } : { kind: "none" };
  // GitHub has no unlimited individual budget: the shared budget stays (stricter); the plan says so
  if (vendor === "github" && desired.micros === null) return { kind: "none" };
  const temporary = vendor === "chatgpt" && endsWithVendorPeriod(desired.expiresAt, now);
  // the end counts as much as the amount: a permanent override where Allotment's ends with the
  // period (or the reverse) is rewritten, so an added or removed end date reaches the vendor
  const sameEnd =
    vendor === "github"
      ? vendorEndFits(observed.overrideEndsAt, desired.expiresAt)
      : vendor !== "chatgpt" ||
        observed.overrideTemporary === undefined ||
        observed.overrideTemporary === temporary;
  if (observed.hasOverride && observed.overrideMicros === desired.micros && sameEnd)
    return { kind: "none" };
  return { kind: "set", micros: desired.micros, temporary };
}

/** When Allotment must undo a write itself: a grant that ends before the vendor would end it. */
export function revertAtFor(
  vendor: "chatgpt" | "claude" | "github" | "cursor",
  action: Action,
  expiresAt: Date | null,
): Date | null {
  if (action.kind !== "set" || !expiresAt) return null;
  if (vendor === "chatgpt" && action.temporary) return null; // the vendor expires it at period end
  return expiresAt;
}

/**
 * When a value written `now` ends (stored as the vendor state's `revertAt`): the end Allotment
 * reverts or sends (`revertAt`, a GitHub `expires_at`), or for a ChatGPT temporary override the
 * vendor's own period end. Reconcile takes a value gone from the vendor after its end for the
 * vendor ending it as told, not for a console edit (`changedAtVendor`).
 */
export function writtenEndOf(
  payload: { temporary: boolean; revertAt: string | null },
  now: Date,
): Date | null {
  if (payload.revertAt) return new Date(payload.revertAt);
  return payload.temporary ? vendorPeriodEnd(now) : null;
}

/** The vendor job an action becomes: its kind and the payload lib/enforce/limit-jobs.ts reads. */
export function limitJobOf(action: Exclude<Action, { kind: "none" }>, revertAt: Date | null) {
  return {
    kind: action.kind === "set" ? ("set_limit" as const) : ("clear_limit" as const),
    payload: {
      targetMicros:
        action.kind === "set" && action.micros !== null ? action.micros.toString() : null,
      temporary: action.kind === "set" && action.temporary,
      revertAt: revertAt?.toISOString() ?? null,
    },
  };
}
