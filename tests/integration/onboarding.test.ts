/** The getting-started checklist: each step ticks when the database says it is done, in order. */
import { describe, expect, it } from "vitest";

import {
  onboardingState,
  seesOnboarding,
  setOnboardingDismissed,
} from "@/lib/onboarding/checklist";

import { TEST_NOW } from "../helpers/clock";
import { makeMember, makeWorkspace, testDb } from "../helpers/db";

const doneIds = (s: Awaited<ReturnType<typeof onboardingState>>) =>
  s.steps.filter((x) => x.done).map((x) => x.id);

describe("onboarding checklist", () => {
  it("starts empty, ticks each step as its data appears, and completes", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const owner = await makeMember(db, ws.id, { role: "OWNER" });
    const eng = await makeMember(db, ws.id);

    let s = await onboardingState(db, ws.id);
    expect(s.steps.map((x) => x.id)).toEqual([
      "connect",
      "identities",
      "default-limit",
      "group-limits",
      "alert-channel",
      "managers",
    ]);
    expect(doneIds(s)).toEqual([]);
    expect(s.steps[1]!.detail).toBe("Waits for a connection's first sync.");
    expect(s).toMatchObject({ doneCount: 0, complete: false, dismissed: false });

    // a connection with usage nobody owns: connected, identities not yet mapped
    const c = await db.connection.create({
      data: { workspaceId: ws.id, kind: "file", name: "Finance export" },
    });
    await db.usageRecord.create({
      data: {
        workspaceId: ws.id,
        connectionId: c.id,
        day: "2026-01-02",
        provider: "openai",
        product: "api",
        identityKey: "user_id:ghost",
        costMicros: 1_000_000n,
      },
    });
    s = await onboardingState(db, ws.id);
    expect(doneIds(s)).toEqual(["connect"]);
    expect(s.steps[0]!.detail).toBe("1 active connection: Finance export");
    expect(s.steps[1]!.detail).toMatch(/^1 provider identity not mapped/);

    // mapped: the row now belongs to someone
    await db.usageRecord.updateMany({ where: { connectionId: c.id }, data: { memberId: eng.id } });
    const group = await db.group.create({
      data: { workspaceId: ws.id, name: "Platform", costCenter: "CC-1" },
    });
    await db.limitPolicy.create({
      data: {
        workspaceId: ws.id,
        scope: "WORKSPACE",
        target: "WORKSPACE",
        amountMicros: 100_000_000n,
      },
    });
    await db.limitPolicy.create({
      data: {
        workspaceId: ws.id,
        scope: "GROUP",
        groupId: group.id,
        target: `GROUP:${group.id}`,
        amountMicros: 200_000_000n,
      },
    });
    s = await onboardingState(db, ws.id);
    expect(doneIds(s)).toEqual(["connect", "identities", "default-limit", "group-limits"]);

    await db.alertChannel.create({
      data: { workspaceId: ws.id, kind: "webhook", name: "Ops", target: "http://127.0.0.1:9/x" },
    });
    await db.groupManager.create({ data: { groupId: group.id, memberId: owner.id } });
    s = await onboardingState(db, ws.id);
    expect(s).toMatchObject({ doneCount: 6, complete: true });

    // an archived or disabled connection is not a connected provider
    await db.connection.update({ where: { id: c.id }, data: { archivedAt: TEST_NOW } });
    s = await onboardingState(db, ws.id);
    expect(doneIds(s)).not.toContain("connect");
    expect(doneIds(s)).not.toContain("identities");
  });

  it("is put away and brought back per workspace", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const other = await makeWorkspace(db);
    await setOnboardingDismissed(db, ws.id, true, TEST_NOW);
    expect((await onboardingState(db, ws.id)).dismissed).toBe(true);
    expect((await onboardingState(db, other.id)).dismissed).toBe(false);
    await setOnboardingDismissed(db, ws.id, false, TEST_NOW);
    expect((await onboardingState(db, ws.id)).dismissed).toBe(false);
  });

  it("is shown to owners and admins only", () => {
    expect(seesOnboarding({ role: "OWNER", managedGroupIds: [] })).toBe(true);
    expect(seesOnboarding({ role: "ADMIN", managedGroupIds: [] })).toBe(true);
    expect(seesOnboarding({ role: "FINANCE", managedGroupIds: [] })).toBe(false);
    expect(seesOnboarding({ role: "MEMBER", managedGroupIds: ["g"] })).toBe(false);
  });
});
