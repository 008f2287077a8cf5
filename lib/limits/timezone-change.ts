/**
 * A start or expiry is an inclusive calendar day in the workspace timezone, stored as an
 * instant: startsAt = the start of that day, expiresAt = the end of it (the next day's
 * start). When the timezone changes, each such instant moves so it keeps its calendar day
 * in the new timezone ("until 2027-01-15" still ends at the end of 2027-01-15 there).
 * An instant that is not a day boundary in the old timezone (a grant that started "now")
 * names no calendar day and stays as it is. Pure: the settings write and its preview use it.
 */
import { endOfDayIn, lastDayBefore, startOfDayIn, todayIn } from "../core/period";

/** The start instant re-anchored to the same day in `to`, or null when it does not move. */
export function movedStart(startsAt: Date, from: string, to: string): Date | null {
  const day = todayIn(from, startsAt);
  if (startOfDayIn(day, from).getTime() !== startsAt.getTime()) return null;
  const next = startOfDayIn(day, to);
  return next.getTime() === startsAt.getTime() ? null : next;
}

/** The (exclusive) expiry re-anchored to the end of the same day in `to`, or null when it does not move. */
export function movedExpiry(expiresAt: Date, from: string, to: string): Date | null {
  const day = lastDayBefore(expiresAt, from);
  if (endOfDayIn(day, from).getTime() !== expiresAt.getTime()) return null;
  const next = endOfDayIn(day, to);
  return next.getTime() === expiresAt.getTime() ? null : next;
}

export interface DatedPolicy {
  id: string;
  startsAt: Date | null;
  expiresAt: Date | null;
}

/** The policies whose dates move from one timezone to the other, with their new instants. */
export function policiesToMove<P extends DatedPolicy>(
  policies: readonly P[],
  from: string,
  to: string,
): { policy: P; startsAt: Date | null; expiresAt: Date | null }[] {
  if (from === to) return [];
  const out: { policy: P; startsAt: Date | null; expiresAt: Date | null }[] = [];
  for (const p of policies) {
    const s = p.startsAt ? movedStart(p.startsAt, from, to) : null;
    const e = p.expiresAt ? movedExpiry(p.expiresAt, from, to) : null;
    if (s === null && e === null) continue;
    out.push({ policy: p, startsAt: s ?? p.startsAt, expiresAt: e ?? p.expiresAt });
  }
  return out;
}
