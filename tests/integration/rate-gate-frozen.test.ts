/**
 * A vendor read that waits for the next rate window must not wait forever when the app's clock
 * does not move (a pinned clock): after one window's wait it gives up with RateGateClosed.
 */
import { describe, expect, it, vi } from "vitest";

import { rateBudget, rateGate, RateGateClosed } from "@/lib/vendors/rate-gate";

import { testDb } from "../helpers/db";

const frozen = new Date("2026-11-18T14:30:10Z");
const sleeps: number[] = [];
vi.mock("@/lib/server/clock", () => ({
  now: () => frozen,
  sleep: async (ms: number) => {
    sleeps.push(ms);
  },
}));

describe("rate gate on a clock that does not move", () => {
  it("waits for one window, then refuses instead of waiting again and again", async () => {
    const db = await testDb();
    const connector = { id: `frozen-${Date.now()}`, vendor: "github" };
    const gate = rateGate(db, connector, { wait: true });
    for (let i = 0; i < rateBudget("github"); i++) await gate("/budgets");
    expect(sleeps).toEqual([]); // the budget itself passes without waiting
    await expect(gate("/budgets")).rejects.toBeInstanceOf(RateGateClosed);
    expect(sleeps).toEqual([50_050]); // 50 s to the window's end (+50 ms), once
  });
});
