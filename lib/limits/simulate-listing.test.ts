/**
 * The simulator's list of people (simulate.ts firstListed): the first people alerted or refused
 * — refused first, then by day, then by name — picked by day groups are exactly the first of
 * everyone sorted, and the count is everyone alerted or refused.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { eachDay } from "../core/period";
import { firstListed } from "./simulate";
import type { MemberReplay } from "./simulate-core";

const DAYS = eachDay("2026-11-01", "2026-11-30");

/** The whole list sorted, as the simulator listed people before. */
function sortedAll(results: MemberReplay[], rank: (id: string) => number): MemberReplay[] {
  return results
    .filter((r) => r.softDay || r.blockedDay)
    .map((r) => ({
      r,
      refused: r.blockedDay ? 0 : 1,
      day: r.blockedDay ?? r.softDay ?? "",
      rank: rank(r.memberId),
    }))
    .sort(
      (x, y) =>
        x.refused - y.refused || (x.day < y.day ? -1 : x.day > y.day ? 1 : 0) || x.rank - y.rank,
    )
    .map((x) => x.r);
}

const day = fc.option(fc.constantFrom(...DAYS), { nil: null });

describe("the simulator's list of people", () => {
  it("lists the first of everyone sorted, and counts everyone alerted or refused (300 runs)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ soft: day, blocked: day, rank: fc.nat({ max: 50 }) }), {
          maxLength: 120,
        }),
        fc.integer({ min: 0, max: 130 }),
        (people, n) => {
          const results: MemberReplay[] = people.map((p, i) => ({
            memberId: `m${i}`,
            product: "",
            // a refusal comes with an alert on that day or before
            softDay: p.blocked && (!p.soft || p.soft > p.blocked) ? p.blocked : p.soft,
            overDay: p.blocked,
            blockedDay: p.blocked,
            stoppedMicros: 0n,
            end: undefined as never,
            dayByDay: false,
          }));
          // ranks may tie (a member missing from the ranks is 0): ties keep the given order
          const ranks = new Map(people.map((p, i) => [`m${i}`, p.rank]));
          const rank = (id: string) => ranks.get(id) ?? 0;
          const all = sortedAll(results, rank);
          const got = firstListed(results, rank, n);
          expect(got.total).toBe(all.length);
          expect(got.first.map((r) => r.memberId)).toEqual(all.slice(0, n).map((r) => r.memberId));
        },
      ),
      { numRuns: 300, seed: 2027 },
    );
  });
});
