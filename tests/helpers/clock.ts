/**
 * The tests' "now" (issue 14: no test depends on the wall clock or the machine's speed).
 *
 * Tests pass TEST_NOW, or an instant derived from it, wherever a lib function takes `now`.
 * Code that waits for time to pass (the vendor queue honouring a Retry-After) gets
 * `tickingClock()`: the same instant, advancing with the time elapsed since the clock was
 * made (monotonic, so a wall-clock step or faketime cannot move it). In the integration
 * project the app's own clock (lib/server/clock.ts) is such a clock too (tests/helpers/app-clock.ts).
 *
 * TEST_NOW is a Wednesday mid-month, 14:30 UTC: hours away from a day change in UTC,
 * New York (09:30) and Kiritimati (04:30 the next day), so a slow run never crosses one.
 */
import { performance } from "node:perf_hooks";

import { toDayKey, type DayKey } from "@/lib/core/period";

const DAY_MS = 86_400_000;

export const TEST_NOW = new Date("2026-11-18T14:30:00.000Z");

/** TEST_NOW's UTC day. */
export const TEST_TODAY: DayKey = toDayKey(TEST_NOW);

/** An instant from an ISO text that names its offset ("…Z" or "…+02:00"), so TZ cannot change it. */
export function at(iso: string): Date {
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(iso))
    throw new Error(`at(): give the offset explicitly: ${iso}`);
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`at(): not an instant: ${iso}`);
  return d;
}

/** `instant` moved by n × 24 hours. */
export function daysFrom(instant: Date, n: number): Date {
  return new Date(instant.getTime() + n * DAY_MS);
}

/** `instant` moved by ms milliseconds. */
export function msFrom(instant: Date, ms: number): Date {
  return new Date(instant.getTime() + ms);
}

/** The UTC day of an instant (lib/period's toDayKey). */
export const dayKeyOf = toDayKey;

/** A clock that reads `from` now and then runs forward with the elapsed (monotonic) time. */
export function tickingClock(from: Date = TEST_NOW): () => Date {
  const t0 = from.getTime();
  const started = performance.now();
  return () => new Date(t0 + Math.floor(performance.now() - started));
}
