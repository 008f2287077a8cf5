/**
 * The shapes the breakdown and its grouped sums share (own file, so neither imports the
 * other's module for a type: no import cycle).
 */
import type { SpendScope } from "../auth/scope";
import type { UsageSums } from "../core/usage-sums";
import type { Db } from "../server/db";

export interface Metrics extends UsageSums {
  /** in the workspace's budget unit */
  amountMicros: bigint;
  unpricedRequests: bigint;
  /** Claude Code seat estimates in the budget unit: not billed, never inside amountMicros (docs/billing.md) */
  seatMicros: bigint;
}

/** One key's figures as the grouped sums return them: its metrics and the previous range's amount. */
export type Grouped = Metrics & { key: string; previousAmountMicros: bigint };

export interface AnalyticsContext {
  db: Db;
  scope: SpendScope;
  now: Date;
}
