/**
 * The e2e suite's "today". The test server reads its clock from ALLOTMENT_CLOCK_FILE (lib/server/clock.ts,
 * demo mode with ALLOTMENT_ALLOW_CLOCK_OVERRIDE only), the seed loads the demo data relative to
 * the same instant, and the fake vendors are handed the same clock, so every date the journeys
 * see is anchored to E2E_NOW and never to the machine's date. Override with E2E_NOW=<ISO instant>.
 */
import fs from "node:fs";
import path from "node:path";

const DAY_MS = 86_400_000;

export const E2E_NOW = new Date(process.env.E2E_NOW ?? "2026-11-20T15:00:00.000Z");
if (Number.isNaN(E2E_NOW.getTime()))
  throw new Error(`E2E_NOW is not an ISO instant: ${process.env.E2E_NOW}`);

const port = process.env.E2E_PORT ?? "3107";
const engine = (process.env.E2E_DATABASE_URL ?? "").startsWith("postgres") ? "postgres" : "sqlite";

/** One clock file per test server (engine + port), so parallel runs never move each other's time. */
export const clockFile = path.join(process.cwd(), "data", `e2e-clock-${engine}-${port}.txt`);

/** Sets the server's "now" (and the fake vendors', which read it through serverNowMs). */
export function setServerClock(at: Date): void {
  fs.mkdirSync(path.dirname(clockFile), { recursive: true });
  fs.writeFileSync(clockFile, at.toISOString());
}

/** Back to the pinned "today". */
export function resetServerClock(): void {
  setServerClock(E2E_NOW);
}

/** E2E_NOW moved by whole days. */
export function daysAfterNow(days: number): Date {
  return new Date(E2E_NOW.getTime() + days * DAY_MS);
}

/** YYYY-MM-DD (UTC) of E2E_NOW moved by whole days. */
export function e2eDay(days = 0): string {
  return daysAfterNow(days).toISOString().slice(0, 10);
}

/** The server's current "now" in ms, as the fake vendors should see it. */
export function serverNowMs(): number {
  try {
    const t = Date.parse(fs.readFileSync(clockFile, "utf8").trim());
    if (Number.isFinite(t)) return t;
  } catch {
    // not written yet: the pinned instant
  }
  return E2E_NOW.getTime();
}

/** Environment that makes a tsx fixture script (lib/server/clock.ts) read the same clock as the server. */
export function clockEnv(): Record<string, string> {
  return {
    ALLOTMENT_DEMO_MODE: "1",
    ALLOTMENT_ALLOW_CLOCK_OVERRIDE: "1",
    ALLOTMENT_CLOCK_FILE: clockFile,
  };
}
