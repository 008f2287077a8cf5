import { describe, expect, it } from "vitest";

import { ForbiddenError } from "@/lib/core/errors";
import { getLimitsOverview } from "@/lib/limits/limits-screen";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";

import { TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { addUsage, limitsWorkspace } from "./limits-fixtures";

const NOW = TEST_NOW;
const today = TEST_TODAY;

describe("limits overview", () => {
  it("admins see everyone; managers only their groups' members and spend; engineers nothing", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    await createPolicy(
      db,
      f.admin,
      createPolicySchema.parse({
        scope: "GROUP",
        groupId: f.platform.id,
        amount: "100",
        poolCap: "1000",
      }),
    );
    await addUsage(db, f.ws.id, f.eng.memberId, today, 120n);
    await addUsage(db, f.ws.id, f.finance.memberId, today, 999n);
    const admin = await getLimitsOverview(db, f.admin, NOW);
    expect(admin.counts.members).toBe(6);
    expect(admin.counts.over).toBe(1);
    expect(admin.workspaceUsedMicros).toBe(1119n * 1_000_000n);
    expect(admin.readOnly).toEqual({ workspace: true, groupsAndMembers: false });
    expect(admin.groups.find((g) => g.groupId === f.platform.id)?.usedPct).toBe(12);

    const mgr = await getLimitsOverview(db, f.manager, NOW);
    expect(mgr.members.map((m) => m.memberId).sort()).toEqual(
      [f.eng.memberId, f.eng2.memberId, f.manager.memberId].sort(),
    );
    expect(mgr.workspaceUsedMicros).toBe(120n * 1_000_000n);
    expect(mgr.groups.map((g) => g.name)).toEqual(["Platform"]);
    expect(mgr.readOnly.groupsAndMembers).toBe(true);
    expect(mgr.canSeeHistory).toBe(false);

    const fin = await getLimitsOverview(db, f.finance, NOW);
    expect(fin.readOnly).toEqual({ workspace: true, groupsAndMembers: true });
    await expect(getLimitsOverview(db, f.eng, NOW)).rejects.toBeInstanceOf(ForbiddenError);
  });
});
