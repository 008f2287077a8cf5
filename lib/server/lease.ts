/**
 * Database leases: at most one holder per name across every app process and machine.
 * Acquire is a conditional write (insert, or take over an expired lease), never
 * read-then-write, so two racing processes cannot both win.
 */
import type { Db } from "./db";

/** Holds the lease `name` for `holder` until `now` + `ttlMs`; true when `holder` has it. */
type LeaseHold = (
  db: Db,
  name: string,
  holder: string,
  ttlMs: number,
  now?: Date,
) => Promise<boolean>;

/** Takes the lease when nobody holds it, its holder's time is up, or `holder` holds it already. */
export const acquireLease: LeaseHold = async (db, name, holder, ttlMs, now = new Date()) => {
  const expiresAt = new Date(now.getTime() + ttlMs);
  try {
    await db.lease.create({ data: { name, holder, expiresAt } });
    return true;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  const taken = await db.lease.updateMany({
    where: { name, OR: [{ expiresAt: { lt: now } }, { holder }] },
    data: { holder, expiresAt },
  });
  return taken.count === 1;
};

/** Extends a held lease; false when it was lost (expired and taken by someone else). */
export const renewLease: LeaseHold = async (db, name, holder, ttlMs, now = new Date()) => {
  const renewed = await db.lease.updateMany({
    where: { name, holder },
    data: { expiresAt: new Date(now.getTime() + ttlMs) },
  });
  return renewed.count === 1;
};

export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await db.lease.deleteMany({ where: { name, holder } });
}

export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    (error as { code: unknown }).code === "P2002"
  );
}
