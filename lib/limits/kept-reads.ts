/**
 * What the limit simulator reads — the people and their memberships, each period's usage
 * (totals, the day series read so far, pools) and the replay under the limits as they are —
 * kept while the workspace's version stamp holds (lib/server/workspace-version.ts: every
 * audited change — limits, people, groups, memberships, identity mappings, settings — moves
 * `config`, every sync page commit `usage`), the contract the budget check's cache keeps too.
 * A preview re-simulated as an editor's form changes, or a planning script's series of
 * questions, reads them once.
 *
 * The least recently used entry goes first, and there is room for two simulations of the
 * most periods a question may ask: a simulation asks its entries in the same order every
 * time, so with fewer places than it asks (a fixed 16 was: 7 replayed periods and the current
 * one ask 17) each read pushed out one it would ask again and every question read everything.
 */
import { MAX_SIMULATED_PERIODS } from "./simulate-input";

/** Entries one simulation asks: the people, and per period its usage and its baseline replay. */
export function readsPerSimulation(periods: number): number {
  return 1 + 2 * (periods + 1); // the replayed periods and the current one
}

export const READS_KEPT = 2 * readsPerSimulation(MAX_SIMULATED_PERIODS);

const reads = new WeakMap<object, Map<string, { stamp: string; value: Promise<unknown> }>>();

/** `read()`'s value for `key` of `owner` (a database client) while `stamp` holds, read once. */
export function keptRead<T>(
  owner: object,
  key: string,
  stamp: string,
  read: () => Promise<T>,
): Promise<T> {
  let kept = reads.get(owner);
  if (!kept) reads.set(owner, (kept = new Map()));
  const entries = kept;
  const hit = entries.get(key);
  entries.delete(key); // asked again: the most recently used (a Map iterates in insertion order)
  if (hit && hit.stamp === stamp) {
    entries.set(key, hit);
    return hit.value as Promise<T>;
  }
  const value = read();
  entries.set(key, { stamp, value });
  value.catch(() => {
    if (entries.get(key)?.value === value) entries.delete(key);
  });
  while (entries.size > READS_KEPT) entries.delete(entries.keys().next().value!);
  return value;
}

/** Forgets what was kept for `owner` (the bench times a first simulation with nothing kept). */
export function forgetKeptReads(owner: object): void {
  reads.delete(owner);
}
