import { describe, expect, it } from "vitest";

import { eachDay, endOfDayIn } from "@/lib/core/period";
import { budgetCheck } from "@/lib/limits/budget-check";
import { toPolicyInput } from "@/lib/limits/load-effective-limits";
import { createPolicySchema, updatePolicySchema } from "@/lib/limits/policy-input";
import type { EffectiveLimit } from "@/lib/limits/resolve-effective-limit";
import { answerFor, memberDecider, replayAll, simulate } from "@/lib/limits/simulate";
import { simulateSchema } from "@/lib/limits/simulate-input";
import { createPolicy, updatePolicy } from "@/lib/limits/write-policy";
import { approveRequest } from "@/lib/requests/decide-credit-request";
import { fileRequest } from "@/lib/requests/file-request";
import { approveSchema, fileRequestSchema } from "@/lib/requests/request-input";
import { rebuildDayTotals } from "@/lib/rollups/day-totals";
import { rebuildGroupDayTotals } from "@/lib/rollups/group-totals";
import { MEMBER_MONTH } from "@/lib/rollups/member-month";
import { addMemberDayTotals } from "@/lib/rollups/member-totals";
import { addDaysToMonths } from "@/lib/rollups/month-deltas";
import { engineOf, type Db } from "@/lib/server/db";

import { TEST_NOW } from "../helpers/clock";
import { makeMember, testDb } from "../helpers/db";
import { limitsWorkspace } from "./limits-fixtures";

const M = 1_000_000n;

/** A small deterministic generator (the history must be the same on every run and engine). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Daily usage rows for every member from September to today, and the member-day rollup built from them as the sync does. */
async function history(db: Db, workspaceId: string, memberIds: string[], seed: number) {
  const rand = rng(seed);
  const days = eachDay("2026-08-01", "2026-11-18");
  const rows = [];
  for (const memberKey of memberIds)
    for (const day of days) {
      if (rand() < 0.3) continue;
      const credits = BigInt(Math.floor(rand() * 40)) * M;
      rows.push({
        workspaceId,
        day,
        memberKey,
        product: rand() < 0.5 ? "codex" : "claude_code",
        model: "m",
        provider: "simulator",
        creditsMicros: credits,
        costMicros: credits / 25n,
      });
    }
  await db.usageDailyRollup.createMany({ data: rows });
  // the member-month (by product), member-day and member-month totals, group-day and
  // workspace-day rollups, as the sync keeps them (lib/rollups/rebuild-days.ts)
  await db.$transaction(async (tx) => {
    await addDaysToMonths(tx, engineOf(db), MEMBER_MONTH, workspaceId, days, 1);
    await addMemberDayTotals(tx, engineOf(db), workspaceId, days);
    await rebuildGroupDayTotals(tx, workspaceId, days);
    await rebuildDayTotals(tx, engineOf(db), workspaceId, days);
  });
}

async function generated(db: Db, seed: number) {
  const f = await limitsWorkspace(db);
  const extra = await Promise.all(
    Array.from({ length: 10 }, () => makeMember(db, f.ws.id, { role: "MEMBER" })),
  );
  const data = await db.group.create({
    data: { workspaceId: f.ws.id, name: "Data", costCenter: "CC-3" },
  });
  const rand = rng(seed + 1);
  await db.groupMember.createMany({
    data: extra.flatMap((m) => [
      ...(rand() < 0.6 ? [{ groupId: f.platform.id, memberId: m.id }] : []),
      ...(rand() < 0.4 ? [{ groupId: data.id, memberId: m.id }] : []),
    ]),
  });
  const everyone = [
    f.owner,
    f.admin,
    f.finance,
    f.manager,
    f.eng,
    f.eng2,
    ...extra.map((m) => ({ memberId: m.id, email: m.email })),
  ];
  await history(
    db,
    f.ws.id,
    everyone.map((m) => m.memberId),
    seed,
  );
  const policy = (body: Record<string, unknown>) =>
    createPolicy(db, f.owner, createPolicySchema.parse(body));
  await policy({ scope: "WORKSPACE", amount: "700", poolCap: "9000", softThresholdPct: "75" });
  await policy({ scope: "GROUP", groupId: data.id, amount: "450", poolCap: "2500" });
  await policy({ scope: "GROUP", groupId: f.mobile.id, amount: "900", action: "ALERT_ONLY" });
  // product-scoped limits beside them: a Claude Code default, a Codex limit and pool for Data
  // (a Codex check asks them; an all-products one does not)
  await policy({ scope: "WORKSPACE", product: "claude_code", amount: "380" });
  await policy({
    scope: "GROUP",
    groupId: data.id,
    product: "codex",
    amount: "260",
    poolCap: "1300",
  });
  // member overrides written straight to the table, dated at the end of a day (`from` the
  // start, `until` the end)
  const override = (
    member: { id: string },
    amount: bigint,
    o: { product?: string; from?: string; until?: string } = {},
  ) => ({
    workspaceId: f.ws.id,
    scope: "MEMBER" as const,
    target: `MEMBER:${member.id}`,
    memberId: member.id,
    product: o.product ?? "",
    amountMicros: amount * M,
    startsAt: o.from ? endOfDayIn(o.from, "UTC") : null,
    expiresAt: o.until ? endOfDayIn(o.until, "UTC") : null,
  });
  await db.limitPolicy.createMany({
    data: [
      // an override that ended in September and one that runs to mid-October (day by day replays)
      override(extra[0]!, 1500n, { until: "2026-09-14" }),
      override(extra[1]!, 300n, { from: "2026-10-09", until: "2026-10-20" }),
      // a Claude Code override for October only, and a generous Codex one
      override(extra[2]!, 120n, {
        product: "claude_code",
        from: "2026-09-30",
        until: "2026-10-31",
      }),
      override(extra[3]!, 2000n, { product: "codex" }),
    ],
  });
  return { f, data, everyone };
}

/**
 * The products a budget check is asked about: all products, the two the scoped limits name,
 * and one no limit names (its check must be the all-products one).
 */
const PRODUCTS = ["", "claude_code", "codex", "cursor"] as const;

/** What the budget check says for every member and product at the last instant of a period. */
async function checks(
  db: Db,
  workspaceId: string,
  everyone: { memberId: string; email: string }[],
  end: string,
) {
  const at = new Date(endOfDayIn(end, "UTC").getTime() - 1);
  const out = new Map<string, Awaited<ReturnType<typeof budgetCheck>>>();
  for (const m of everyone)
    for (const product of PRODUCTS)
      out.set(`${m.memberId}|${product}`, await budgetCheck(db, workspaceId, m.email, product, at));
  return out;
}

function sameAnswer(sim: { end: EffectiveLimit }, check: Awaited<ReturnType<typeof budgetCheck>>) {
  const e = sim.end;
  expect({
    allowed: e.allowed,
    state: e.state,
    action: e.action,
    limit: e.limitMicros === null ? null : e.limitMicros.toString(),
    remaining: e.remainingMicros === null ? null : e.remainingMicros.toString(),
    reason: e.reason,
  }).toEqual({
    allowed: check.allowed,
    state: check.state,
    action: check.action,
    limit: check.limit === null ? null : BigInt(check.limit.replace(".", "")).toString(),
    remaining:
      check.remaining === null ? null : BigInt(check.remaining.replace(".", "")).toString(),
    reason: check.reason,
  });
}

describe("limit simulator against the budget check", () => {
  // a workspace default (all products, or one product's) set to an amount and pool: simulated,
  // then saved on the policy the generated history already has
  const changes = {
    "the workspace default": { product: "", amount: "520", poolCap: "8000" },
    "the Claude Code default and a Claude Code pool": {
      product: "claude_code",
      amount: "240",
      poolCap: "3000",
    },
  };
  const change = async ({ product, amount, poolCap }: (typeof changes)[keyof typeof changes]) => ({
    input: { kind: "set", scope: "WORKSPACE", ...(product ? { product } : {}), amount, poolCap },
    save: async (db: Db, f: Awaited<ReturnType<typeof generated>>["f"]) => {
      const ws = await db.limitPolicy.findFirstOrThrow({
        where: { workspaceId: f.ws.id, scope: "WORKSPACE", product },
      });
      await updatePolicy(
        db,
        f.owner,
        ws.id,
        updatePolicySchema.parse({ version: ws.version, amount, poolCap }),
      );
    },
  });
  for (const seed of [11, 29])
    for (const [what, proposal] of Object.entries(changes)) {
      it(`gives every member the budget check's answer for every product at each replayed period's end, before and after ${what} is saved (seed ${seed})`, async () => {
        const db = await testDb();
        const g = await generated(db, seed);
        const { f, everyone } = g;
        const { input: proposed, save } = await change(proposal);
        // a workspace-level change: every member is affected
        const input = simulateSchema.parse({ periods: 3, change: proposed });
        const before = await replayAll(db, memberDecider(f.owner), input, TEST_NOW);
        expect(before.affected.length).toBe(everyone.length);
        expect(before.products).toEqual(["claude_code", "codex"]);
        const past = before.replays.filter((r) => !r.current);
        expect(past.map((r) => r.period.start)).toEqual(["2026-10-01", "2026-09-01", "2026-08-01"]);
        let refused = 0;
        let refusedScoped = 0;
        const answers = new Set<string>();
        for (const r of past) {
          const now = await checks(db, f.ws.id, everyone, r.period.end);
          for (const m of everyone)
            for (const product of PRODUCTS)
              sameAnswer(
                answerFor(r.baseline, m.memberId, product)!,
                now.get(`${m.memberId}|${product}`)!,
              );
        }
        // save the proposal as it was simulated; the budget check now answers what the simulator said
        await save(db, f);
        for (const r of past) {
          const now = await checks(db, f.ws.id, everyone, r.period.end);
          for (const m of everyone)
            for (const product of PRODUCTS) {
              const check = now.get(`${m.memberId}|${product}`)!;
              sameAnswer(answerFor(r.proposed, m.memberId, product)!, check);
              answers.add(check.reason);
              if (!check.allowed) {
                refused++;
                if (product !== "") refusedScoped++;
              }
            }
        }
        // the generated history refuses people, on scoped limits too, and the comparison
        // covered product-scoped answers (their reasons name the product)
        expect(refused).toBeGreaterThan(0);
        expect(refusedScoped).toBeGreaterThan(0);
        expect([...answers].some((r) => r.includes("(claude_code only)"))).toBe(true);
        expect([...answers].some((r) => r.includes("(codex only)"))).toBe(true);
        expect(
          past.some((r) =>
            [...r.proposed.all.values(), ...[...r.proposed.byProduct.values()].flat()].some(
              (x) => x.dayByDay,
            ),
          ),
        ).toBe(true);
      });
    }

  it("replays a product request's approval as the override the approval writes, for that product", async () => {
    const db = await testDb();
    const { f } = await generated(db, 7);
    const { id } = await fileRequest(
      db,
      f.eng,
      fileRequestSchema.parse({
        amount: "150",
        product: "claude_code",
        neededUntil: "2026-11-28",
        reason: "Finishing the Claude Code migration of the billing service",
      }),
      TEST_NOW,
    );
    const input = simulateSchema.parse({
      periods: 1,
      change: { kind: "approve", requestId: id, amount: "120" },
    });
    const sim = await replayAll(db, memberDecider(f.admin), input, TEST_NOW);
    expect(sim.affected).toEqual([f.eng.memberId]);
    expect(sim.proposal.description).toBe(`approve request #${id} (claude_code)`);
    const grant = sim.proposal.proposed.find((p) => p.sourceRequestId === id)!;
    // the engineer's Claude Code check: its own answer changes, the all-products one does not
    const oct = sim.replays.find((r) => !r.current)!;
    expect(answerFor(oct.proposed, f.eng.memberId, "")!.end).toEqual(
      answerFor(oct.baseline, f.eng.memberId, "")!.end,
    );
    expect(answerFor(oct.proposed, f.eng.memberId, "claude_code")!.end.policyId).toBe(grant.id);
    await approveRequest(
      db,
      { kind: "member", actor: f.admin },
      id,
      approveSchema.parse({ amount: "120" }),
      TEST_NOW,
    );
    const written = await db.limitPolicy.findFirstOrThrow({ where: { sourceRequestId: id } });
    // the simulated grant is the written one but for its id, note and start (replayed as always in force)
    const { id: _a, note: _b, startsAt: _c, ...simulated } = grant;
    const { id: _d, note: _e, startsAt: _f, ...real } = toPolicyInput(written);
    expect(simulated).toEqual(real);
    expect(real).toMatchObject({ product: "claude_code", amountMicros: (380n + 120n) * M });
  });

  it("sums a group change per period and per group, with people, days and requests caused", async () => {
    const db = await testDb();
    const { f, data } = await generated(db, 5);
    const sim = await simulate(
      db,
      memberDecider(f.admin),
      simulateSchema.parse({
        periods: 1,
        change: { kind: "set", scope: "GROUP", groupId: data.id, amount: "200" },
      }),
      TEST_NOW,
    );
    expect(sim.change).toBe("change the group limit");
    expect(sim.periods.map((p) => [p.start, p.current, p.forecastFrom])).toEqual([
      ["2026-11-01", true, "2026-11-19"],
      ["2026-10-01", false, null],
    ]);
    const oct = sim.periods[1]!;
    expect(oct.proposed.blocked).toBeGreaterThan(oct.baseline.blocked);
    expect(oct.proposed.requests).toBe(oct.proposed.blocked);
    expect(oct.members.length).toBe(oct.membersTotal);
    const refused = oct.members.filter((m) => m.blockedDay);
    expect(refused.length).toBe(oct.proposed.blocked);
    for (const m of refused) {
      expect(m.groups).toContain("Data");
      expect(m.blockedDay! >= oct.start && m.blockedDay! <= oct.end).toBe(true);
      expect(m.stoppedMicros).toBeGreaterThanOrEqual(0n);
    }
    expect(oct.groups.find((g) => g.groupId === data.id)?.blocked).toBe(oct.proposed.blocked);
    // the finance analyst may not change limits: the simulator refuses like the save would
    await expect(
      simulate(
        db,
        memberDecider(f.finance),
        simulateSchema.parse({
          change: { kind: "set", scope: "GROUP", groupId: data.id, amount: "200" },
        }),
        TEST_NOW,
      ),
    ).rejects.toThrow("You cannot change limits");
  });
});
