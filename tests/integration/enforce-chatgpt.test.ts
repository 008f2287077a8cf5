import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { addDays } from "@/lib/core/period";
import { importChatgpt } from "@/lib/enforce/chatgpt-import";
import { fileChatgptRequest } from "@/lib/enforce/chatgpt-request";
import { driftRows } from "@/lib/enforce/drift";
import { runEnforcementTick } from "@/lib/enforce/enforcement-tick";
import { applyPlan, buildPlan } from "@/lib/enforce/plan";
import { drainQueue } from "@/lib/enforce/vendor-job-queue";

import { ALL_CHATGPT_SCOPES, startChatgptFake, type ChatgptFake } from "../fake-vendors/chatgpt";
import { at, daysFrom, msFrom, TEST_NOW, TEST_TODAY, tickingClock } from "../helpers/clock";
import { testDb } from "../helpers/db";
import {
  actorOf,
  connect,
  DRAIN_BUDGET_MS,
  limitsWorkspace,
  OWNER_AUDIT,
  policy,
} from "../helpers/enforce";
import { approveAsAsked } from "../helpers/requests";

let fake: ChatgptFake;
const KEY = "chatgpt-admin-enforce";
const NOW = TEST_NOW;
/** NOW, running on with elapsed time: the queue's clock, and the fake vendor's (temporary overrides end with its month) */
const clock = tickingClock(NOW);
const clockMs = () => clock().getTime();

beforeAll(async () => {
  fake = await startChatgptFake({
    workspaceId: "ws-acme",
    unit: "credit",
    keys: { [KEY]: ALL_CHATGPT_SCOPES },
    workspaceDefault: { type: "limited", limit_amount: { amount: "500", unit: "credit" } },
    clock: clockMs,
    rateClock: clockMs,
  });
});
afterAll(async () => fake.close());

async function setup(aliceUntil: Date) {
  const db = await testDb();
  const w = await limitsWorkspace(db, aliceUntil, "CREDITS");
  const ids: Record<string, string> = {};
  for (const [k, m] of Object.entries(w.people)) {
    ids[k] = `user-${k}-${w.tag}`;
    fake.state.users.push({ id: ids[k]!, email: m.email, name: m.name });
  }
  const connector = await connect(db, w.ws.id, "chatgpt", fake.url, KEY, "ws-acme");
  return { db, ...w, ids, connector };
}

describe("ChatGPT Enterprise: usage import and enforcement", () => {
  it("imports native credits per user-day (omitted days are zero, revisions replace) and groups marked chatgpt", async () => {
    const { db, ws, ids, connector, tag, people } = await setup(daysFrom(NOW, 1));
    const groupId = `g-power-${tag}`;
    fake.state.groups.push({
      id: groupId,
      name: `Power users ${tag}`,
      userIds: [ids.alice!, ids.bob!],
      limit: { type: "limited", limit_amount: { amount: "700", unit: "credit" } },
    });
    const today = TEST_TODAY;
    const d1 = addDays(today, -2);
    const d2 = addDays(today, -1);
    fake.state.usage.push(
      { userId: ids.alice!, day: d1, credits: 12.5, costUsd: null, estimated: 999 },
      { userId: ids.alice!, day: d2, credits: 4, costUsd: null, estimated: 999 },
      { userId: ids.bob!, day: d2, credits: 3, costUsd: null, estimated: 999 },
    );
    const run = await importChatgpt(db, ws.id, connector.id, OWNER_AUDIT, NOW, { backfillDays: 3 });
    expect(run.status).toBe("SUCCEEDED");
    const alice = await db.usageRecord.aggregate({
      where: { workspaceId: ws.id, memberId: people.alice.id },
      _sum: { creditsMicros: true, estimatedCostMicros: true },
    });
    expect(alice._sum.creditsMicros).toBe(16_500_000n);
    expect(alice._sum.estimatedCostMicros).toBe(0n); // never the vendor's estimate
    const g = await db.group.findFirstOrThrow({
      where: { workspaceId: ws.id, externalId: groupId },
      include: { members: true },
    });
    expect(g.source).toBe("chatgpt");
    expect(g.members.map((m) => m.memberId).sort()).toEqual(
      [people.alice.id, people.bob.id].sort(),
    );

    // the vendor revises a day and drops Bob's row: re-reading the trailing days replaces, omitted = zero
    fake.state.usage = fake.state.usage.filter(
      (u) => !u.userId.startsWith(`user-bob-${tag}`) && !u.userId.startsWith(`user-alice-${tag}`),
    );
    fake.state.usage.push({ userId: ids.alice!, day: d2, credits: 6, costUsd: null, estimated: 1 });
    fake.state.groups.find((x) => x.id === groupId)!.userIds = [ids.alice!];
    expect((await importChatgpt(db, ws.id, connector.id, OWNER_AUDIT, NOW)).status).toBe(
      "SUCCEEDED",
    );
    const after = await db.usageRecord.groupBy({
      by: ["memberId"],
      where: { workspaceId: ws.id },
      _sum: { creditsMicros: true },
    });
    expect(after.find((r) => r.memberId === people.alice.id)?._sum.creditsMicros).toBe(6_000_000n);
    expect(after.find((r) => r.memberId === people.bob.id)).toBeUndefined();
    const g2 = await db.group.findFirstOrThrow({ where: { id: g.id }, include: { members: true } });
    expect(g2.members.map((m) => m.memberId)).toEqual([people.alice.id]);
  });

  it("pushes limits in the workspace unit; grants ending with the vendor's month are temporary, mid-period ones are reverted by Allotment", async () => {
    const now = NOW;
    const monthEnd = at("2026-12-01T00:00:00Z"); // NOW's UTC month ends: the vendor's period
    const mid = msFrom(now, 3_600_000);
    const { db, ws, ids, connector, people } = await setup(mid);
    await policy(db, ws.id, `MEMBER:${people.carol.id}`, 900n, {
      memberId: people.carol.id,
      expiresAt: monthEnd,
    });
    const plan = await buildPlan(db, ws.id, connector.id, OWNER_AUDIT, now);
    expect(plan.unit).toBe("credit");
    const by = new Map(plan.items.map((i) => [i.name, i]));
    expect(by.get("Alice")).toMatchObject({
      action: "set",
      targetText: "1,200.00 credits",
      temporary: false,
    });
    expect(by.get("Carol")).toMatchObject({
      action: "set",
      targetText: "900.00 credits",
      temporary: true,
      revertAt: null,
    });
    expect(by.get("Frank")).toMatchObject({ action: "none" }); // inherits 500 = Allotment default
    await applyPlan(db, ws.id, plan.id, OWNER_AUDIT, now);
    expect(
      (await drainQueue(db, { workspaceId: ws.id, clock, budgetMs: DRAIN_BUDGET_MS })).failed,
    ).toBe(0);
    const patch = fake.writes().find((w) => w.path.endsWith(ids.carol!));
    expect(patch?.body).toEqual({
      override_monthly_usage_limit: {
        type: "limited",
        limit_amount: { unit: "credit", amount: "900" },
        temporary: true,
      },
    });
    expect(fake.effectiveOf(ids.alice!)).toMatchObject({
      kind: "individual_override",
      rule: { limit_amount: { amount: "1200" } },
    });
    expect((await buildPlan(db, ws.id, connector.id, OWNER_AUDIT, now)).changes).toBe(0);

    await runEnforcementTick(db, ws.id, {
      clock: () => msFrom(mid, 1000),
      budgetMs: DRAIN_BUDGET_MS,
    });
    expect(fake.effectiveOf(ids.alice!).kind).toBe("workspace_default");
  });

  it("a grant written as ChatGPT's temporary override over a person's own override: after ChatGPT ends it with its month, the queue run puts the override back, no drift", async () => {
    const { db, ws, ids, connector, people, owner, tag } = await setup(daysFrom(NOW, 1));
    const bob = people.bob;
    // Bob's group gives 800 at ChatGPT too; his own override (1,000) is above it
    fake.state.groups.push({
      id: `g-platform-${tag}`,
      name: `Platform ${tag}`,
      userIds: [ids.bob!, ids.eve!],
      limit: { type: "limited", limit_amount: { amount: "800", unit: "credit" } },
    });
    await policy(db, ws.id, `MEMBER:${bob.id}`, 1000n, { memberId: bob.id });
    const plan = await buildPlan(db, ws.id, connector.id, OWNER_AUDIT, NOW);
    await applyPlan(db, ws.id, plan.id, OWNER_AUDIT, NOW);
    expect(
      (await drainQueue(db, { workspaceId: ws.id, clock, budgetMs: DRAIN_BUDGET_MS })).failed,
    ).toBe(0);
    expect(fake.effectiveOf(ids.bob!)).toMatchObject({
      kind: "individual_override",
      rule: { limit_amount: { amount: "1000" } },
    });

    // Bob asks from ChatGPT for 200 more until the month's last day; approved, ChatGPT gets
    // 1,200 as a temporary override (it ends it itself on the 1st)
    const monthEnd = at("2026-12-01T00:00:00Z");
    const { id } = await fileChatgptRequest(
      db,
      actorOf(bob),
      {
        amount: "200",
        reason: "Codex runs",
        neededUntil: "2026-11-30",
        product: "",
        link: undefined,
      },
      NOW,
    );
    await approveAsAsked(db, actorOf(owner), id, NOW);
    await runEnforcementTick(db, ws.id, { clock, budgetMs: DRAIN_BUDGET_MS });
    const written = fake.state.overrides.get(ids.bob!);
    expect(written).toMatchObject({ limit_amount: { amount: "1200" } });
    expect(written!.limit_expires_at! * 1000).toBe(monthEnd.getTime());
    // Allotment keeps the end of what it wrote: ChatGPT's month end
    const granted = await db.vendorLimitState.findUniqueOrThrow({
      where: { connectorId_memberId: { connectorId: connector.id, memberId: bob.id } },
    });
    expect(granted).toMatchObject({ lastAppliedMicros: 1_200_000_000n, revertAt: monthEnd });

    // the next month: ChatGPT has ended the grant (Bob inherits his group's 800); the queue run
    // must write his 1,000 again — ChatGPT ending the grant as told is no console edit
    const later = at("2026-12-02T09:00:00Z");
    const vendorClock = fake.state.clock;
    fake.state.clock = () => later.getTime();
    try {
      expect(fake.effectiveOf(ids.bob!)).toMatchObject({ kind: "group_default" });
      await runEnforcementTick(db, ws.id, { clock: () => later, budgetMs: DRAIN_BUDGET_MS });
      expect(fake.effectiveOf(ids.bob!)).toMatchObject({
        kind: "individual_override",
        rule: { limit_amount: { amount: "1000" } },
      });
      expect(fake.state.overrides.get(ids.bob!)?.limit_expires_at).toBeUndefined();
      const state = await db.vendorLimitState.findUniqueOrThrow({
        where: { connectorId_memberId: { connectorId: connector.id, memberId: bob.id } },
      });
      expect(state).toMatchObject({
        effectiveMicros: 1_000_000_000n,
        lastAppliedMicros: 1_000_000_000n,
      });
      expect(await driftRows(db, ws.id, later)).toEqual([]);
    } finally {
      fake.state.clock = vendorClock;
    }
  });

  it("a key without the write scope fails the write with the vendor's message and audits it", async () => {
    const db = await testDb();
    const w = await limitsWorkspace(db, daysFrom(NOW, 1), "CREDITS");
    fake.state.keys.set(
      "chatgpt-readonly",
      ALL_CHATGPT_SCOPES.filter((s) => s !== "chatgpt.enterprise.usage_limit.write"),
    );
    fake.state.users.push({ id: `user-ro-${w.tag}`, email: w.people.alice.email, name: "Alice" });
    const c = await connect(db, w.ws.id, "chatgpt", fake.url, "chatgpt-readonly", "ws-acme");
    const plan = await buildPlan(db, w.ws.id, c.id, OWNER_AUDIT, NOW);
    await applyPlan(db, w.ws.id, plan.id, OWNER_AUDIT, NOW);
    expect(
      (await drainQueue(db, { workspaceId: w.ws.id, clock, budgetMs: DRAIN_BUDGET_MS })).failed,
    ).toBe(1);
    const job = await db.vendorJob.findFirstOrThrow({ where: { workspaceId: w.ws.id } });
    expect(job.lastError).toMatch(
      /HTTP 403 — Missing scope chatgpt\.enterprise\.usage_limit\.write/,
    );
    expect(
      await db.auditEvent.count({
        where: { workspaceId: w.ws.id, action: "enforcement.set_limit.failed" },
      }),
    ).toBe(1);
  });
});
