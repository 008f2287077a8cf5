/**
 * The shapes the breakdown and its grouped sums share (own file, so neither imports the
 * other's module for a type: no import cycle).
 */
import type { Db } from "../db";
import type { UsageSums } from "../usage-sums";
import type { SpendScope } from "./scope";

export interface Metrics extends UsageSums {
  /** in the workspace's budget unit */
  amountMicros: bigint;
  unpricedRequests: bigint;
  /** Claude Code seat estimates in the budget unit: not billed, never inside amountMicros (docs/billing.md) */
  seatMicros: bigint;
}

export interface AnalyticsContext {
  db: Db;
  scope: SpendScope;
  now: Date;
}
