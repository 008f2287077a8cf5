/**
 * GitHub Copilot and Cursor enforcing together, judged by each fake's own rule: one
 * all-products limit is split across the two vendors, so what GitHub's budgets and Cursor's
 * member limits allow a person together is Allotment's limit (less at most a dollar per vendor,
 * whole dollars rounded down). An approved request raises both; after its end both are back —
 * GitHub (which ended the grant's budget itself, expires_at) at the person's override, not at the
 * universal budget, and Cursor (which cannot expire a limit) reverted by Allotment.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { connectVendor, updateConnectorSettings } from "@/lib/enforce/connectors";
import { driftRows } from "@/lib/enforce/drift";
import { runEnforcementTick } from "@/lib/enforce/enforcement-tick";
import { loadWorkspaceLimits } from "@/lib/limits/load-effective-limits";

import { startCursorFake, type CursorFake } from "../fake-vendors/cursor";
import { startGithubFake, type GithubFake } from "../fake-vendors/github";
import { daysFrom, TEST_NOW } from "../helpers/clock";
import { makeMember, makeWorkspace, testDb } from "../helpers/db";
import { actorOf, connect, DRAIN_BUDGET_MS, OWNER_AUDIT, policy } from "../helpers/enforce";
import { grantRequest } from "../helpers/requests";

const TOKEN = "ghp_github_cursor_01";
const KEY = "key_github_cursor_0123456789";
let now = TEST_NOW;
let github: GithubFake;
let cursor: CursorFake;

beforeAll(async () => {
  github = await startGithubFake({ token: TOKEN, clock: () => now.getTime(), perMinute: 100_000 });
  cursor = await startCursorFake({
    keys: [KEY],
    rateClock: () => now.getTime(),
    perMinute: {
      "/teams/spend": 10_000,
      "/teams/members": 10_000,
      "/teams/user-spend-limit": 10_000,
    },
  });
});
afterAll(async () => {
  await github.close();
  await cursor.close();
});

describe("GitHub and Cursor together", () => {
  it("split one limit so both vendors together allow Allotment's; a grant raises both and its end puts both back", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db, { budgetUnit: "USD" });
    const owner = await makeMember(db, ws.id, {
      email: `owner-${ws.slug}@corp.test`,
      role: "OWNER",
    });
    const people = await Promise.all(
      ["alice", "bob", "carol"].map((n) =>
        makeMember(db, ws.id, { email: `${n}-${ws.slug}@corp.test`, name: n }),
      ),
    );
    const [alice] = people as [(typeof people)[number]];
    const login = (m: { email: string }) => m.email.split("@")[0]!;
    github.state.kind = "organization";
    github.state.name = `org-${ws.slug}`;
    github.state.users = people.map((m) => ({ login: login(m), email: m.email, name: m.name }));
    github.state.budgets.clear();
    cursor.state.teamLimitDollars = null;
    cursor.state.members = people.map((m, i) => ({
      id: `user_${i}_${ws.slug}`,
      email: m.email,
      name: m.name,
      role: "member",
      isRemoved: false,
    }));
    await connect(db, ws.id, "github", github.url, TOKEN, `org:org-${ws.slug}`);
    const cc = await connectVendor(db, ws.id, OWNER_AUDIT, {
      vendor: "cursor",
      baseUrl: cursor.url,
      apiKey: KEY,
    });
    await updateConnectorSettings(db, ws.id, OWNER_AUDIT, cc.id, { enabled: true });
    await policy(db, ws.id, "WORKSPACE", 100n);
    await policy(db, ws.id, `MEMBER:${alice.id}`, 300n, { memberId: alice.id });

    const settle = async () => {
      for (let i = 0; i < 4; i++)
        await runEnforcementTick(db, ws.id, { clock: () => now, budgetMs: DRAIN_BUDGET_MS });
    };
    /** each vendor's own rule over what was written, summed, against Allotment's limit */
    const together = async () => {
      const limits = await loadWorkspaceLimits(db, ws.id, now);
      return people.map((m) => {
        const g = github.evaluate(login(m)).amount;
        const c = cursor.effectiveLimit(m.email);
        const allotment = limits.members.find((x) => x.memberId === m.id)!.effective.limitMicros!;
        return {
          who: m.name,
          g,
          c,
          sum: (g ?? 0) + (c ?? 0),
          allotment: Number(allotment / 1_000_000n),
        };
      });
    };
    const expectSplit = async () => {
      for (const r of await together()) {
        expect(r.g, r.who).not.toBeNull();
        expect(r.c, r.who).not.toBeNull();
        expect(r.sum, r.who).toBeLessThanOrEqual(r.allotment);
        expect(r.sum, r.who).toBeGreaterThanOrEqual(r.allotment - 2);
      }
    };

    await settle();
    await expectSplit();
    const before = (await together())[0]!;
    expect(before.allotment).toBe(300);
    expect(github.evaluate(login(alice)).source).toBe("individual");

    // Alice asks for $50 more until the day after tomorrow; approved: both vendors go up
    await grantRequest(
      db,
      { requester: actorOf(alice), approver: actorOf(owner) },
      {
        amount: "50",
        reason: "Agent runs for the migration",
        neededUntil: daysFrom(TEST_NOW, 2).toISOString().slice(0, 10),
      },
      now,
    );
    await settle();
    await expectSplit();
    const raised = (await together())[0]!;
    expect(raised.allotment).toBe(350);
    expect(raised.g!).toBeGreaterThan(before.g!);
    expect(raised.c!).toBeGreaterThan(before.c!);

    // after the grant's end: GitHub dropped the grant's budget itself, Cursor could not; both are
    // back at the split of Alice's override, and nothing is left as drift
    now = daysFrom(TEST_NOW, 4);
    await settle();
    await expectSplit();
    const after = (await together())[0]!;
    expect(after).toEqual(before);
    expect(github.evaluate(login(alice)).source).toBe("individual");
    expect(await driftRows(db, ws.id, now)).toEqual([]);
    now = TEST_NOW;
  });
});
