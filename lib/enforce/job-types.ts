/**
 * The shapes the enforcement queue and its job handlers share (own file, so the handlers
 * need not import the queue that calls them: no import cycle).
 */
import type { Db } from "../server/db";

export type JobRow = NonNullable<Awaited<ReturnType<Db["vendorJob"]["findFirst"]>>>;

/** What a job handler reports: the write happened, or nothing needed writing. */
export interface JobOutcome {
  status: "SUCCEEDED" | "SKIPPED";
  detail: string;
  response: unknown;
}
