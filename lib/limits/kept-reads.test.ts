/**
 * The simulator's kept reads (kept-reads.ts): a simulation of the most periods a question may
 * ask, asked again, reads nothing — where a fixed 16 places made a simulation of 7 replayed
 * periods or more read everything every time — and the least recently used entry goes first.
 */
import { describe, expect, it } from "vitest";

import { forgetKeptReads, keptRead, READS_KEPT, readsPerSimulation } from "./kept-reads";
import { MAX_SIMULATED_PERIODS } from "./simulate-input";

/** The keys one simulation asks, in its order (simulate.ts replayAll). */
function simulationKeys(periods: number, scope: string): string[] {
  const keys = ["people"];
  for (let p = 0; p <= periods; p++) keys.push(`usage|${p}`, `baseline|${p}|${scope}`);
  return keys;
}

async function ask(owner: object, keys: string[], stamp = "1:1"): Promise<number> {
  let reads = 0;
  for (const key of keys)
    await keptRead(owner, key, stamp, async () => {
      reads++;
      return key;
    });
  return reads;
}

describe("the simulator's kept reads", () => {
  it("keep every read of the longest simulation, and of two, for the next question", async () => {
    for (let periods = 1; periods <= MAX_SIMULATED_PERIODS; periods++) {
      const owner = {};
      const keys = simulationKeys(periods, "group-a");
      expect(keys).toHaveLength(readsPerSimulation(periods));
      expect(await ask(owner, keys)).toBe(keys.length);
      expect(await ask(owner, keys)).toBe(0);
      // another group's question shares the people and usage, reads its own baselines...
      expect(await ask(owner, simulationKeys(periods, "group-b"))).toBe(periods + 1);
      // ...and both are still kept
      expect(await ask(owner, keys)).toBe(0);
      expect(await ask(owner, simulationKeys(periods, "group-b"))).toBe(0);
    }
    expect(READS_KEPT).toBeGreaterThanOrEqual(2 * readsPerSimulation(MAX_SIMULATED_PERIODS));
  });

  it("read again when the stamp moves, and forget on request", async () => {
    const owner = {};
    const keys = simulationKeys(3, "all");
    expect(await ask(owner, keys, "1:1")).toBe(keys.length);
    expect(await ask(owner, keys, "1:2")).toBe(keys.length);
    expect(await ask(owner, keys, "1:2")).toBe(0);
    forgetKeptReads(owner);
    expect(await ask(owner, keys, "1:2")).toBe(keys.length);
  });

  it("let the least recently used go first", async () => {
    const owner = {};
    const fill = Array.from({ length: READS_KEPT }, (_, i) => `k${i}`);
    expect(await ask(owner, fill)).toBe(READS_KEPT);
    expect(await ask(owner, ["k0"])).toBe(0); // k0 used again: now the newest
    expect(await ask(owner, ["new"])).toBe(1); // pushes out k1, the least recently used
    expect(await ask(owner, ["k0"])).toBe(0);
    expect(await ask(owner, ["k1"])).toBe(1);
  });

  it("do not keep a failed read", async () => {
    const owner = {};
    await expect(
      keptRead(owner, "x", "1:1", () => Promise.reject(new Error("no"))),
    ).rejects.toThrow("no");
    expect(await ask(owner, ["x"])).toBe(1);
  });
});
