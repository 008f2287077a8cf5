import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { eachDay } from "../core/period";
import { policyInput } from "./policy-builder";
import { resolveEffectiveLimit, type PolicyInput } from "./resolve-effective-limit";
import {
  combineReplays,
  cumulate,
  extendAtPace,
  replayPeriod,
  settledByTotal,
  settledByTotals,
  type MemberReplay,
  type ReplayMember,
  type ReplayPeriod,
} from "./simulate-core";

/** property tests: every fc.assert states its runs; this bound holds on a busy 2-core machine */
const PROPERTY_TIMEOUT_MS = 60_000;
const M = 1_000_000n;
const DAYS = eachDay("2026-11-01", "2026-11-30");
const INSTANTS = DAYS.map((d) => new Date(`${d}T23:59:59.999Z`));

function period(groupCum: Map<string, bigint[]>, ws: bigint[]): ReplayPeriod {
  return { days: DAYS, instants: INSTANTS, groupCumulative: groupCum, workspaceCumulative: ws };
}

/** The naive answer: the rule asked on every day with the usage through that day. */
function naive(p: ReplayPeriod, m: ReplayMember) {
  let softDay: string | null = null;
  let overDay: string | null = null;
  let blockedDay: string | null = null;
  DAYS.forEach((day, i) => {
    const groups = new Map<string, Map<string, bigint>>();
    for (const g of m.groups) {
      const s = p.groupCumulative.get(g.id);
      if (s) groups.set(g.id, new Map([["x", s[i]!]]));
    }
    const e = resolveEffectiveLimit({
      memberId: m.id,
      product: "",
      groups: m.groups,
      policies: m.policies,
      now: INSTANTS[i]!,
      usage: {
        member: new Map([["x", m.cumulative?.[i] ?? 0n]]),
        groups,
        workspace: new Map([["x", p.workspaceCumulative[i]!]]),
      },
    });
    if (!softDay && e.state !== "ok") softDay = day;
    if (!overDay && e.state === "over") overDay = day;
    if (!blockedDay && !e.allowed) blockedDay = day;
  });
  return { softDay, overDay, blockedDay };
}

const arbDaily = (negative: boolean) =>
  fc.array(fc.bigInt({ min: negative ? -20n : 0n, max: 60n }), {
    minLength: DAYS.length,
    maxLength: DAYS.length,
  });
const arbAction = fc.constantFrom<PolicyInput["action"]>("BLOCK", "ALERT_ONLY", "DEGRADE", "QUEUE");
const arbDay = fc.integer({ min: 0, max: DAYS.length - 1 });
/** An amount of whole credits, 1 to max, or none. */
const arbAmount = (max: bigint) => fc.option(fc.bigInt({ min: 1n, max }));
/** A member override's amount, dates (period day indexes) and action. */
const overrideFields = {
  amount: fc.bigInt({ min: 1n, max: 1500n }),
  from: fc.option(arbDay),
  until: fc.option(arbDay),
  action: arbAction,
};

/** A generated override as the member's policy, its dates at 10:00 UTC of the period's days. */
function overridePolicy(
  memberId: string,
  o: { product?: string; amount: bigint; from: number | null; until: number | null } & Pick<
    PolicyInput,
    "action"
  >,
): PolicyInput {
  const at = (day: number | null) => (day === null ? null : new Date(`${DAYS[day]}T10:00:00Z`));
  return policyInput({
    scope: "MEMBER",
    memberId,
    product: o.product ?? "",
    amountMicros: o.amount * M,
    startsAt: at(o.from),
    expiresAt: at(o.until),
    action: o.action,
  });
}

const arbCase = fc.record({
  negative: fc.boolean(),
  members: fc.array(
    fc.record({
      daily: fc.boolean().chain((neg) => arbDaily(neg)),
      inGroup: fc.boolean(),
      override: fc.option(fc.record(overrideFields)),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  defaultAmount: arbAmount(1500n),
  groupAmount: arbAmount(1500n),
  groupPool: arbAmount(4000n),
  workspaceCap: arbAmount(6000n),
  soft: fc.integer({ min: 1, max: 100 }),
  action: arbAction,
});

type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;

function build(c: Case) {
  const members: ReplayMember[] = [];
  const policies: PolicyInput[] = [];
  if (c.defaultAmount !== null || c.workspaceCap !== null)
    policies.push(
      policyInput({
        scope: "WORKSPACE",
        amountMicros: c.defaultAmount === null ? null : c.defaultAmount * M,
        poolCapMicros: c.workspaceCap === null ? null : c.workspaceCap * M,
        softThresholdPct: c.soft,
        action: c.action,
      }),
    );
  if (c.groupAmount !== null || c.groupPool !== null)
    policies.push(
      policyInput({
        scope: "GROUP",
        groupId: "g",
        amountMicros: c.groupAmount === null ? null : c.groupAmount * M,
        poolCapMicros: c.groupPool === null ? null : c.groupPool * M,
        action: c.action,
      }),
    );
  const groupDaily = DAYS.map(() => 0n);
  const wsDaily = DAYS.map(() => 0n);
  c.members.forEach((x, i) => {
    const own = x.override ? [overridePolicy(`m${i}`, x.override)] : [];
    x.daily.forEach((v, d) => {
      wsDaily[d]! += v * M;
      if (x.inGroup) groupDaily[d]! += v * M;
    });
    members.push({
      id: `m${i}`,
      groups: x.inGroup ? [{ id: "g", name: "G" }] : [],
      policies: [...policies, ...own],
      cumulative: cumulate(DAYS, new Map(x.daily.map((v, d) => [DAYS[d]!, v * M]))),
    });
  });
  const toCum = (daily: bigint[]) => cumulate(DAYS, new Map(daily.map((v, d) => [DAYS[d]!, v])));
  return { members, period: period(new Map([["g", toCum(groupDaily)]]), toCum(wsDaily)) };
}

// ---------- product-scoped limits: products "a" and "b", limits for "a" beside the all-products ones

const arbScopedCase = fc.record({
  members: fc.array(
    fc.record({
      // each day's spend on "a" and on "b" (a refund when negative)
      a: fc.boolean().chain((neg) => arbDaily(neg)),
      b: arbDaily(false),
      inGroup: fc.boolean(),
      override: fc.option(fc.record({ product: fc.constantFrom("", "a"), ...overrideFields })),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  defaultAmount: arbAmount(1500n),
  defaultA: arbAmount(1000n),
  capA: arbAmount(4000n),
  groupAmount: arbAmount(1500n),
  groupA: arbAmount(1000n),
  groupPoolA: arbAmount(3000n),
  soft: fc.integer({ min: 1, max: 100 }),
  action: arbAction,
  actionA: arbAction,
});

type ScopedCase = typeof arbScopedCase extends fc.Arbitrary<infer T> ? T : never;

function buildScoped(c: ScopedCase) {
  const shared: PolicyInput[] = [];
  const micros = (v: bigint | null) => (v === null ? null : v * M);
  if (c.defaultAmount !== null)
    shared.push(
      policyInput({
        scope: "WORKSPACE",
        amountMicros: micros(c.defaultAmount),
        softThresholdPct: c.soft,
        action: c.action,
      }),
    );
  if (c.defaultA !== null || c.capA !== null)
    shared.push(
      policyInput({
        scope: "WORKSPACE",
        product: "a",
        amountMicros: micros(c.defaultA),
        poolCapMicros: micros(c.capA),
        action: c.actionA,
      }),
    );
  if (c.groupAmount !== null)
    shared.push(
      policyInput({
        scope: "GROUP",
        groupId: "g",
        amountMicros: micros(c.groupAmount),
        action: c.action,
      }),
    );
  if (c.groupA !== null || c.groupPoolA !== null)
    shared.push(
      policyInput({
        scope: "GROUP",
        groupId: "g",
        product: "a",
        amountMicros: micros(c.groupA),
        poolCapMicros: micros(c.groupPoolA),
        softThresholdPct: c.soft,
        action: c.actionA,
      }),
    );
  const toCum = (daily: bigint[]) => cumulate(DAYS, new Map(daily.map((v, d) => [DAYS[d]!, v])));
  const zero = () => DAYS.map(() => 0n);
  const group = { a: zero(), b: zero() };
  const ws = { a: zero(), b: zero() };
  const members = c.members.map((x, i) => {
    x.a.forEach((v, d) => {
      ws.a[d]! += v * M;
      if (x.inGroup) group.a[d]! += v * M;
    });
    x.b.forEach((v, d) => {
      ws.b[d]! += v * M;
      if (x.inGroup) group.b[d]! += v * M;
    });
    const own = x.override ? [overridePolicy(`m${i}`, x.override)] : [];
    const a = toCum(x.a.map((v) => v * M));
    const b = toCum(x.b.map((v) => v * M));
    return {
      id: `m${i}`,
      groups: x.inGroup ? [{ id: "g", name: "G" }] : [],
      policies: [
        ...shared.filter((p) => p.scope !== "GROUP" || x.inGroup),
        ...own,
      ] as PolicyInput[],
      a,
      b,
    };
  });
  const groupCum = { a: toCum(group.a), b: toCum(group.b) };
  const wsCum = { a: toCum(ws.a), b: toCum(ws.b) };
  const sum = (x: bigint[], y: bigint[]) => x.map((v, i) => v + y[i]!);
  const replay: ReplayPeriod = {
    days: DAYS,
    instants: INSTANTS,
    groupCumulative: new Map([["g", sum(groupCum.a, groupCum.b)]]),
    groupByProduct: new Map([["g", new Map([["a", groupCum.a]])]]),
    workspaceCumulative: sum(wsCum.a, wsCum.b),
    workspaceByProduct: new Map([["a", wsCum.a]]),
  };
  /** the replay member for a budget check of `product` */
  const asked = (m: (typeof members)[number], product: string): ReplayMember => ({
    id: m.id,
    groups: m.groups,
    policies: m.policies,
    product,
    cumulative: sum(m.a, m.b),
    byProduct: new Map([["a", m.a]]),
  });
  /** the naive answer: the rule asked on every day with the usage by product, as the budget check asks it */
  const naiveScoped = (m: (typeof members)[number], product: string) => {
    const usageThrough = (i: number) => ({
      member: new Map(
        i < 0
          ? []
          : [
              ["a", m.a[i]!],
              ["b", m.b[i]!],
            ],
      ),
      groups: new Map(
        m.groups.map((g) => [
          g.id,
          new Map(
            i < 0
              ? []
              : [
                  ["a", groupCum.a[i]!],
                  ["b", groupCum.b[i]!],
                ],
          ),
        ]),
      ),
      workspace: new Map(
        i < 0
          ? []
          : [
              ["a", wsCum.a[i]!],
              ["b", wsCum.b[i]!],
            ],
      ),
    });
    const ask = (day: number, through: number) =>
      resolveEffectiveLimit({
        memberId: m.id,
        product,
        groups: m.groups,
        policies: m.policies,
        now: INSTANTS[day]!,
        usage: usageThrough(through),
      });
    // the spend this check governs: its product's, or (all products) "b", which no limit names
    const governed = product === "a" ? m.a : m.b;
    let softDay: string | null = null;
    let overDay: string | null = null;
    let blockedDay: string | null = null;
    let stoppedMicros = 0n;
    DAYS.forEach((day, i) => {
      const e = ask(i, i);
      if (!softDay && e.state !== "ok") softDay = day;
      if (!overDay && e.state === "over") overDay = day;
      if (!blockedDay && !e.allowed) blockedDay = day;
      if (e.allowed) return;
      const spent = governed[i]! - (i > 0 ? governed[i - 1]! : 0n);
      if (spent <= 0n) return;
      const before = ask(i, i - 1);
      if (!before.allowed) stoppedMicros += spent;
      else {
        const room = before.remainingMicros ?? spent;
        if (spent > room) stoppedMicros += spent - room;
      }
    });
    return {
      softDay,
      overDay,
      blockedDay,
      stoppedMicros,
      end: ask(DAYS.length - 1, DAYS.length - 1),
    };
  };
  return { members, replay, asked, naiveScoped };
}

const firstDays = (
  r: Pick<MemberReplay, "softDay" | "overDay" | "blockedDay" | "stoppedMicros">,
) => ({
  softDay: r.softDay,
  overDay: r.overDay,
  blockedDay: r.blockedDay,
  stoppedMicros: r.stoppedMicros,
});

/** The members in a group and those in none (each list shares its groups and, without overrides, its policies), the lists not empty. */
function samePolicies<T extends Pick<ReplayMember, "groups">>(members: readonly T[]): T[][] {
  return [true, false]
    .map((inGroup) => members.filter((m) => m.groups.length === (inGroup ? 1 : 0)))
    .filter((same) => same.length > 0);
}

/** settledByTotals settles together exactly whom settledByTotal settles one by one, with the same last-day answer. */
function expectSettledAsEach(
  p: ReplayPeriod,
  shared: Parameters<typeof settledByTotals>[1],
  usage: Parameters<typeof settledByTotals>[2],
) {
  const { settled, pending } = settledByTotals(p, shared, usage);
  expect(settled.length + pending.length).toBe(usage.length);
  const byId = new Map(settled.map((r) => [r.memberId, r]));
  for (const u of usage) {
    const one = settledByTotal(p, { ...shared, id: u.id }, u);
    expect(byId.has(u.id)).toBe(one !== null);
    if (one) expect(byId.get(u.id)!.end).toEqual(one.end);
  }
}

describe("limit simulator replay (simulate-core)", () => {
  it(
    "finds the same first soft, over and refused days as asking the rule on every day (400 runs)",
    () => {
      fc.assert(
        fc.property(arbCase, (c) => {
          const { members, period: p } = build(c);
          const got = replayPeriod(p, members);
          members.forEach((m, i) => {
            const want = naive(p, m);
            expect({
              softDay: got[i]!.softDay,
              overDay: got[i]!.overDay,
              blockedDay: got[i]!.blockedDay,
            }).toEqual(want);
          });
        }),
        { numRuns: 400, seed: 2020 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "a member settled by their total alone is ok on every day (300 runs)",
    () => {
      fc.assert(
        fc.property(arbCase, (c) => {
          const { members, period: p } = build({ ...c, negative: false });
          for (const m of members) {
            if (Array.from(m.cumulative!).some((v, i) => i > 0 && v < m.cumulative![i - 1]!))
              continue;
            const s = settledByTotal(p, m, { total: m.cumulative![DAYS.length - 1]! });
            if (s) expect(naive(p, m)).toEqual({ softDay: null, overDay: null, blockedDay: null });
          }
        }),
        { numRuns: 300, seed: 2021 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "settling people of the same policies together answers as settling each by their total (300 runs)",
    () => {
      fc.assert(
        fc.property(
          arbCase,
          fc.array(fc.bigInt({ min: -50n, max: 2500n }), { maxLength: 40 }),
          (c, extra) => {
            // no overrides: everyone in the group (or everyone outside it) answers to the same policies
            const { members, period: p } = build({
              ...c,
              members: c.members.map((m) => ({ ...m, override: null })),
            });
            for (const same of samePolicies(members)) {
              const totals = [
                ...same.map((m) => ({ id: m.id, total: m.cumulative![DAYS.length - 1]! })),
                ...extra.map((t, i) => ({ id: `x${i}`, total: t * M })),
              ];
              expectSettledAsEach(
                p,
                { groups: same[0]!.groups, policies: same[0]!.policies },
                totals,
              );
            }
          },
        ),
        { numRuns: 300, seed: 2022 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "with product-scoped limits, each product's check finds the budget check's days, spend stopped and answer (400 runs)",
    () => {
      fc.assert(
        fc.property(arbScopedCase, (c) => {
          const { members, replay, asked, naiveScoped } = buildScoped(c);
          for (const product of ["", "a"]) {
            const got = replayPeriod(
              replay,
              members.map((m) => asked(m, product)),
            );
            members.forEach((m, i) => {
              const want = naiveScoped(m, product);
              expect(got[i]!.product).toBe(product);
              expect(firstDays(got[i]!)).toEqual(firstDays(want));
              expect(got[i]!.end).toEqual(want.end);
              // "b" has no limit of its own: its check is the all-products one
              if (product === "") {
                const b = naiveScoped(m, "b");
                expect({ ...firstDays(b), reason: b.end.reason }).toEqual({
                  ...firstDays(want),
                  reason: want.end.reason,
                });
              }
            });
          }
        }),
        { numRuns: 400, seed: 2023 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "with product-scoped limits, settling people together answers as settling each (300 runs)",
    () => {
      fc.assert(
        fc.property(
          arbScopedCase,
          fc.array(
            fc.tuple(fc.bigInt({ min: 0n, max: 2500n }), fc.bigInt({ min: 0n, max: 2500n })),
            {
              maxLength: 30,
            },
          ),
          (c, extra) => {
            const { members, replay, asked } = buildScoped({
              ...c,
              members: c.members.map((m) => ({ ...m, override: null })),
            });
            for (const same of samePolicies(members)) {
              const last = DAYS.length - 1;
              const usage = [
                ...same.map((m) => ({
                  id: m.id,
                  total: m.a[last]! + m.b[last]!,
                  byProduct: new Map([["a", m.a[last]!]]),
                })),
                ...extra.map(([a, b], i) => ({
                  id: `x${i}`,
                  total: (a + b) * M,
                  byProduct: new Map([["a", a * M]]),
                })),
              ];
              for (const product of ["", "a"]) {
                const {
                  id: _id,
                  cumulative: _c,
                  byProduct: _b,
                  ...shared
                } = asked(same[0]!, product);
                expectSettledAsEach(replay, shared, usage);
              }
            }
          },
        ),
        { numRuns: 300, seed: 2024 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "replays a class of people by thresholds with the same answers as one by one and as asking every day (300 runs)",
    () => {
      fc.assert(
        fc.property(arbCase, fc.boolean(), (c, monotoneOnly) => {
          const { members, period: p } = build({
            ...c,
            negative: false,
            members: c.members.map((m) => ({ ...m, override: null })),
          });
          // people in the same groups share their policies and groups (as replayUnder asks them)
          const shared = new Map<boolean, Pick<ReplayMember, "policies" | "groups">>();
          const classed = members
            .filter(
              (m) =>
                !monotoneOnly ||
                Array.from(m.cumulative!).every((v, i) => i === 0 || v >= m.cumulative![i - 1]!),
            )
            .map((m) => {
              const key = m.groups.length > 0;
              if (!shared.has(key)) shared.set(key, { policies: m.policies, groups: m.groups });
              return { ...m, ...shared.get(key)! };
            });
          const byClass = replayPeriod(p, classed, { classMin: 1 });
          const oneByOne = replayPeriod(p, classed, { classMin: Infinity });
          classed.forEach((m, i) => {
            const got = byClass[i]!;
            expect({
              softDay: got.softDay,
              overDay: got.overDay,
              blockedDay: got.blockedDay,
            }).toEqual(naive(p, m));
            expect(got.stoppedMicros).toBe(oneByOne[i]!.stoppedMicros);
            expect(got.end).toEqual(oneByOne[i]!.end);
          });
        }),
        { numRuns: 300, seed: 2025 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "with product-scoped limits, a class replayed by thresholds answers as the rule asked every day (300 runs)",
    () => {
      fc.assert(
        fc.property(arbScopedCase, (c) => {
          const { members, replay, asked, naiveScoped } = buildScoped({
            ...c,
            members: c.members.map((m) => ({ ...m, override: null })),
          });
          for (const product of ["", "a"]) {
            const shared = new Map<boolean, Pick<ReplayMember, "policies" | "groups">>();
            const classed = members.map((m) => {
              const r = asked(m, product);
              const key = m.groups.length > 0;
              if (!shared.has(key)) shared.set(key, { policies: r.policies, groups: r.groups });
              return { ...r, ...shared.get(key)! };
            });
            const got = replayPeriod(replay, classed, { classMin: 1 });
            members.forEach((m, i) => {
              const want = naiveScoped(m, product);
              expect(firstDays(got[i]!)).toEqual(firstDays(want));
              expect(got[i]!.end).toEqual(want.end);
            });
          }
        }),
        { numRuns: 300, seed: 2026 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it("puts a member's checks together: the first day of any, the spend stopped of all, the answer behind the first refusal", () => {
    const { members, replay, asked } = buildScoped({
      members: [
        {
          a: DAYS.map(() => 10n),
          b: DAYS.map(() => 5n),
          inGroup: false,
          override: null,
        },
      ],
      defaultAmount: 400n,
      defaultA: 100n,
      capA: null,
      groupAmount: null,
      groupA: null,
      groupPoolA: null,
      soft: 80,
      action: "BLOCK",
      actionA: "BLOCK",
    });
    const [all] = replayPeriod(replay, [asked(members[0]!, "")]);
    const [a] = replayPeriod(replay, [asked(members[0]!, "a")]);
    // all products: 15 a day against 400 → soft on day 22 (330 ≥ 320), out on day 27 (405);
    // "a": 10 a day against its own 100 → soft on day 8, out on day 10
    expect(firstDays(all!)).toEqual({
      softDay: "2026-11-22",
      overDay: "2026-11-27",
      blockedDay: "2026-11-27",
      // only "b"'s spend (5 a day; "a" has its own check): on the 27th its 5 fit in the 10 left
      // at the day's start, then the 28th to the 30th whole
      stoppedMicros: 15n * M,
    });
    expect(firstDays(a!)).toEqual({
      softDay: "2026-11-08",
      overDay: "2026-11-10",
      blockedDay: "2026-11-10",
      stoppedMicros: 20n * 10n * M,
    });
    const both = combineReplays(all!, [a!]);
    expect(both).toMatchObject({
      product: "a",
      softDay: "2026-11-08",
      overDay: "2026-11-10",
      blockedDay: "2026-11-10",
      stoppedMicros: all!.stoppedMicros + a!.stoppedMicros,
    });
    expect(both.end.reason).toBe("workspace default (a only)");
    expect(combineReplays(all!, undefined)).toBe(all);
  });

  it("counts the spend a refusal stops: the part of the refusing day above what was left, and every day after", () => {
    const daily = new Map<string, bigint>(DAYS.map((d) => [d, 10n * M]));
    const m: ReplayMember = {
      id: "a",
      groups: [],
      policies: [policyInput({ scope: "WORKSPACE", amountMicros: 95n * M })],
      cumulative: cumulate(DAYS, daily),
    };
    const [r] = replayPeriod(
      period(
        new Map(),
        DAYS.map(() => 0n),
      ),
      [m],
    );
    // 10 a day against 95: soft (80 %) on day 8, used up on day 10 (100 ≥ 95), of which 5 stopped
    expect(r).toMatchObject({
      softDay: "2026-11-08",
      overDay: "2026-11-10",
      blockedDay: "2026-11-10",
      stoppedMicros: 5n * M + 20n * 10n * M,
      dayByDay: false,
    });
    const alertOnly = replayPeriod(
      period(
        new Map(),
        DAYS.map(() => 0n),
      ),
      [
        {
          ...m,
          policies: [
            policyInput({ scope: "WORKSPACE", amountMicros: 95n * M, action: "ALERT_ONLY" }),
          ],
        },
      ],
    )[0]!;
    expect(alertOnly).toMatchObject({ overDay: "2026-11-10", blockedDay: null, stoppedMicros: 0n });
  });

  it("an override ending mid-period is replayed day by day and its end shows", () => {
    const daily = new Map<string, bigint>(DAYS.map((d) => [d, 10n * M]));
    const m: ReplayMember = {
      id: "a",
      groups: [],
      policies: [
        policyInput({ scope: "WORKSPACE", amountMicros: 100n * M }),
        policyInput({
          scope: "MEMBER",
          memberId: "a",
          amountMicros: 1000n * M,
          expiresAt: new Date("2026-11-20T00:00:00Z"),
        }),
      ],
      cumulative: cumulate(DAYS, daily),
    };
    const [r] = replayPeriod(
      period(
        new Map(),
        DAYS.map(() => 0n),
      ),
      [m],
    );
    // the 1,000 override covers 1-19 November; on the 20th the default of 100 meets 200 used
    expect(r).toMatchObject({ dayByDay: true, blockedDay: "2026-11-20", stoppedMicros: 110n * M });
  });

  it("carries the current period at today's pace to the projection of lib/forecast/projection.ts", () => {
    const cum = [1n, 3n, 6n, 6n, 6n, 6n].map((v) => v * M);
    expect(extendAtPace(cum, 2)).toEqual([1n, 3n, 6n, 8n, 10n, 12n].map((v) => v * M));
  });
});
