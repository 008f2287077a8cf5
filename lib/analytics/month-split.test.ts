import { describe, expect, it } from "vitest";

import { addDays, eachDay } from "../core/period";
import { signedPieces, type SignedPeriod } from "./month-split";

/** How many times each day is counted (a minus piece takes one away). */
function counts(pieces: SignedPeriod[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of pieces)
    for (const d of eachDay(p.range.start, p.range.end)) out.set(d, (out.get(d) ?? 0) + p.sign);
  for (const [d, n] of out) if (n === 0) out.delete(d);
  return out;
}

const plain = (pieces: SignedPeriod[]) =>
  pieces.map(
    (p) => `${p.sign > 0 ? "+" : "-"}${p.monthly ? "M" : "D"} ${p.range.start}..${p.range.end}`,
  );

describe("signedPieces", () => {
  it("a whole month is one month piece", () => {
    expect(plain(signedPieces({ start: "2026-02-01", end: "2026-02-28" }, "2026-11-20"))).toEqual([
      "+M 2026-02-01..2026-02-28",
    ]);
  });
  it("leap February needs its 29th to be whole", () => {
    expect(signedPieces({ start: "2024-02-01", end: "2024-02-29" }, "2026-11-20")[0]!.monthly).toBe(
      true,
    );
    expect(
      counts(signedPieces({ start: "2024-02-01", end: "2024-02-28" }, "2026-11-20")).has(
        "2024-02-29",
      ),
    ).toBe(false);
  });
  it("this month so far is the month minus the days after today (which hold nothing yet)", () => {
    expect(plain(signedPieces({ start: "2026-11-01", end: "2026-11-20" }, "2026-11-20"))).toEqual([
      "+M 2026-11-01..2026-11-30",
      "-D 2026-11-21..2026-11-30",
    ]);
  });
  it("a short edge is read as days, a long one as the month minus the rest", () => {
    expect(plain(signedPieces({ start: "2026-09-27", end: "2026-10-23" }, "2026-11-20"))).toEqual([
      "+D 2026-09-27..2026-09-30",
      "+M 2026-10-01..2026-10-31",
      "-D 2026-10-24..2026-10-31",
    ]);
    expect(plain(signedPieces({ start: "2026-11-03", end: "2026-11-03" }, "2026-11-20"))).toEqual([
      "+D 2026-11-03..2026-11-03",
    ]);
  });
  it("a future range is read as days (free)", () => {
    expect(plain(signedPieces({ start: "2026-12-05", end: "2026-12-20" }, "2026-11-20"))).toEqual([
      "+D 2026-12-05..2026-12-20",
    ]);
  });
  it("every day of any range counts exactly once, whatever today is", () => {
    const ranges = [
      ["2025-12-31", "2026-03-01"],
      ["2025-11-30", "2026-01-31"],
      ["2025-12-01", "2026-01-30"],
      ["2026-01-15", "2026-02-14"],
      ["2026-01-02", "2026-01-30"],
      ["2024-02-02", "2024-03-30"],
    ] as const;
    for (const [start, end] of ranges)
      for (const today of [addDays(start, -3), start, addDays(start, 10), end, addDays(end, 40)]) {
        const c = counts(signedPieces({ start, end }, today));
        expect([...c.keys()].sort(), `${start} ${end} ${today}`).toEqual(eachDay(start, end));
        expect([...c.values()].every((n) => n === 1)).toBe(true);
      }
  });
});
