/**
 * The Limits screen keeps its whole-workspace resolution (every member's effective limit, the
 * groups' pools) in memory while nothing it was computed from has changed
 * (loadWorkspaceEffectiveLimits: the workspace's version stamp, the budget as of now, the
 * policies as read now and whether each is active now). These tests change things the ways
 * real users do — a sync, an admin in ANOTHER process (its own client, its own memory), a
 * limit a script writes to start within the hour, a rename, a deactivation — and expect the very next
 * screen to show it: after every step the kept rows equal the rows computed from nothing
 * (loadWorkspaceLimits, which keeps nothing), and a manager's rows are the owner's of their
 * groups' members.
 */
import { afterAll, describe, expect, it } from "vitest";

import { runSync } from "@/lib/ingest/sync";
import { getLimitsOverview } from "@/lib/limits/limits-screen";
import {
  loadWorkspaceEffectiveLimits,
  loadWorkspaceLimits,
  type WorkspaceMemberLimit,
} from "@/lib/limits/load-effective-limits";
import { membersQuerySchema } from "@/lib/limits/members-query";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";
import { deactivateMember } from "@/lib/people/deactivate";
import { updateMember } from "@/lib/people/members";
import { createDb, prepareDb, type Db } from "@/lib/server/db";

import { makeMember, testDatabaseUrl, testDb } from "../helpers/db";
import { simulatedWorkspace } from "../helpers/simulator";
import { actorOf } from "./limits-fixtures";

const NOW = new Date("2026-11-20T12:00:00Z");
const HOUR = 3_600_000;
const other = createDb(testDatabaseUrl()); // "another server process": its own client, its own memory
afterAll(() => other.$disconnect());

/** A row without its projection: what loadWorkspaceEffectiveLimits keeps. */
function unprojected(r: WorkspaceMemberLimit) {
  const { projectedMicros, projectedLowMicros, projectedHighMicros, ...rest } = r;
  const { exhaustionDay, exhaustionLatestDay, ...row } = rest;
  void [
    projectedMicros,
    projectedLowMicros,
    projectedHighMicros,
    exhaustionDay,
    exhaustionLatestDay,
  ];
  return row;
}

/** The kept resolution at `at`, checked against one computed from nothing. */
async function keptAgrees(db: Db, workspaceId: string, at: Date) {
  const kept = await loadWorkspaceEffectiveLimits(db, workspaceId, at);
  const fresh = await loadWorkspaceLimits(db, workspaceId, at);
  expect(kept.members).toEqual(fresh.members.map(unprojected));
  expect(kept.groups).toEqual(fresh.groups);
  expect(kept.workspaceUsedMicros).toBe(fresh.workspaceUsedMicros);
  expect(kept.budget).toEqual(fresh.budget);
  return kept;
}

describe("the Limits screen's kept resolution", () => {
  it("sees a sync, limits and people changed in another process, and a limit starting within the day, on the next call", async () => {
    const db = await testDb();
    await prepareDb(other);
    const { workspace, connection, adapter } = await simulatedWorkspace(db, { members: 14 });
    const ws = workspace.id;
    const sync = (start: string, end: string) =>
      runSync({ db, connectionId: connection.id, adapter, window: { start, end } });
    expect((await sync("2026-11-01", "2026-11-03")).status).toBe("SUCCEEDED");
    const owner = actorOf(await makeMember(db, ws, { role: "OWNER" }));
    // a manager of one group (people are written before the first screen: a fixture's direct
    // writes move no version, the app's writes all do)
    const group = await db.group.findFirstOrThrow({
      where: { workspaceId: ws, members: { some: {} } },
      select: { id: true, members: { select: { memberId: true } } },
    });
    const managerMember = await makeMember(db, ws, { role: "MEMBER" });
    await db.groupManager.create({ data: { groupId: group.id, memberId: managerMember.id } });
    const manager = actorOf(managerMember, [group.id]);

    const first = await keptAgrees(db, ws, NOW);
    expect(first.members.length).toBeGreaterThan(10);
    // asked again with nothing changed: the same rows
    expect((await loadWorkspaceEffectiveLimits(db, ws, NOW)).members).toEqual(first.members);
    const spender = first.members.find((m) => m.effective.usedMicros > 0n)!;

    // a sync brings more days: the next screen counts them
    expect((await sync("2026-11-04", "2026-11-12")).status).toBe("SUCCEEDED");
    const afterSync = await keptAgrees(db, ws, NOW);
    expect(afterSync.workspaceUsedMicros).toBeGreaterThan(first.workspaceUsedMicros);

    // another process sets a workspace default
    await createPolicy(other, owner, createPolicySchema.parse({ scope: "WORKSPACE", amount: "5" }));
    const withDefault = await keptAgrees(db, ws, NOW);
    expect(withDefault.members.every((m) => m.effective.reason === "workspace default")).toBe(true);

    // a script in another process writes the spender an override that starts in an hour (an
    // instant, not a day: the day and the period stay the same; no audit event moves the version)
    await other.limitPolicy.create({
      data: {
        workspaceId: ws,
        scope: "MEMBER",
        memberId: spender.memberId,
        target: `MEMBER:${spender.memberId}`,
        amountMicros: 900_000_000n,
        startsAt: new Date(NOW.getTime() + HOUR),
      },
    });
    const before = await keptAgrees(db, ws, NOW);
    expect(before.members.find((m) => m.memberId === spender.memberId)!.effective.level).toBe(
      "WORKSPACE",
    );
    const later = await keptAgrees(db, ws, new Date(NOW.getTime() + 2 * HOUR));
    expect(later.members.find((m) => m.memberId === spender.memberId)!.effective).toMatchObject({
      level: "MEMBER",
      limitMicros: 900_000_000n,
    });
    // and back at NOW (another request with an earlier clock): not live again
    expect(
      (await keptAgrees(db, ws, NOW)).members.find((m) => m.memberId === spender.memberId)!
        .effective.level,
    ).toBe("WORKSPACE");

    // another process renames one member and deactivates another
    // (neither the spender, the owner acting nor the manager)
    const [renamed, leaving] = first.members.filter(
      (m) => ![spender.memberId, owner.memberId, managerMember.id].includes(m.memberId),
    );
    await updateMember(other, owner, renamed!.memberId, { name: "Zz Renamed Person" });
    await deactivateMember(other, owner, leaving!.memberId, {}, NOW);
    const people = await keptAgrees(db, ws, NOW);
    expect(people.members.find((m) => m.memberId === renamed!.memberId)!.name).toBe(
      "Zz Renamed Person",
    );
    expect(people.members.some((m) => m.memberId === leaving!.memberId)).toBe(false);

    // the screen: an owner's page, then a manager's (the same kept resolution, narrowed)
    const query = membersQuerySchema.parse({ state: "all", sort: "name" });
    const ownerScreen = await getLimitsOverview(db, owner, NOW, query);
    expect(ownerScreen.counts.members).toBe(people.members.length);
    const managerScreen = await getLimitsOverview(db, manager, NOW, query);
    const theirs = new Set(group.members.map((m) => m.memberId));
    expect(managerScreen.members.map((m) => m.memberId)).toEqual(
      ownerScreen.members.filter((m) => theirs.has(m.memberId)).map((m) => m.memberId),
    );
    expect(managerScreen.counts.members).toBe(
      people.members.filter((m) => theirs.has(m.memberId)).length,
    );
    expect(managerScreen.groups.map((g) => g.groupId)).toEqual([group.id]);
  });
});
