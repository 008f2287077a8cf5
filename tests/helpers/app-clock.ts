/**
 * The app's clock (lib/server/clock.ts `now()`) as the integration tests run it: anchored at
 * TEST_NOW when a test file starts and running forward with the elapsed time, so what the
 * app reads internally (a policy's "expiry in the past" check, a token's revocation time,
 * the budget-check and cost routes' "today", the vendor queue's default clock) agrees with
 * the `now` the tests pass, whatever the machine's date. tests/helpers/pin-app-clock.ts
 * installs it for every integration test file; `setAppNow` moves it (it keeps ticking).
 */
import { TEST_NOW, tickingClock } from "./clock";

let clock = tickingClock(TEST_NOW);

export function now(): Date {
  return clock();
}

/** Re-anchors the app's clock at `instant` (it runs on from there). */
export function setAppNow(instant: Date): void {
  clock = tickingClock(instant);
}

/** Back to TEST_NOW. */
export function resetAppNow(): void {
  clock = tickingClock(TEST_NOW);
}

/** The app's clock in milliseconds, for the fake vendors' `clock` options. */
export function appNowMs(): number {
  return clock().getTime();
}
