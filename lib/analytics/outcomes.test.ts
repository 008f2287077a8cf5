import { describe, expect, it } from "vitest";

import { figuresOf, sumRows } from "./outcomes";

const counts = { sessions: 0, linesAdded: 0, linesRemoved: 0 };

describe("cost per outcome ratios", () => {
  it("divides billed cost by commits and by pull requests, half-even in micro-USD", () => {
    // $42.50 over 7 commits = $6.0714285… → 6_071_429; over 3 PRs = $14.1666… → 14_166_667
    const f = figuresOf({
      ...counts,
      commits: 7,
      pullRequests: 3,
      billedMicros: 42_500_000n,
      seatMicros: 0n,
    });
    expect(f.perCommitMicros).toBe(6_071_429n);
    expect(f.perPrMicros).toBe(14_166_667n);
    expect(f.seatPerPrMicros).toBeNull();
    // ties go to the even neighbour: 5 µ$ / 2 = 2.5 → 2; 7 µ$ / 2 = 3.5 → 4
    expect(
      figuresOf({ ...counts, commits: 2, pullRequests: 2, billedMicros: 5n, seatMicros: 0n })
        .perPrMicros,
    ).toBe(2n);
    expect(
      figuresOf({ ...counts, commits: 2, pullRequests: 2, billedMicros: 7n, seatMicros: 0n })
        .perPrMicros,
    ).toBe(4n);
  });

  it("no pull requests (or no commits) is null — shown as —, never infinity or 0", () => {
    const f = figuresOf({
      ...counts,
      commits: 0,
      pullRequests: 0,
      billedMicros: 7_000_000n,
      seatMicros: 9n,
    });
    expect(f.perCommitMicros).toBeNull();
    expect(f.perPrMicros).toBeNull();
    expect(f.seatPerPrMicros).toBeNull();
  });

  it("keeps the seat estimate apart from billed", () => {
    // a seat-only person: billed $0 over 2 PRs is $0 per PR; the estimate $20 / 2 = $10 stands apart
    const f = figuresOf({
      ...counts,
      commits: 1,
      pullRequests: 2,
      billedMicros: 0n,
      seatMicros: 20_000_000n,
    });
    expect(f.perPrMicros).toBe(0n);
    expect(f.seatPerPrMicros).toBe(10_000_000n);
  });

  it("a group's ratio is its sums divided, not an average of its people's ratios", () => {
    const a = { ...counts, commits: 7, pullRequests: 3, billedMicros: 42_500_000n, seatMicros: 0n };
    const b = { ...counts, commits: 3, pullRequests: 1, billedMicros: 10_000_000n, seatMicros: 0n };
    const g = figuresOf(sumRows([a, b]));
    // $52.50 / 4 PRs = $13.125 (the mean of $14.1667 and $10 would be $12.08)
    expect(g.perPrMicros).toBe(13_125_000n);
    expect(g.perCommitMicros).toBe(5_250_000n);
  });

  it("divides only the spend of products that report commits and PRs; every product's per 1,000 lines", () => {
    // Claude Code $42.50 with 3 PRs and 70 lines; Codex $20 with 400 lines and no PR
    const cc = {
      ...counts,
      linesAdded: 70,
      commits: 7,
      pullRequests: 3,
      billedMicros: 42_500_000n,
      commitBilledMicros: 42_500_000n,
      seatMicros: 0n,
    };
    const codex = {
      ...counts,
      linesAdded: 400,
      commits: 0,
      pullRequests: 0,
      billedMicros: 20_000_000n,
      commitBilledMicros: 0n,
      seatMicros: 0n,
    };
    const both = figuresOf(sumRows([cc, codex]));
    expect(both.billedMicros).toBe(62_500_000n);
    // per PR: $42.50 / 3 (not $62.50 / 3)
    expect(both.perPrMicros).toBe(14_166_667n);
    expect(both.perCommitMicros).toBe(6_071_429n);
    // per 1,000 lines: $62.50 × 1,000 / 470 = $132.9787…
    expect(both.perKLinesMicros).toBe(132_978_723n);
    // Codex alone: no commit, no PR → null; no line → null
    expect(figuresOf(codex)).toMatchObject({ perPrMicros: null, perCommitMicros: null });
    expect(figuresOf({ ...codex, linesAdded: 0 }).perKLinesMicros).toBeNull();
  });
});
