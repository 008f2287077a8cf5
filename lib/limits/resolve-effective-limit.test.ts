import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { policyInput } from "./policy-builder";
import {
  reasonAmount,
  resolveEffectiveLimit,
  usageFor,
  type PolicyInput,
  type ResolveInput,
} from "./resolve-effective-limit";

/** property tests: every fc.assert states its runs; this bound holds on a busy 2-core machine */
const PROPERTY_TIMEOUT_MS = 60_000;

const M = 1_000_000n;
const NOW = new Date("2026-03-15T12:00:00Z");

function input(over: Partial<ResolveInput> = {}): ResolveInput {
  return {
    memberId: "m1",
    product: "",
    groups: [
      { id: "g1", name: "Platform" },
      { id: "g2", name: "Mobile" },
    ],
    policies: [],
    now: NOW,
    usage: { member: new Map(), groups: new Map(), workspace: new Map() },
    ...over,
  };
}

describe("resolveEffectiveLimit: precedence", () => {
  const ws = policyInput({ scope: "WORKSPACE", amountMicros: 500n * M });
  const g1 = policyInput({ scope: "GROUP", groupId: "g1", amountMicros: 800n * M });
  const g2 = policyInput({ scope: "GROUP", groupId: "g2", amountMicros: 600n * M });
  const ov = policyInput({
    scope: "MEMBER",
    memberId: "m1",
    amountMicros: 1200n * M,
    expiresAt: new Date("2026-04-01T00:00:00Z"),
  });

  it("is unlimited with no policy", () => {
    const r = resolveEffectiveLimit(input());
    expect(r.limitMicros).toBeNull();
    expect(r.remainingMicros).toBeNull();
    expect(r.reason).toBe("unlimited");
    expect(r.allowed).toBe(true);
  });

  it("falls back to the workspace default", () => {
    const r = resolveEffectiveLimit(input({ policies: [ws] }));
    expect(r.limitMicros).toBe(500n * M);
    expect(r.reason).toBe("workspace default");
  });

  it("takes the most generous group and says of how many", () => {
    const r = resolveEffectiveLimit(input({ policies: [ws, g1, g2] }));
    expect(r.limitMicros).toBe(800n * M);
    expect(r.reason).toBe("group Platform, most generous of 2 groups");
  });

  it("an active override wins, with its expiry in the reason", () => {
    const r = resolveEffectiveLimit(input({ policies: [ws, g1, g2, ov] }));
    expect(r.limitMicros).toBe(1200n * M);
    expect(r.reason).toBe("individual override until 2026-04-01");
  });

  it("an expired or not-yet-started override is ignored", () => {
    const later = new Date("2026-04-01T00:00:00Z");
    expect(resolveEffectiveLimit(input({ policies: [ws, g1, ov], now: later })).reason).toBe(
      "group Platform",
    );
    const future = policyInput({
      scope: "MEMBER",
      memberId: "m1",
      amountMicros: 9n * M,
      startsAt: new Date("2026-03-20T00:00:00Z"),
    });
    expect(resolveEffectiveLimit(input({ policies: [ws, future] })).reason).toBe(
      "workspace default",
    );
  });

  it("ignores other members' overrides and groups the member is not in", () => {
    const other = policyInput({ scope: "MEMBER", memberId: "m2", amountMicros: 5n * M });
    const g3 = policyInput({ scope: "GROUP", groupId: "g3", amountMicros: 5000n * M });
    expect(resolveEffectiveLimit(input({ policies: [ws, other, g3] })).reason).toBe(
      "workspace default",
    );
  });

  it("names the request that granted an override", () => {
    const granted = policyInput({
      scope: "MEMBER",
      memberId: "m1",
      amountMicros: 900n * M,
      sourceRequestId: 42,
      note: "request #42 approved by admin@acme.example",
      expiresAt: new Date("2026-12-31T23:00:00Z"),
    });
    const r = resolveEffectiveLimit(
      input({ policies: [ws, granted], formatUntil: () => "2026-12-31" }),
    );
    expect(r.reason).toBe("request #42 approved by admin@acme.example until 2026-12-31");
  });
});

describe("resolveEffectiveLimit: product scope", () => {
  const wsAll = policyInput({ scope: "WORKSPACE", amountMicros: 500n * M });
  const wsCodex = policyInput({ scope: "WORKSPACE", amountMicros: 100n * M, product: "codex" });
  const usage = {
    member: new Map([
      ["codex", 90n * M],
      ["api", 300n * M],
    ]),
    groups: new Map(),
    workspace: new Map(),
  };

  it("product-scoped beats all-products at the same level, and counts only that product", () => {
    const r = resolveEffectiveLimit(input({ product: "codex", policies: [wsAll, wsCodex], usage }));
    expect(r.limitMicros).toBe(100n * M);
    expect(r.usedMicros).toBe(90n * M);
    expect(r.state).toBe("soft");
    expect(r.reason).toBe("workspace default (codex only)");
  });

  it("a question about another product, or all products, uses the all-products policy", () => {
    expect(
      resolveEffectiveLimit(input({ product: "api", policies: [wsAll, wsCodex], usage }))
        .limitMicros,
    ).toBe(500n * M);
    const all = resolveEffectiveLimit(input({ product: "", policies: [wsAll, wsCodex], usage }));
    expect(all.limitMicros).toBe(500n * M);
    expect(all.usedMicros).toBe(390n * M);
  });

  it("a higher level beats a product-scoped lower level", () => {
    const g = policyInput({ scope: "GROUP", groupId: "g2", amountMicros: 700n * M });
    expect(
      resolveEffectiveLimit(input({ product: "codex", policies: [wsAll, wsCodex, g], usage }))
        .reason,
    ).toBe("group Mobile");
  });
});

describe("resolveEffectiveLimit: thresholds, actions and pools", () => {
  it("soft at the threshold, over at the limit; ALERT_ONLY still allows", () => {
    const p = policyInput({
      scope: "WORKSPACE",
      amountMicros: 100n * M,
      softThresholdPct: 50,
      action: "ALERT_ONLY",
    });
    const at = (used: bigint) =>
      resolveEffectiveLimit(
        input({
          policies: [p],
          usage: { member: new Map([["api", used]]), groups: new Map(), workspace: new Map() },
        }),
      );
    expect(at(49n * M).state).toBe("ok");
    expect(at(50n * M).state).toBe("soft");
    const over = at(100n * M);
    expect(over.state).toBe("over");
    expect(over.allowed).toBe(true);
    expect(over.remainingMicros).toBe(0n);
  });

  it("an exhausted group pool blocks although the own limit has room", () => {
    const g = policyInput({
      scope: "GROUP",
      groupId: "g1",
      amountMicros: 800n * M,
      poolCapMicros: 1000n * M,
    });
    const r = resolveEffectiveLimit(
      input({
        policies: [g],
        usage: {
          member: new Map([["api", 10n * M]]),
          groups: new Map([["g1", new Map([["api", 1000n * M]])]]),
          workspace: new Map(),
        },
      }),
    );
    expect(r.limitMicros).toBe(800n * M);
    expect(r.state).toBe("over");
    expect(r.allowed).toBe(false);
    expect(r.remainingMicros).toBe(0n);
    expect(r.reason).toBe("group Platform; group Platform pool exhausted");
  });

  it("the workspace cap limits remaining for an otherwise unlimited member", () => {
    const w = policyInput({ scope: "WORKSPACE", poolCapMicros: 1000n * M, action: "DEGRADE" });
    const r = resolveEffectiveLimit(
      input({
        policies: [w],
        usage: { member: new Map(), groups: new Map(), workspace: new Map([["api", 400n * M]]) },
      }),
    );
    expect(r.limitMicros).toBeNull();
    expect(r.remainingMicros).toBe(600n * M);
    expect(r.state).toBe("ok");
  });

  it("says so when the member is unknown", () => {
    const w = policyInput({ scope: "WORKSPACE", amountMicros: 500n * M });
    const r = resolveEffectiveLimit(
      input({ memberId: null, groups: [], unknownMember: true, policies: [w] }),
    );
    expect(r.reason).toBe("unknown member: workspace default applies");
  });
});

describe("resolveEffectiveLimit: several overrides (an editor's and the requests' grants)", () => {
  const group = policyInput({ scope: "GROUP", groupId: "g1", amountMicros: 800n * M });
  const editors = policyInput({
    scope: "MEMBER",
    memberId: "m1",
    amountMicros: 1000n * M,
    note: "migration",
    expiresAt: new Date("2026-03-31T00:00:00Z"),
  });
  const grant = policyInput({
    scope: "MEMBER",
    memberId: "m1",
    amountMicros: 1100n * M,
    sourceRequestId: 7,
    note: "request #7 approved by admin@acme.example",
    expiresAt: new Date("2026-03-20T00:00:00Z"),
  });
  const scheduled = policyInput({
    scope: "MEMBER",
    memberId: "m1",
    amountMicros: 1500n * M,
    startsAt: new Date("2026-03-25T00:00:00Z"),
  });

  it("the most generous active one wins, and the reason names it and says of how many", () => {
    const r = resolveEffectiveLimit(input({ policies: [group, editors, grant, scheduled] }));
    expect(r.limitMicros).toBe(1100n * M);
    expect(r.policyId).toBe(grant.id);
    expect(r.reason).toBe(
      "request #7 approved by admin@acme.example until 2026-03-20, most generous of 2 overrides",
    );
    // the order of the policies does not matter
    expect(
      resolveEffectiveLimit(input({ policies: [scheduled, grant, editors, group] })).policyId,
    ).toBe(grant.id);
  });

  it("when the grant ends the other override holds; when that ends too, the scheduled one starts", () => {
    expect(
      resolveEffectiveLimit(
        input({
          policies: [group, editors, grant, scheduled],
          now: new Date("2026-03-22T00:00:00Z"),
        }),
      ).reason,
    ).toBe("individual override until 2026-03-31 — migration");
    expect(
      resolveEffectiveLimit(
        input({
          policies: [group, editors, grant, scheduled],
          now: new Date("2026-03-31T00:00:00Z"),
        }),
      ).limitMicros,
    ).toBe(1500n * M);
    expect(
      resolveEffectiveLimit(
        input({ policies: [group, grant], now: new Date("2026-03-20T00:00:00Z") }),
      ).reason,
    ).toBe("group Platform");
  });

  it("a product-scoped override still beats a more generous all-products one; several scoped ones: the most generous", () => {
    const codex = policyInput({
      scope: "MEMBER",
      memberId: "m1",
      product: "codex",
      amountMicros: 300n * M,
    });
    const codex2 = policyInput({
      scope: "MEMBER",
      memberId: "m1",
      product: "codex",
      amountMicros: 450n * M,
      sourceRequestId: 9,
      note: "request #9 approved by admin@acme.example",
    });
    const r = resolveEffectiveLimit(
      input({ product: "codex", policies: [editors, grant, codex, codex2] }),
    );
    expect(r.limitMicros).toBe(450n * M);
    expect(r.reason).toBe(
      "request #9 approved by admin@acme.example (codex only), most generous of 2 overrides",
    );
    expect(
      resolveEffectiveLimit(input({ product: "api", policies: [editors, grant, codex, codex2] }))
        .limitMicros,
    ).toBe(1100n * M);
  });
});

describe("resolveEffectiveLimit: the reason names every binding pool", () => {
  const groups = [
    { id: "g1", name: "Growth" },
    { id: "g2", name: "Mobile" },
  ];
  const growth = policyInput({
    scope: "GROUP",
    groupId: "g1",
    amountMicros: 800n * M,
    poolCapMicros: 5000n * M,
  });
  const mobile = policyInput({ scope: "GROUP", groupId: "g2", amountMicros: 600n * M });
  const usage = (member: bigint, pool: bigint) => ({
    member: new Map([["api", member]]),
    groups: new Map([["g1", new Map([["api", pool]])]]),
    workspace: new Map([["api", pool]]),
  });

  it("a pool of 5,000 with 4,990 used sets what is left: the reason says so although it is not exhausted", () => {
    const r = resolveEffectiveLimit(
      input({ groups, policies: [growth, mobile], usage: usage(100n * M, 4990n * M) }),
    );
    expect(r.limitMicros).toBe(800n * M);
    expect(r.remainingMicros).toBe(10n * M);
    expect(r.state).toBe("soft");
    expect(r.pools[0]!.exhausted).toBe(false);
    expect(r.reason).toBe(
      "group Growth, most generous of 2 groups; group Growth pool: 10 left of 5,000",
    );
  });

  it("a pool that only sets the state (past its soft threshold, more left than the own limit) is named too", () => {
    const r = resolveEffectiveLimit(
      input({ groups, policies: [growth, mobile], usage: usage(100n * M, 4100n * M) }),
    );
    expect(r.remainingMicros).toBe(700n * M); // the own limit binds the amount…
    expect(r.state).toBe("soft"); // …the pool (82 % used) the state
    expect(r.reason).toBe(
      "group Growth, most generous of 2 groups; group Growth pool: 900 left of 5,000",
    );
    const roomy = resolveEffectiveLimit(
      input({ groups, policies: [growth, mobile], usage: usage(100n * M, 1000n * M) }),
    );
    expect(roomy.reason).toBe("group Growth, most generous of 2 groups"); // a pool with room binds nothing
  });

  it("amounts read to the cent, half-even, without trailing zeros", () => {
    expect(reasonAmount(5000n * M)).toBe("5,000");
    expect(reasonAmount(10_500_000n)).toBe("10.5");
    expect(reasonAmount(1_234_567_891n)).toBe("1,234.57");
    expect(reasonAmount(2_345_000n)).toBe("2.34"); // half-even: the 4 stays
    expect(reasonAmount(2_355_000n)).toBe("2.36");
    expect(reasonAmount(1_999_999n)).toBe("2");
    expect(reasonAmount(-1_250_000n)).toBe("-1.25");
    const pool = policyInput({ scope: "WORKSPACE", poolCapMicros: 1000n * M });
    expect(
      resolveEffectiveLimit(input({ groups, policies: [pool], usage: usage(0n, 987_654_321n) }))
        .reason,
    ).toBe("unlimited; workspace cap: 12.35 left of 1,000");
  });

  it("the workspace cap of an otherwise unlimited member, and an exhausted pool", () => {
    const cap = policyInput({ scope: "WORKSPACE", poolCapMicros: 1000n * M });
    expect(
      resolveEffectiveLimit(input({ groups, policies: [cap], usage: usage(0n, 999_500_000n) }))
        .reason,
    ).toBe("unlimited; workspace cap: 0.5 left of 1,000");
    expect(
      resolveEffectiveLimit(
        input({ groups, policies: [growth, cap], usage: usage(10n * M, 5000n * M) }),
      ).reason,
    ).toBe("group Growth; group Growth pool exhausted, workspace cap exhausted");
  });
});

// ---- properties over random policy sets ----

const GROUPS = ["g1", "g2", "g3"];
const PRODUCTS = ["", "codex", "api"];
const arbPolicy = fc.record({
  scope: fc.constantFrom("WORKSPACE", "GROUP", "MEMBER") as fc.Arbitrary<PolicyInput["scope"]>,
  groupId: fc.constantFrom(...GROUPS),
  memberId: fc.constantFrom("m1", "m2"),
  product: fc.constantFrom(...PRODUCTS),
  amount: fc.option(fc.bigInt({ min: 1n, max: 10_000n * M }), { nil: null }),
  pool: fc.option(fc.bigInt({ min: 1n, max: 100_000n * M }), { nil: null }),
  startOffsetDays: fc.option(fc.integer({ min: -30, max: 30 }), { nil: null }),
  lengthDays: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
  pct: fc.integer({ min: 1, max: 100 }),
});
const DAY = 86_400_000;
type RawPolicy = typeof arbPolicy extends fc.Arbitrary<infer T> ? T : never;
const toPolicy = (r: RawPolicy, i: number): PolicyInput => {
  const startsAt =
    r.startOffsetDays === null ? null : new Date(NOW.getTime() + r.startOffsetDays * DAY);
  const expiresAt =
    r.lengthDays === null
      ? null
      : new Date((startsAt ?? NOW).getTime() + r.lengthDays * DAY - 15 * DAY);
  return policyInput({
    id: `r${i}`,
    scope: r.scope,
    groupId: r.scope === "GROUP" ? r.groupId : null,
    memberId: r.scope === "MEMBER" ? r.memberId : null,
    product: r.product,
    amountMicros: r.amount,
    poolCapMicros: r.scope === "MEMBER" ? null : r.pool,
    softThresholdPct: r.pct,
    startsAt,
    expiresAt,
  });
};
const arbUsage = fc.record({
  codex: fc.bigInt({ min: 0n, max: 20_000n * M }),
  api: fc.bigInt({ min: 0n, max: 20_000n * M }),
});
const arbCase = fc.record({
  policies: fc.array(arbPolicy, { maxLength: 12 }).map((rs) => rs.map(toPolicy)),
  memberGroups: fc.subarray(GROUPS),
  product: fc.constantFrom(...PRODUCTS),
  usage: arbUsage,
});

type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;
function build(c: Case): ResolveInput {
  const member = new Map([
    ["codex", c.usage.codex],
    ["api", c.usage.api],
  ]);
  return input({
    product: c.product,
    groups: c.memberGroups.map((id: string) => ({ id, name: id.toUpperCase() })),
    policies: c.policies,
    usage: { member, groups: new Map(GROUPS.map((g) => [g, member])), workspace: member },
  });
}

describe("resolveEffectiveLimit: properties", () => {
  it(
    "the limit always comes from an active, applicable policy of the reported level (or none)",
    () => {
      fc.assert(
        fc.property(arbCase, (c) => {
          const i = build(c);
          const r = resolveEffectiveLimit(i);
          if (r.policyId === null) return r.limitMicros === null && r.level === "NONE";
          const p = i.policies.find((x) => x.id === r.policyId)!;
          const active = (!p.startsAt || p.startsAt <= NOW) && (!p.expiresAt || p.expiresAt > NOW);
          return (
            active &&
            p.scope === r.level &&
            p.amountMicros === r.limitMicros &&
            (p.product === "" || p.product === c.product)
          );
        }),
        { numRuns: 100 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "an active override for the member always wins; otherwise no group limit is more generous than the chosen one",
    () => {
      fc.assert(
        fc.property(arbCase, (c) => {
          const i = build(c);
          const r = resolveEffectiveLimit(i);
          const live = i.policies.filter(
            (p) =>
              (!p.startsAt || p.startsAt <= NOW) &&
              (!p.expiresAt || p.expiresAt > NOW) &&
              p.amountMicros !== null &&
              (p.product === "" || p.product === c.product),
          );
          const overrides = live.filter((p) => p.scope === "MEMBER" && p.memberId === "m1");
          if (overrides.length) return r.level === "MEMBER";
          const groupOnes = live.filter(
            (p) => p.scope === "GROUP" && c.memberGroups.includes(p.groupId!),
          );
          if (groupOnes.length) {
            if (r.level !== "GROUP") return false;
            // per group, the product-scoped policy beats the all-products one; then the max wins
            const perGroup = c.memberGroups
              .map(
                (g) =>
                  groupOnes.find(
                    (p) => p.groupId === g && p.product === c.product && c.product !== "",
                  ) ?? groupOnes.find((p) => p.groupId === g && p.product === ""),
              )
              .filter((p): p is PolicyInput => !!p);
            return perGroup.every((p) => p.amountMicros! <= r.limitMicros!);
          }
          return r.level === "WORKSPACE" || r.level === "NONE";
        }),
        { numRuns: 100 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "no active override at the chosen product level is more generous than the chosen one",
    () => {
      fc.assert(
        fc.property(arbCase, (c) => {
          const i = build(c);
          const r = resolveEffectiveLimit(i);
          if (r.level !== "MEMBER") return true;
          const live = i.policies.filter(
            (p) =>
              p.scope === "MEMBER" &&
              p.memberId === "m1" &&
              p.amountMicros !== null &&
              p.product === r.policyProduct &&
              (!p.startsAt || p.startsAt <= NOW) &&
              (!p.expiresAt || p.expiresAt > NOW),
          );
          return live.every((p) => p.amountMicros! <= r.limitMicros!);
        }),
        { numRuns: 100 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "remaining is never negative nor above the own limit; over ⇔ own limit or a pool exhausted",
    () => {
      fc.assert(
        fc.property(arbCase, (c) => {
          const r = resolveEffectiveLimit(build(c));
          if (r.remainingMicros !== null && r.remainingMicros < 0n) return false;
          if (
            r.limitMicros !== null &&
            r.remainingMicros !== null &&
            r.remainingMicros > r.limitMicros
          )
            return false;
          const ownOver = r.limitMicros !== null && r.usedMicros >= r.limitMicros;
          const poolOver = r.pools.some((p) => p.exhausted);
          return (
            (r.state === "over") === (ownOver || poolOver) &&
            (r.state !== "over" || r.remainingMicros === 0n)
          );
        }),
        { numRuns: 100 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "used is the usage of the chosen policy's product scope",
    () => {
      fc.assert(
        fc.property(arbCase, (c) => {
          const i = build(c);
          const r = resolveEffectiveLimit(i);
          return r.usedMicros === usageFor(i.usage.member, r.policyProduct);
        }),
        { numRuns: 100 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
