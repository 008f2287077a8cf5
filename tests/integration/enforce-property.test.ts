/**
 * The proof of issue 23, property-style: for a generated organisation (people at ChatGPT,
 * at Claude or at both, Allotment default / group / overrides, vendor-side group and seat-tier
 * defaults) and a generated sequence of limit edits, grants (filed and approved requests),
 * expiring overrides, usage arrivals, time jumps and rate-limit storms, run against both fake
 * vendors (ChatGPT: override → highest group default → workspace default, whole credits;
 * Claude: user → seat tier → organization, cents), after every enforcement tick:
 *
 *  1. Allotment never raises a vendor past the budget: the sum the vendors allow a person is
 *     at most max(Allotment's limit now, that sum one step earlier) — an excess can only be a
 *     lowering that has not landed yet (the sync lag: one tick, or the storm).
 *  2. When the tick left no job open, the sum is within Allotment's limit.
 *  3. After the storm, every vendor converges to its share of Allotment's limit.
 *
 * Size and the worst overshoot seen are printed (console.info) for the closing note.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";

import { runEnforcementTick } from "@/lib/enforce/enforcement-tick";
import { applyPlan, buildPlan } from "@/lib/enforce/plan";
import { desiredLimits } from "@/lib/enforce/plan-desired";
import { drainQueue, OPEN_JOB } from "@/lib/enforce/vendor-job-queue";
import { readVendor } from "@/lib/enforce/vendor-state";
import { loadWorkspaceLimits } from "@/lib/limits/load-effective-limits";
import { fileRequest } from "@/lib/requests/file-request";
import type { Db } from "@/lib/server/db";

import { startChatgptFake, type ChatgptFake } from "../fake-vendors/chatgpt";
import { startClaudeFake, type ClaudeFake } from "../fake-vendors/claude";
import { resetAppNow, setAppNow } from "../helpers/app-clock";
import { TEST_NOW } from "../helpers/clock";
import { makeMember, makeWorkspace, testDb } from "../helpers/db";
import { actorOf, connect, OWNER_AUDIT } from "../helpers/enforce";
import { approveAsAsked } from "../helpers/requests";

const M = 1_000_000n;
const RATE = 40_000n; // micro-USD per credit (the workspace default: $0.04)
const STEP_MS = 2 * 60_000;
const NUM_RUNS = Number(process.env.ENFORCE_PROPERTY_RUNS ?? 8);
const CG_KEY = "chatgpt-admin-prop";
const CL_KEY = "sk-ant-admin-prop";

interface Person {
  chatgpt: boolean;
  claude: boolean;
  inGroup: boolean;
  vendorGroup: boolean;
  premium: boolean;
}

type Step =
  | { kind: "override"; who: number; cents: number; endsInSteps: number | null }
  | { kind: "clearOverride"; who: number }
  | { kind: "default"; dollars: number }
  | { kind: "grant"; who: number; dollars: number }
  | { kind: "usage"; who: number; vendor: "chatgpt" | "claude"; cents: number }
  | { kind: "storm"; calls: number }
  | { kind: "jump"; minutes: number };

const personArb: fc.Arbitrary<Person> = fc
  .record({
    at: fc.constantFrom("both", "both", "chatgpt", "claude"),
    inGroup: fc.boolean(),
    vendorGroup: fc.boolean(),
    premium: fc.boolean(),
  })
  .map((p) => ({
    chatgpt: p.at !== "claude",
    claude: p.at !== "chatgpt",
    inGroup: p.inGroup,
    vendorGroup: p.vendorGroup,
    premium: p.premium,
  }));

const stepArb = (n: number): fc.Arbitrary<Step> => {
  const who = fc.integer({ min: 0, max: n - 1 });
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant("override" as const),
        who,
        cents: fc.integer({ min: 0, max: 200_000 }),
        endsInSteps: fc.option(fc.integer({ min: 1, max: 4 })),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("clearOverride" as const), who }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("default" as const),
        dollars: fc.integer({ min: 50, max: 1500 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("grant" as const),
        who,
        dollars: fc.integer({ min: 1, max: 400 }),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant("usage" as const),
        who,
        vendor: fc.constantFrom("chatgpt" as const, "claude" as const),
        cents: fc.integer({ min: 1, max: 60_000 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("storm" as const),
        calls: fc.integer({ min: 2, max: 14 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("jump" as const),
        minutes: fc.constantFrom(15, 90, 400),
      }),
    },
  );
};

const orgArb = fc.integer({ min: 2, max: 4 }).chain((n) =>
  fc.record({
    people: fc.array(personArb, { minLength: n, maxLength: n }),
    defaultDollars: fc.integer({ min: 100, max: 1000 }),
    groupDollars: fc.integer({ min: 100, max: 2000 }),
    steps: fc.array(stepArb(n), { minLength: 5, maxLength: 9 }),
  }),
);

const stats = {
  runs: 0,
  steps: 0,
  personSteps: 0,
  people: 0,
  worstOvershootMicros: 0n,
  worstBeyondLagMicros: 0n,
  worstLagSteps: 0,
  laggedChecks: 0,
};

afterAll(() => {
  resetAppNow();
  console.info(
    `[enforce-property] ${stats.runs} runs, ${stats.steps} steps, ${stats.people} people, ${stats.personSteps} person-steps checked; ` +
      `worst overshoot beyond the sync lag $${(Number(stats.worstBeyondLagMicros) / 1e6).toFixed(2)}; ` +
      `largest excess while Allotment's lowering had not landed yet $${(Number(stats.worstOvershootMicros) / 1e6).toFixed(2)} (${stats.laggedChecks} person-steps, longest ${stats.worstLagSteps} step(s))`,
  );
});

/** What each vendor lets the person spend this month, in micro-USD (null = unlimited); 0 where they are not a user. */
function allowedAt(
  cg: ChatgptFake,
  cl: ClaudeFake,
  ids: { cg: string | null; cl: string | null },
): { chatgpt: bigint | null; claude: bigint | null } {
  let chatgpt: bigint | null = 0n;
  if (ids.cg) {
    const r = cg.effectiveOf(ids.cg).rule;
    chatgpt = r.type === "unlimited" ? null : BigInt(r.limit_amount!.amount) * RATE;
  }
  let claude: bigint | null = 0n;
  if (ids.cl) {
    const a = cl.effectiveOf(ids.cl).amount;
    claude = a === null ? null : BigInt(a) * 10_000n;
  }
  return { chatgpt, claude };
}

async function openJobs(db: Db, workspaceId: string): Promise<number> {
  return db.vendorJob.count({ where: { workspaceId, ...OPEN_JOB } });
}

async function runScenario(org: {
  people: Person[];
  defaultDollars: number;
  groupDollars: number;
  steps: Step[];
}): Promise<void> {
  const db = await testDb();
  let now = new Date(TEST_NOW);
  const simMs = () => now.getTime();
  const setNow = (t: Date) => {
    now = t;
    setAppNow(t);
  };
  setNow(new Date(TEST_NOW));
  const cg = await startChatgptFake({
    keys: {
      [CG_KEY]: [
        "chatgpt.enterprise.usage_limit.read",
        "chatgpt.enterprise.usage_limit.write",
        "chatgpt.enterprise.user.read",
        "chatgpt.enterprise.directory.read",
        "enterprise.analytics.usage.read",
      ],
    },
    unit: "credit",
    workspaceDefault: { type: "limited", limit_amount: { amount: "2500", unit: "credit" } },
    clock: simMs,
    rateClock: simMs,
  });
  const cl = await startClaudeFake({
    keys: { [CL_KEY]: ["read:spend_limits", "write:spend_limits"] },
    organizationDefault: "50000",
    clock: simMs,
    rateClock: simMs,
  });
  try {
    const ws = await makeWorkspace(db, { budgetUnit: "USD", usdPerCreditMicros: RATE });
    const owner = await makeMember(db, ws.id, {
      email: `owner-${ws.slug}@acme.test`,
      role: "OWNER",
    });
    const group = await db.group.create({
      data: { workspaceId: ws.id, name: "Platform", costCenter: "CC-1" },
    });
    await db.limitPolicy.create({
      data: {
        workspaceId: ws.id,
        scope: "WORKSPACE",
        target: "WORKSPACE",
        amountMicros: BigInt(org.defaultDollars) * M,
      },
    });
    await db.limitPolicy.create({
      data: {
        workspaceId: ws.id,
        scope: "GROUP",
        target: `GROUP:${group.id}`,
        groupId: group.id,
        amountMicros: BigInt(org.groupDollars) * M,
      },
    });
    cl.state.seatTierDefaults.set("premium", "150000");
    cg.state.groups.push({
      id: "g-power",
      name: "Power users",
      userIds: [],
      limit: { type: "limited", limit_amount: { amount: "30000", unit: "credit" } },
    });
    const people: {
      id: string;
      email: string;
      cg: string | null;
      cl: string | null;
      row: Awaited<ReturnType<typeof makeMember>>;
    }[] = [];
    for (const [i, p] of org.people.entries()) {
      const m = await makeMember(db, ws.id, {
        email: `p${i}-${ws.slug}@acme.test`,
        name: `Person ${i}`,
      });
      if (p.inGroup) await db.groupMember.create({ data: { groupId: group.id, memberId: m.id } });
      const cgId = p.chatgpt ? `user-p${i}` : null;
      const clId = p.claude ? `user_p${i}` : null;
      if (cgId) {
        cg.state.users.push({ id: cgId, email: m.email, name: m.name });
        if (p.vendorGroup) cg.state.groups[0]!.userIds.push(cgId);
      }
      if (clId)
        cl.state.users.push({
          id: clId,
          email: m.email,
          name: m.name,
          seatTier: p.premium ? "premium" : "standard",
        });
      people.push({ id: m.id, email: m.email, cg: cgId, cl: clId, row: m });
    }
    const chatgpt = await connect(db, ws.id, "chatgpt", cg.url, CG_KEY, cg.state.workspaceId);
    const claude = await connect(db, ws.id, "claude", cl.url, CL_KEY);

    const tick = async () => {
      await runEnforcementTick(db, ws.id, { clock: () => now, budgetMs: 1500 });
    };
    // onboarding: read both vendors, the owner previews and applies each plan, and the ticks settle it
    await readVendor(
      db,
      await db.vendorConnector.findUniqueOrThrow({ where: { id: chatgpt.id } }),
      { now },
    );
    await readVendor(db, await db.vendorConnector.findUniqueOrThrow({ where: { id: claude.id } }), {
      now,
    });
    for (const c of [chatgpt, claude]) {
      const plan = await buildPlan(db, ws.id, c.id, OWNER_AUDIT, now);
      await applyPlan(db, ws.id, plan.id, OWNER_AUDIT, now);
      await drainQueue(db, { workspaceId: ws.id, clock: () => now, budgetMs: 5000 });
    }
    for (let i = 0; i < 4 && (await openJobs(db, ws.id)) > 0; i++) {
      setNow(new Date(now.getTime() + STEP_MS));
      await tick();
    }
    setNow(new Date(now.getTime() + STEP_MS));
    await tick();

    const limitsNow = async () =>
      new Map(
        (await loadWorkspaceLimits(db, ws.id, now)).members.map((m) => [
          m.memberId,
          m.effective.limitMicros,
        ]),
      );
    const sumOf = (a: { chatgpt: bigint | null; claude: bigint | null }) =>
      a.chatgpt === null || a.claude === null ? null : a.chatgpt + a.claude;
    const prevSum = new Map<string, bigint | null>();
    const lag = new Map<string, number>();
    const check = async (phase: string) => {
      const limits = await limitsNow();
      const open = await openJobs(db, ws.id);
      for (const p of people) {
        const L = limits.get(p.id) ?? null;
        const sum = sumOf(allowedAt(cg, cl, p));
        stats.personSteps++;
        if (L === null) {
          prevSum.set(p.id, sum);
          continue;
        }
        const prev = prevSum.has(p.id) ? prevSum.get(p.id)! : L;
        const bound = prev === null ? null : prev > L ? prev : L;
        const ctx = `${phase}: ${p.email} vendors allow ${sum === null ? "unlimited" : sum} µ$ (ChatGPT ${allowedAt(cg, cl, p).chatgpt}, Claude ${allowedAt(cg, cl, p).claude}), Allotment ${L}, previous ${prev}, open jobs ${open}`;
        // 1. never raised past the budget
        if (bound !== null) expect(sum, ctx).not.toBeNull();
        if (bound !== null && sum !== null) {
          if (sum - bound > stats.worstBeyondLagMicros) stats.worstBeyondLagMicros = sum - bound;
          expect(sum <= bound, ctx).toBe(true);
        }
        // 2. settled → within the limit
        if (open === 0) expect(sum !== null && sum <= L, ctx).toBe(true);
        if (sum !== null && sum > L) {
          const over = sum - L;
          if (over > stats.worstOvershootMicros) stats.worstOvershootMicros = over;
          stats.laggedChecks++;
          lag.set(p.id, (lag.get(p.id) ?? 0) + 1);
          stats.worstLagSteps = Math.max(stats.worstLagSteps, lag.get(p.id)!);
        } else lag.set(p.id, 0);
        prevSum.set(p.id, sum);
      }
    };
    await check("after onboarding");

    for (const [n, step] of org.steps.entries()) {
      const p = people[(step as { who?: number }).who ?? 0]!;
      switch (step.kind) {
        case "override": {
          const expiresAt = step.endsInSteps
            ? new Date(now.getTime() + step.endsInSteps * STEP_MS + 1000)
            : null;
          const target = `MEMBER:${p.id}`;
          const data = { amountMicros: BigInt(step.cents) * 10_000n, expiresAt };
          await db.limitPolicy.upsert({
            where: {
              workspaceId_target_product_slot: {
                workspaceId: ws.id,
                target,
                product: "",
                slot: "",
              },
            },
            create: { workspaceId: ws.id, scope: "MEMBER", target, memberId: p.id, ...data },
            update: data,
          });
          break;
        }
        case "clearOverride":
          await db.limitPolicy.deleteMany({
            where: { workspaceId: ws.id, target: `MEMBER:${p.id}`, slot: "" },
          });
          break;
        case "default":
          await db.limitPolicy.updateMany({
            where: { workspaceId: ws.id, scope: "WORKSPACE" },
            data: { amountMicros: BigInt(step.dollars) * M },
          });
          break;
        case "grant": {
          const limit = (await limitsNow()).get(p.id);
          if (limit === null || limit === undefined) break;
          const r = await fileRequest(
            db,
            actorOf(p.row),
            {
              amount: String(step.dollars),
              reason: "Property test: a grant for a migration sprint",
              product: "",
              link: undefined,
              neededUntil: undefined,
            },
            now,
          );
          await approveAsAsked(db, actorOf(owner), r.id, now);
          break;
        }
        case "usage": {
          const day = now.toISOString().slice(0, 10);
          const micros = BigInt(step.cents) * 10_000n;
          const key = {
            workspaceId: ws.id,
            day,
            memberKey: p.id,
            product: step.vendor === "claude" ? "claude_code" : "codex",
            model: "",
            provider: step.vendor === "claude" ? "anthropic" : "chatgpt",
          };
          await db.usageDailyRollup.upsert({
            where: { workspaceId_day_memberKey_product_model_provider: key },
            create: { ...key, costMicros: micros, creditsMicros: (micros / RATE) * M },
            update: { costMicros: { increment: micros } },
          });
          await db.workspace.update({
            where: { id: ws.id },
            data: { usageVersion: { increment: 1 } },
          });
          break;
        }
        case "storm":
          // every call to either vendor answers 429 (Retry-After 30 s) for the next `calls` calls
          cg.state.faults.push({ status: 429, retryAfter: "30", times: step.calls });
          cl.state.faults.push({ status: 429, retryAfter: "30", times: step.calls });
          break;
        case "jump":
          setNow(new Date(now.getTime() + step.minutes * 60_000));
          break;
      }
      setNow(new Date(now.getTime() + STEP_MS));
      await tick();
      stats.steps++;
      await check(`step ${n + 1} (${step.kind})`);
    }

    // 3. after the storm: converge to Allotment's split
    cg.state.faults.length = 0;
    cl.state.faults.length = 0;
    for (let i = 0; i < 8; i++) {
      setNow(new Date(now.getTime() + 61 * 60_000));
      const t = await runEnforcementTick(db, ws.id, { clock: () => now, budgetMs: 1500 });
      await check(`settling ${i + 1}`);
      // settled: nothing open and the run found nothing more to write
      if ((await openJobs(db, ws.id)) === 0 && t.pushes + t.reverts === 0) break;
    }
    expect(await openJobs(db, ws.id)).toBe(0);
    const cgRow = await db.vendorConnector.findUniqueOrThrow({ where: { id: chatgpt.id } });
    const clRow = await db.vendorConnector.findUniqueOrThrow({ where: { id: claude.id } });
    const wantCg = await desiredLimits(db, cgRow, "credit", now);
    const wantCl = await desiredLimits(db, clRow, "usd", now);
    for (const p of people) {
      if (p.cg) {
        const r = cg.effectiveOf(p.cg).rule;
        const got = r.type === "unlimited" ? null : BigInt(r.limit_amount!.amount) * M;
        expect(got, `ChatGPT converged for ${p.email}`).toBe(wantCg.get(p.id)!.splitMicros);
      }
      if (p.cl) {
        const a = cl.effectiveOf(p.cl).amount;
        expect(a === null ? null : BigInt(a) * 10_000n, `Claude converged for ${p.email}`).toBe(
          wantCl.get(p.id)!.splitMicros,
        );
      }
    }
    stats.runs++;
    stats.people += people.length;
  } finally {
    await cg.close();
    await cl.close();
  }
}

describe("enforcement property: the vendors together never allow more than Allotment", () => {
  it(`holds for generated organisations and edit / grant / expiry / usage / storm sequences (${NUM_RUNS} runs)`, async () => {
    await fc.assert(fc.asyncProperty(orgArb, runScenario), {
      numRuns: NUM_RUNS,
      endOnFailure: true,
      seed: Number(process.env.ENFORCE_PROPERTY_SEED ?? 2326),
    });
    expect(stats.runs).toBe(NUM_RUNS);
  }, 900_000);
});
