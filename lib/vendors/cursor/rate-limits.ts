/**
 * Cursor's rate limits (§3): per team, per endpoint, reset every minute. The two copies of the
 * reference disagree (CUR-ADMIN newer: user-spend-limit 250/min, filtered-usage-events 60/min,
 * daily-usage-data 20/min; CUR-API older: "most endpoints" 20/min, user-spend-limit 60/min).
 * Allotment keeps under both: the lower figure where both give one, and 20/min for routes only
 * the older copy covers (members, spend). 429s carry no documented Retry-After, so backoff
 * follows Cursor's advice: 1, 2, 4, 8, 16 s (CURSOR_READ_RETRY in ./http.ts).
 */
export const CURSOR_RATE_LIMITS: Record<string, number> = {
  "POST /teams/user-spend-limit": 60,
  "POST /teams/filtered-usage-events": 60,
  "POST /teams/daily-usage-data": 20,
  "GET /teams/audit-logs": 20,
  "POST /teams/remove-member": 50,
};
export const CURSOR_DEFAULT_PER_MINUTE = 20;

/** Requests per minute Allotment allows itself on one route ("POST /teams/spend"). */
export function cursorPerMinute(route: string): number {
  return CURSOR_RATE_LIMITS[route] ?? CURSOR_DEFAULT_PER_MINUTE;
}

/**
 * An in-process gate for reads outside the enforcement queue (ingestion): a fixed one-minute
 * window per route, waiting for the next window when the route's budget is used up. The
 * enforcement queue uses the database-backed gate (lib/vendors/rate-gate.ts) with the same table.
 */
export class LocalRateGate {
  private windows = new Map<string, { start: number; n: number }>();
  constructor(
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((r) => setTimeout(r, ms)),
  ) {}

  async take(route: string): Promise<void> {
    for (;;) {
      const t = this.clock();
      const start = Math.floor(t / 60_000) * 60_000;
      const w = this.windows.get(route);
      if (!w || w.start !== start) {
        this.windows.set(route, { start, n: 1 });
        return;
      }
      if (w.n < cursorPerMinute(route)) {
        w.n++;
        return;
      }
      await this.sleep(start + 60_000 - t + 50);
    }
  }
}
