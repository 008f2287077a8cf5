import { describe, expect, it } from "vitest";

import { addDays } from "../../core/period";
import { buildEnterprise, usageForDay } from "./enterprise";

const spec = {
  seed: 42,
  domain: "acme.example",
  members: 400,
  groups: 15,
  endDay: "2026-11-22",
  usdPerCreditMicros: 40_000n,
  demoPeople: true,
};

describe("simulated enterprise", () => {
  const e = buildEnterprise(spec);

  it("is deterministic", () => {
    const again = buildEnterprise(spec);
    expect(again.people.map((p) => p.email)).toEqual(e.people.map((p) => p.email));
    expect(usageForDay(again, "2026-11-03")).toEqual(usageForDay(e, "2026-11-03"));
  });

  it("gives every person their own OpenAI user id, also where the hash of two addresses collides", () => {
    // 200,000 people (the bench's --scale 10): their 32-bit address hashes collide
    const large = buildEnterprise({ ...spec, members: 200_000, groups: 3_000 });
    const ids = large.people.map((p) => p.openaiUserId);
    expect(ids.some((id) => /_\d+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(200_000);
  });

  it("has the demo people, groups with cost centers, managers and people in two groups", () => {
    const emails = e.people.map((p) => p.email);
    for (const local of ["owner", "admin", "finance", "manager", "engineer"])
      expect(emails).toContain(`${local}@acme.example`);
    expect(e.directory.groups).toHaveLength(15);
    const platform = e.directory.groups.find((g) => g.name === "Platform")!;
    expect(platform.managerEmails).toContain("manager@acme.example");
    expect(platform.memberEmails).toContain("engineer@acme.example");
    const memberships = new Map<string, number>();
    for (const g of e.directory.groups)
      for (const m of g.memberEmails) memberships.set(m, (memberships.get(m) ?? 0) + 1);
    expect([...memberships.values()].filter((n) => n >= 2).length).toBeGreaterThan(10);
    expect(new Set(e.directory.groups.map((g) => g.costCenter)).size).toBe(15);
  });

  it("works more on weekdays than weekends and keeps unattributed traffic", () => {
    const weekday = usageForDay(e, "2026-11-18"); // Wednesday
    const sunday = usageForDay(e, "2026-11-15");
    expect(weekday.length).toBeGreaterThan(sunday.length * 3);
    expect(weekday.some((r) => r.identity?.kind === "api_key_id")).toBe(true);
    const products = new Set(weekday.map((r) => r.product));
    expect([...products].sort()).toEqual(["api", "chatgpt", "claude_code", "codex"]);
  });

  it("has a runaway spike in the last week", () => {
    const spikeDay = addDays(spec.endDay, -5);
    const before = addDays(spikeDay, -14); // same weekday two weeks earlier
    const cost = (day: string) =>
      usageForDay(e, day)
        .filter((r) => r.identity?.email === e.runawayEmail)
        .reduce((s, r) => s + r.costMicros, 0n);
    expect(e.runawayEmail).toBeTruthy();
    expect(cost(spikeDay)).toBeGreaterThan(cost(before) * 20n);
  });
});
