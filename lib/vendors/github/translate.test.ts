import { describe, expect, it } from "vitest";

import { expiryOf, userBudgets } from "./precedence";
import type { Budget } from "./schemas";
import { sharedTargets, type PersonTarget } from "./translate";

const $ = (d: number) => BigInt(d) * 1_000_000n;
const person = (p: Partial<PersonTarget> & { login: string }): PersonTarget => ({
  costCenter: null,
  managed: true,
  level: "WORKSPACE",
  micros: $(100),
  hasIndividual: false,
  ...p,
});
const budget = (b: Partial<Budget> & { id: string; budget_scope: string }): Budget => ({
  budget_amount: 10,
  budget_product_sku: "ai_credits",
  ...b,
});

describe("GitHub's precedence, as Allotment reads it", () => {
  it("individual over cost center over universal; expired budgets no longer apply", () => {
    const now = new Date("2026-11-18T12:00:00Z");
    const budgets = [
      budget({ id: "u", budget_scope: "multi_user_customer", budget_amount: 50 }),
      budget({
        id: "c",
        budget_scope: "multi_user_cost_center",
        budget_entity_name: "Eng",
        budget_amount: 80,
      }),
      budget({
        id: "i",
        budget_scope: "user",
        user: "ada",
        budget_amount: 120,
        expires_at: "2026-11-18",
      }),
      budget({
        id: "j",
        budget_scope: "user",
        user: "bob",
        budget_amount: 7,
        expires_at: "2026-11-17T23:59:59Z",
      }),
    ];
    expect(userBudgets(budgets, "ada", "Eng", now).source).toBe("user");
    expect(userBudgets(budgets, "bob", "Eng", now)).toMatchObject({ source: "cost_center" });
    expect(userBudgets(budgets, "cy", null, now).applicable?.id).toBe("u");
    expect(userBudgets([], "cy", null, now).source).toBe("none");
    // a date ends with its UTC day; epoch seconds and ms are both read
    expect(expiryOf("2026-11-18")?.toISOString()).toBe("2026-11-19T00:00:00.000Z");
    expect(expiryOf(1_795_000_000)?.getTime()).toBe(1_795_000_000_000);
    expect(expiryOf(1_795_000_000_000)?.getTime()).toBe(1_795_000_000_000);
    expect(expiryOf("not a date")).toBeNull();
  });
});

describe("sharedTargets", () => {
  it("the universal budget mirrors the default; a cost center's the limit of its mirrored group", () => {
    const plan = sharedTargets(
      [
        person({ login: "a", micros: $(100) }),
        person({
          login: "b",
          costCenter: "Eng",
          level: "GROUP",
          groupCostCenter: "Eng",
          micros: $(300),
        }),
        // a more generous group that is not the cost center's does not set the cost center's budget
        person({
          login: "c",
          costCenter: "Eng",
          level: "GROUP",
          groupCostCenter: null,
          micros: $(900),
          hasIndividual: true,
        }),
      ],
      new Set(["Eng"]),
      new Set(),
    );
    expect(plan.universal).toEqual({ kind: "set", micros: $(100), waitsFor: [] });
    expect(plan.costCenters.get("Eng")).toEqual({ kind: "set", micros: $(300), waitsFor: [] });
  });

  it("a raise waits for people it would over-allow; no limit at a level keeps GitHub's; unlimited deletes", () => {
    const waits = sharedTargets(
      [
        person({ login: "a", micros: $(100) }),
        person({ login: "o", level: "MEMBER", micros: $(40) }),
      ],
      new Set(),
      new Set(),
    );
    expect(waits.universal).toEqual({ kind: "set", micros: $(100), waitsFor: ["o"] });
    // once "o" has an individual budget the universal one may go
    expect(
      sharedTargets(
        [
          person({ login: "a", micros: $(100) }),
          person({ login: "o", level: "MEMBER", micros: $(40), hasIndividual: true }),
        ],
        new Set(),
        new Set(),
      ).universal,
    ).toEqual({ kind: "set", micros: $(100), waitsFor: [] });
    expect(
      sharedTargets([person({ login: "o", level: "MEMBER" })], new Set(), new Set()).universal,
    ).toEqual({
      kind: "keep",
    });
    expect(
      sharedTargets([person({ login: "a", micros: null })], new Set(), new Set()).universal,
    ).toEqual({
      kind: "delete",
      waitsFor: [],
    });
  });
});
