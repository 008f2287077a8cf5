/**
 * The vendors' rate limits (each vendor's figures live in its own folder), counted in the
 * database so every app process shares them. A call over budget waits for the next window
 * (reads) or goes back to the queue with the window's end as its next attempt (writes).
 */
import "server-only";

import { allowAttempt } from "../auth/throttle";
import { now as clockNow, sleep as clockSleep } from "../server/clock";
import type { Db } from "../server/db";
import { CHATGPT_REQUESTS_PER_MINUTE } from "./chatgpt/rate-limits";
import { CLAUDE_REQUESTS_PER_MINUTE } from "./claude/rate-limits";
import { cursorPerMinute } from "./cursor/rate-limits";
import { GITHUB_REQUESTS_PER_MINUTE } from "./github/http";

export class RateGateClosed extends Error {
  constructor(readonly waitMs: number) {
    super(
      `vendor rate budget used up for this minute; next window in ${Math.ceil(waitMs / 1000)} s`,
    );
    this.name = "RateGateClosed";
  }
}

const WINDOW_MS = 60_000;

export function rateBudget(vendor: string, route = ""): number {
  if (vendor === "cursor") return cursorPerMinute(route); // per team and endpoint
  if (vendor === "github") return GITHUB_REQUESTS_PER_MINUTE; // per token, all routes
  if (vendor === "claude") return CLAUDE_REQUESTS_PER_MINUTE; // per organization, all routes
  return CHATGPT_REQUESTS_PER_MINUTE; // per workspace and method+route
}

/** A gate for one connector: throws RateGateClosed when the window is used up, or waits when `wait`. */
export function rateGate(
  db: Db,
  connector: { id: string; vendor: string },
  opts: { wait?: boolean; maxWaitMs?: number } = {},
) {
  return async (route: string) => {
    const key =
      connector.vendor === "claude" || connector.vendor === "github"
        ? `vendor:${connector.id}`
        : `vendor:${connector.id}:${route}`;
    // the whole wait is bounded, not each step: a clock that does not move (a pinned demo or test
    // clock) or a window others use up again must end in RateGateClosed, never in a stall
    let waited = 0;
    for (;;) {
      // windows on the app's clock (like every other "now" in domain code), so tests can step time
      const t = clockNow();
      if (await allowAttempt(db, key, rateBudget(connector.vendor, route), WINDOW_MS, t)) return;
      const waitMs = WINDOW_MS - (t.getTime() % WINDOW_MS) + 50;
      if (!opts.wait || waited + waitMs > (opts.maxWaitMs ?? 65_000))
        throw new RateGateClosed(waitMs);
      await clockSleep(waitMs);
      waited += waitMs;
    }
  };
}
