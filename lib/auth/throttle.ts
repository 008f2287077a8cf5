/**
 * Fixed-window counters in the database (shared by every app process): used to limit
 * sign-in attempts per client address and per account.
 */
import type { Db } from "../db";
import { isUniqueViolation } from "../lease";

/** Counts one attempt; false when the key is over its limit in the current window. */
export async function allowAttempt(db: Db, key: string, max: number, windowMs: number, now = new Date()): Promise<boolean> {
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  await db.rateLimitWindow.updateMany({ where: { key, windowStart: { lt: windowStart } }, data: { windowStart, count: 0 } });
  try {
    await db.rateLimitWindow.create({ data: { key, windowStart, count: 1 } });
    return true;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const bumped = await db.rateLimitWindow.updateMany({ where: { key, count: { lt: max } }, data: { count: { increment: 1 } } });
  return bumped.count === 1;
}
