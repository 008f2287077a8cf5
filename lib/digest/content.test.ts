import { describe, expect, it } from "vitest";

import { buildDigest, movers, overruns, type DigestInput, type DigestPerson } from "./content";

const M = 1_000_000n;
const person = (name: string, o: Partial<DigestPerson>): DigestPerson => ({
  name,
  email: `${name.toLowerCase()}@acme.example`,
  usedMicros: 0n,
  limitMicros: 500n * M,
  projectedMicros: 0n,
  runsOutOn: null,
  weekMicros: 0n,
  previousWeekMicros: 0n,
  ...o,
});

const input = (o: Partial<DigestInput> = {}): DigestInput => ({
  workspaceName: "Acme",
  unit: "CREDITS",
  manager: { name: "Mia", email: "mia@acme.example" },
  groups: ["Platform", "Mobile"],
  weekStart: "2026-11-30",
  covered: { start: "2026-11-23", end: "2026-11-29" },
  period: { start: "2026-11-01", end: "2026-11-30" },
  people: [
    person("Ana", {
      usedMicros: 450n * M,
      projectedMicros: 620n * M,
      runsOutOn: "2026-11-27",
      weekMicros: 200n * M,
      previousWeekMicros: 50n * M,
    }),
    person("Ben", {
      usedMicros: 100n * M,
      projectedMicros: 120n * M,
      weekMicros: 10n * M,
      previousWeekMicros: 90n * M,
    }),
    person("Cy", {
      usedMicros: 333_333_333n,
      limitMicros: null,
      projectedMicros: 400n * M,
      weekMicros: 5n * M,
      previousWeekMicros: 5n * M,
    }),
    person("Di", {
      usedMicros: 480n * M,
      projectedMicros: 900n * M,
      runsOutOn: "2026-11-25",
      weekMicros: 101n * M,
      previousWeekMicros: 100n * M,
    }),
  ],
  pending: [
    {
      id: 7,
      requester: "Ana",
      amountMicros: 250n * M,
      product: "codex",
      neededUntil: "2026-12-10",
      filedOn: "2026-11-28",
    },
    {
      id: 9,
      requester: "Ben",
      amountMicros: 0n,
      product: "",
      neededUntil: "2026-12-01",
      filedOn: "2026-11-29",
    },
  ],
  requestsUrl: "https://allotment.example/requests",
  ...o,
});

describe("the manager digest's content", () => {
  it("says spend against limits, who runs out on which day, what waits, and who moved most", () => {
    const d = buildDigest(input());
    expect(d.subject).toBe(
      "[Allotment] Week of 2026-11-23: 4 people, 2 projected over, 2 pending requests",
    );
    expect(d.text).toContain(
      "Your people in Platform, Mobile (Acme), week 2026-11-23 to 2026-11-29; budget period 2026-11-01 to 2026-11-30.",
    );
    // by share of limit used, most first; no limit last
    const spend = d.text.split("SPEND AGAINST LIMITS (this period)\n")[1]!.split("\n\n")[0]!;
    expect(spend.split("\n")).toEqual([
      "  Di: 480.00 credits of 500.00 credits (96%)",
      "  Ana: 450.00 credits of 500.00 credits (90%)",
      "  Ben: 100.00 credits of 500.00 credits (20%)",
      "  Cy: 333.33 credits (no limit)",
    ]);
    // earliest run-out first; someone without a limit is never "over"
    expect(d.text).toContain(
      "PROJECTED OVER THEIR LIMIT\n  Di: projected 900.00 credits against 500.00 credits, runs out on 2026-11-25\n  Ana: projected 620.00 credits against 500.00 credits, runs out on 2026-11-27\n",
    );
    expect(d.text).toContain(
      "  #7 Ana asks for 250.00 credits (codex), needed until 2026-12-10, filed 2026-11-28",
    );
    expect(d.text).toContain("  #9 Ben asks for an amount you set, needed until 2026-12-01");
    expect(d.text).toContain("  Decide them: https://allotment.example/requests");
    expect(d.text).toContain(
      "BIGGEST MOVERS (this week against the week before)\n  Ana: +150.00 credits (50.00 credits → 200.00 credits)\n  Ben: −80.00 credits (90.00 credits → 10.00 credits)\n  Di: +1.00 credits (100.00 credits → 101.00 credits)",
    );
    expect(d.text).not.toMatch(/Cy: [+−]/); // no change is no move
  });

  it("carries exact micro-unit strings and the decide link in the webhook payload", () => {
    const d = buildDigest(input());
    const p = d.payload as {
      text: string;
      allotment: {
        digest: {
          people: { usedMicros: string }[];
          pending: { url: string }[];
          projectedOver: string[];
        };
      };
    };
    expect(p.allotment.digest.people.map((x) => x.usedMicros)).toContain("333333333");
    expect(p.allotment.digest.projectedOver).toEqual(["di@acme.example", "ana@acme.example"]);
    expect(p.allotment.digest.pending[0]!.url).toBe("https://allotment.example/requests");
    expect(p.text).toContain("<https://allotment.example/requests|Decide pending requests>");
  });

  it("says so when there is nothing to report", () => {
    const d = buildDigest(input({ people: [], pending: [], requestsUrl: null }));
    expect(d.subject).toBe(
      "[Allotment] Week of 2026-11-23: 0 people, 0 projected over, 0 pending requests",
    );
    expect(d.text).toContain("Nobody in your groups yet.");
    expect(d.text).toContain("Nobody is on course to run out this period.");
    expect(d.text).toContain("REQUESTS WAITING FOR YOU\n  None.");
    expect(d.text).toContain("No change.");
    expect(d.text).not.toContain("Decide them");
  });

  it("movers: at most three, by size of change either way; overruns: only people with a limit", () => {
    const people = [1, 2, 3, 4, 5].map((i) =>
      person(`P${i}`, { weekMicros: BigInt(i) * M, previousWeekMicros: i % 2 ? 0n : 10n * M }),
    );
    expect(movers(people).map((p) => p.name)).toEqual(["P2", "P4", "P5"]);
    expect(
      overruns([
        person("A", { limitMicros: null, projectedMicros: 10n ** 12n }),
        person("B", { projectedMicros: 500n * M }), // exactly the limit is not over
        person("C", { projectedMicros: 500n * M + 1n }),
      ]).map((p) => p.name),
    ).toEqual(["C"]);
  });
});
