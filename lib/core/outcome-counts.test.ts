import { describe, expect, it } from "vitest";

import { addOutcomeCounts, zeroOutcomeCounts } from "./outcome-counts";

describe("addOutcomeCounts", () => {
  it("adds each count into its own field", () => {
    const into = zeroOutcomeCounts();
    addOutcomeCounts(into, {
      sessions: 1,
      linesAdded: 20,
      linesRemoved: 3,
      commits: 4,
      pullRequests: 5,
    });
    addOutcomeCounts(into, {
      sessions: 2,
      linesAdded: 1,
      linesRemoved: 30,
      commits: 0,
      pullRequests: 7,
    });
    expect(into).toEqual({
      sessions: 3,
      linesAdded: 21,
      linesRemoved: 33,
      commits: 4,
      pullRequests: 12,
    });
  });

  it("counts an empty database sum as zero", () => {
    const into = { sessions: 1, linesAdded: 2, linesRemoved: 3, commits: 4, pullRequests: 5 };
    addOutcomeCounts(into, {
      sessions: null,
      linesAdded: 1,
      linesRemoved: null,
      commits: null,
      pullRequests: 1,
    });
    expect(into).toEqual({
      sessions: 1,
      linesAdded: 3,
      linesRemoved: 3,
      commits: 4,
      pullRequests: 6,
    });
  });

  it("starts from a fresh zero each time", () => {
    const a = zeroOutcomeCounts();
    a.commits = 9;
    expect(zeroOutcomeCounts().commits).toBe(0);
  });
});
