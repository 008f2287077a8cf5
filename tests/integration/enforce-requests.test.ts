import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ConflictError } from "@/lib/core/errors";
import { runEnforcementTick } from "@/lib/enforce/enforcement-tick";
import { approveRequest, denyRequest } from "@/lib/requests/decide-credit-request";

import { startClaudeFake, type ClaudeFake } from "../fake-vendors/claude";
import { daysFrom, TEST_NOW, tickingClock } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { actorOf, connect, DRAIN_BUDGET_MS, limitsWorkspace } from "../helpers/enforce";

let fake: ClaudeFake;
const KEY = "sk-ant-admin-requests";
const NOW = TEST_NOW;
/** NOW, running on with elapsed time: the enforcement ticks' clock, shared with the fake vendor */
const clock = tickingClock(NOW);
const clockMs = () => clock().getTime();
const tick = (db: Awaited<ReturnType<typeof testDb>>, workspaceId: string) =>
  runEnforcementTick(db, workspaceId, { clock, budgetMs: DRAIN_BUDGET_MS });

beforeAll(async () => {
  fake = await startClaudeFake({
    keys: { [KEY]: ["read:spend_limits", "write:spend_limits"] },
    organizationDefault: "50000",
    clock: clockMs,
    rateClock: clockMs,
  });
});
afterAll(async () => fake.close());

async function setup() {
  const db = await testDb();
  const w = await limitsWorkspace(db, daysFrom(NOW, 7));
  const ids: Record<string, string> = {};
  for (const [k, m] of Object.entries(w.people)) {
    ids[k] = `user_${k}_${w.tag}`;
    fake.state.users.push({
      id: ids[k]!,
      name: m.name,
      email: m.email,
      seatTier: "enterprise_standard",
    });
  }
  const connector = await connect(db, w.ws.id, "claude", fake.url, KEY);
  return { db, ...w, ids, connector };
}

const approveCalls = (id: string) =>
  fake.state.log.filter((c) => c.method === "POST" && c.path.includes(`${id}/`));

describe("Claude increase requests in Allotment's queue", () => {
  it("imports a request with the vendor's usage and limit; a manager's approval with an amount reaches the vendor once", async () => {
    const { db, ws, ids, people, manager, group } = await setup();
    fake.state.spend.set(ids.eve!, "79000");
    const slir = fake.fileRequest(ids.eve!);
    const t1 = await tick(db, ws.id);
    expect(t1.imported).toBe(1);
    const req = await db.creditRequest.findFirstOrThrow({
      where: { workspaceId: ws.id, source: "claude", externalId: slir },
    });
    expect(req).toMatchObject({ status: "PENDING", requesterId: people.eve.id, amountMicros: 0n });
    expect(req.reason).toMatch(/Claude limit \$500\.00, spent \$790\.00/);
    expect(JSON.parse(req.snapshotJson).vendor).toMatchObject({
      vendor: "claude",
      limit: "$500.00",
      limitSource: "organization",
    });
    // a second import does not duplicate it
    expect((await tick(db, ws.id)).imported).toBe(0);

    // Eve's Allotment limit is 800 (group); +250 granted → 1,050 → Claude limit 105000 cents
    // (the request names no amount: a manager grants one within the workspace's ceiling for managers)
    await db.workspace.update({
      where: { id: ws.id },
      data: { managerGrantCeilingMicros: 500_000_000n },
    });
    await approveRequest(
      db,
      { kind: "member", actor: actorOf(manager, [group.id]) },
      req.id,
      { amount: "250", note: undefined },
      NOW,
    );
    const t2 = await tick(db, ws.id);
    expect(t2.pushes).toBe(1);
    expect(t2.drained.succeeded).toBe(1);
    const v = fake.state.requests.find((r) => r.id === slir)!;
    expect(v.status).toBe("approved");
    expect(fake.effectiveOf(ids.eve!)).toEqual({ amount: "105000", source: "user" });
    const link = await db.vendorRequestLink.findUniqueOrThrow({ where: { requestId: req.id } });
    expect(link).toMatchObject({ pushState: "pushed", vendorStatus: "approved" });
    // the expiring grant is tracked for revert (Claude has no temporary overrides)
    const state = await db.vendorLimitState.findFirstOrThrow({
      where: { memberId: people.eve.id },
    });
    expect(state.revertAt).not.toBeNull();
    // nothing is sent twice
    await tick(db, ws.id);
    expect(approveCalls(slir)).toHaveLength(1);
    expect(
      await db.auditEvent.count({
        where: { workspaceId: ws.id, action: "enforcement.approve_request" },
      }),
    ).toBe(1);
  });

  it("a denial in Allotment denies at the vendor", async () => {
    const { db, ws, ids, owner } = await setup();
    const slir = fake.fileRequest(ids.carol!);
    await tick(db, ws.id);
    const req = await db.creditRequest.findFirstOrThrow({ where: { externalId: slir } });
    await denyRequest(
      db,
      { kind: "member", actor: actorOf(owner) },
      req.id,
      { note: "Not this month" },
      NOW,
    );
    await tick(db, ws.id);
    expect(fake.state.requests.find((r) => r.id === slir)!.status).toBe("denied");
  });

  it("a request resolved in the Claude console first is shown as such and cannot be decided in Allotment", async () => {
    const { db, ws, ids, owner } = await setup();
    const slir = fake.fileRequest(ids.frank!);
    await tick(db, ws.id);
    const req = await db.creditRequest.findFirstOrThrow({ where: { externalId: slir } });
    fake.consoleResolve(slir, "approved", "70000");
    await tick(db, ws.id);
    const closed = await db.creditRequest.findUniqueOrThrow({ where: { id: req.id } });
    expect(closed.status).toBe("APPROVED");
    expect(closed.decisionNote).toMatch(/Resolved in Claude by console-admin@vendor\.example/);
    expect(closed.deciderId).toBeNull();
    await expect(
      approveRequest(
        db,
        { kind: "member", actor: actorOf(owner) },
        req.id,
        { amount: "100", note: undefined },
        NOW,
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(
      (await db.vendorRequestLink.findUniqueOrThrow({ where: { requestId: req.id } })).pushState,
    ).toBe("vendor_first");
    expect(approveCalls(slir)).toHaveLength(0);
  });

  it("race: the console resolves it after Allotment's import but before Allotment's decision is pushed — the vendor decides once", async () => {
    const { db, ws, ids, owner } = await setup();
    const slir = fake.fileRequest(ids.bob!);
    await tick(db, ws.id);
    const req = await db.creditRequest.findFirstOrThrow({ where: { externalId: slir } });
    // both sides decide "at the same time": Allotment approves, the console denies
    await approveRequest(
      db,
      { kind: "member", actor: actorOf(owner) },
      req.id,
      { amount: "100", note: undefined },
      NOW,
    );
    fake.consoleResolve(slir, "denied");
    const raced = await tick(db, ws.id);
    expect(raced.drained).toMatchObject({ skipped: 1, failed: 0 });
    const v = fake.state.requests.find((r) => r.id === slir)!;
    expect(v.status).toBe("denied"); // the vendor's first decision stands
    expect(approveCalls(slir)).toHaveLength(0); // Allotment never sent a second decision
    const link = await db.vendorRequestLink.findUniqueOrThrow({ where: { requestId: req.id } });
    expect(link.pushState).toBe("vendor_first");
    expect(link.message).toMatch(/Claude had already denied this request/);

    // and the race inside the write: approve answered 400 because it was resolved a moment earlier
    const slir2 = fake.fileRequest(ids.carol!);
    await tick(db, ws.id);
    const req2 = await db.creditRequest.findFirstOrThrow({ where: { externalId: slir2 } });
    await approveRequest(
      db,
      { kind: "member", actor: actorOf(owner) },
      req2.id,
      { amount: "100", note: undefined },
      NOW,
    );
    // resolve at the vendor right after the job's pre-read (the first GET of this request)
    let seen = false;
    const orig = fake.state.log.push.bind(fake.state.log);
    fake.state.log.push = (...items) => {
      const n = orig(...items);
      if (!seen && items.some((c) => c.method === "GET" && c.path.endsWith(slir2))) {
        seen = true;
        fake.consoleResolve(slir2, "approved", "65000");
      }
      return n;
    };
    await tick(db, ws.id);
    fake.state.log.push = orig;
    const approveAttempts = approveCalls(slir2);
    expect(approveAttempts.map((c) => c.status)).toEqual([400]);
    // the vendor's decision on the request stands; its limit does not outrank Allotment's: the
    // console's $650 is brought back to Carol's Allotment limit ($500 + $100 granted) by the next tick
    expect(fake.effectiveOf(ids.carol!).amount).toBe("65000");
    await tick(db, ws.id);
    expect(approveCalls(slir2)).toHaveLength(1);
    expect(fake.effectiveOf(ids.carol!).amount).toBe("60000");
    expect(
      (await db.vendorRequestLink.findUniqueOrThrow({ where: { requestId: req2.id } })).pushState,
    ).toBe("vendor_first");
  });
});
