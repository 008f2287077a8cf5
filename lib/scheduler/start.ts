/**
 * Starts the in-process scheduler loop of a server. Every app instance may run it: all
 * coordination is in the database (see tick.ts). Off with ALLOTMENT_SCHEDULER=off (tests),
 * or run passes from cron with `npm run allotment -- tick` instead.
 */
import "server-only";

import { now } from "../server/clock";
import { db } from "../server/db";
import { env } from "../server/env";
import { schedulerTick } from "./tick";

let started = false;

export function startScheduler(): void {
  const e = env();
  if (started || e.ALLOTMENT_SCHEDULER === "off") return;
  started = true;
  let running = false;
  const timer = setInterval(() => {
    if (running) return; // a slow pass (a long sync) never overlaps the next one
    running = true;
    schedulerTick(db(), {
      now: now(),
      log: (line) => console.error(`[scheduler] ${line}`),
    })
      .catch((error: unknown) =>
        console.error(
          `[scheduler] pass failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      )
      .finally(() => {
        running = false;
      });
  }, e.ALLOTMENT_SCHEDULER_INTERVAL_SECONDS * 1000);
  timer.unref();
}
