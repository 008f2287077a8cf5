/**
 * Fixed-window failure counters in the database (shared by every app process): sign-in is
 * refused while a client address or an account has too many *failed* attempts in the current
 * window. Successful sign-ins are not counted, so nobody can lock a chosen account out by
 * signing in as it (or by guessing at it from one address: the address has its own, larger,
 * budget).
 */
import type { Db } from "../server/db";
import { isUniqueViolation } from "../server/lease";

function windowOf(now: Date, windowMs: number): Date {
  return new Date(Math.floor(now.getTime() / windowMs) * windowMs);
}

/** True when the key has `max` or more failures in the current window. */
export async function isThrottled(
  db: Db,
  key: string,
  max: number,
  windowMs: number,
  now = new Date(),
): Promise<boolean> {
  const row = await db.rateLimitWindow.findUnique({
    where: { key },
    select: { windowStart: true, count: true },
  });
  return (
    row !== null &&
    row.windowStart.getTime() === windowOf(now, windowMs).getTime() &&
    row.count >= max
  );
}

/** Counts one failure against the key in the current window. */
export async function recordFailure(
  db: Db,
  key: string,
  windowMs: number,
  now = new Date(),
): Promise<void> {
  const windowStart = windowOf(now, windowMs);
  await db.rateLimitWindow.updateMany({
    where: { key, windowStart: { lt: windowStart } },
    data: { windowStart, count: 0 },
  });
  try {
    await db.rateLimitWindow.create({ data: { key, windowStart, count: 1 } });
    return;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  await db.rateLimitWindow.updateMany({
    where: { key, windowStart },
    data: { count: { increment: 1 } },
  });
}

/** A rate gate (vendor writes): counts one attempt; false when the key is over `max` in the current window. */
export async function allowAttempt(
  db: Db,
  key: string,
  max: number,
  windowMs: number,
  now = new Date(),
): Promise<boolean> {
  const windowStart = windowOf(now, windowMs);
  await db.rateLimitWindow.updateMany({
    where: { key, windowStart: { lt: windowStart } },
    data: { windowStart, count: 0 },
  });
  try {
    await db.rateLimitWindow.create({ data: { key, windowStart, count: 1 } });
    return true;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const bumped = await db.rateLimitWindow.updateMany({
    where: { key, count: { lt: max } },
    data: { count: { increment: 1 } },
  });
  return bumped.count === 1;
}
