/**
 * "Now" for the whole app. Tests (and only demo-mode test servers that opt in) can move it
 * through the ALLOTMENT_CLOCK_FILE file, so e2e can step past an expiry without sleeping.
 */
import fs from "node:fs";

import { env } from "./env";

export function now(): Date {
  const e = env();
  if (
    e.ALLOTMENT_DEMO_MODE &&
    e.ALLOTMENT_ALLOW_CLOCK_OVERRIDE &&
    process.env.ALLOTMENT_CLOCK_FILE
  ) {
    try {
      const text = fs.readFileSync(process.env.ALLOTMENT_CLOCK_FILE, "utf8").trim();
      const t = Date.parse(text);
      if (text && Number.isFinite(t)) return new Date(t);
    } catch {
      // no override file: real time
    }
  }
  return new Date();
}

/**
 * Waits `ms` on the app's clock. Only waits that the clock must see pass (a vendor's rate
 * window) use it, so tests that pin the clock can step it instead of sleeping.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
