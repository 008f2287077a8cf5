import { afterEach, describe, expect, it } from "vitest";

import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from "@/lib/core/errors";
import { addDays } from "@/lib/core/period";
import { loadMemberLimit, loadWorkspaceLimits } from "@/lib/limits/load-effective-limits";
import { createPolicySchema, updatePolicySchema } from "@/lib/limits/policy-input";
import { createPolicy, deletePolicy, policyHistory, updatePolicy } from "@/lib/limits/write-policy";
import { resetEnvCache } from "@/lib/server/env";

import { daysFrom, TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { addUsage, limitsWorkspace } from "./limits-fixtures";

const M = 1_000_000n;
const NOW = TEST_NOW;
const today = TEST_TODAY;
const c = (v: Record<string, unknown>) => createPolicySchema.parse(v);
const u = (v: Record<string, unknown>) => updatePolicySchema.parse(v);

afterEach(() => resetEnvCache());

describe("limit policies", () => {
  it("resolves default → group → override and shows the reason; usage from the rollups", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    await addUsage(db, f.ws.id, f.eng.memberId, today, 100n);
    await addUsage(db, f.ws.id, f.eng.memberId, today, 50n, "api");
    await createPolicy(db, f.owner, c({ scope: "WORKSPACE", amount: "500" }));
    let r = await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", NOW);
    expect(r.effective.limitMicros).toBe(500n * M);
    expect(r.effective.usedMicros).toBe(150n * M);
    expect(r.effective.reason).toBe("workspace default");

    await createPolicy(db, f.admin, c({ scope: "GROUP", groupId: f.platform.id, amount: "800" }));
    r = await loadMemberLimit(db, f.ws.id, f.eng.memberId, "codex", NOW);
    expect(r.effective.limitMicros).toBe(800n * M);
    expect(r.effective.reason).toBe("group Platform");

    const until = addDays(today, 10);
    await createPolicy(
      db,
      f.admin,
      c({ scope: "MEMBER", memberId: f.eng.memberId, amount: "1,200", expiresOn: until }),
    );
    r = await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", NOW);
    expect(r.effective.limitMicros).toBe(1200n * M);
    expect(r.effective.reason).toBe(`individual override until ${until}`);
    // past the expiry the group limit is back
    const later = await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", daysFrom(NOW, 12));
    expect(later.effective.reason).toBe("group Platform");

    // unknown member: the workspace default, and the reason says so
    const unknown = await loadMemberLimit(db, f.ws.id, null, "", NOW);
    expect(unknown.effective.limitMicros).toBe(500n * M);
    expect(unknown.effective.reason).toBe("unknown member: workspace default applies");

    const all = await loadWorkspaceLimits(db, f.ws.id, NOW);
    const eng = all.members.find((m) => m.memberId === f.eng.memberId)!;
    expect(eng.effective.limitMicros).toBe(1200n * M);
    const eng2 = all.members.find((m) => m.memberId === f.eng2.memberId)!;
    expect(eng2.effective.reason).toBe("group Platform");
    expect(all.groups.find((g) => g.groupId === f.platform.id)!.usedMicros).toBe(150n * M);
  });

  it("applies a group's pooled cap on top of the own limit", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    await createPolicy(
      db,
      f.admin,
      c({ scope: "GROUP", groupId: f.platform.id, amount: "800", poolCap: "100" }),
    );
    await addUsage(db, f.ws.id, f.eng2.memberId, today, 100n);
    const r = await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", NOW);
    expect(r.effective.state).toBe("over");
    expect(r.effective.allowed).toBe(false);
    expect(r.effective.reason).toContain("group Platform pool exhausted");
  });

  it("refuses a stale edit with who changed it, and audits before/after", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    const p = await createPolicy(
      db,
      f.admin,
      c({ scope: "GROUP", groupId: f.platform.id, amount: "800" }),
    );
    const edited = await updatePolicy(db, f.owner, p.id, u({ version: p.version, amount: "900" }));
    expect(edited.version).toBe(2);
    const stale = updatePolicy(db, f.admin, p.id, u({ version: p.version, amount: "1000" }));
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toThrow(new RegExp(`changed by ${f.owner.email} at .* — reload`));
    expect((await db.limitPolicy.findUniqueOrThrow({ where: { id: p.id } })).amountMicros).toBe(
      900n * M,
    );
    const history = await policyHistory(db, f.ws.id, p.id);
    expect(history.map((h) => h.action)).toEqual(["limit.update", "limit.create"]);
    expect(history[0]!.before).toContain('"amountMicros":"800000000"');
    expect(history[0]!.after).toContain('"amountMicros":"900000000"');
    // a second create for the same target is a conflict, not an overwrite
    await expect(
      createPolicy(db, f.admin, c({ scope: "GROUP", groupId: f.platform.id, amount: "5" })),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(deletePolicy(db, f.admin, p.id, 1)).rejects.toBeInstanceOf(ConflictError);
    await deletePolicy(db, f.admin, p.id, 2);
    expect(await db.limitPolicy.count({ where: { id: p.id } })).toBe(0);
  });

  it("validates with clear messages", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    const bad = async (v: Record<string, unknown>, msg: RegExp) => {
      const p = createPolicy(db, f.admin, c(v));
      await expect(p).rejects.toBeInstanceOf(InvalidInputError);
      await expect(p).rejects.toThrow(msg);
    };
    await bad({ scope: "MEMBER", memberId: f.eng.memberId, amount: "0" }, /more than zero/);
    await bad({ scope: "MEMBER", memberId: f.eng.memberId, amount: "-5" }, /more than zero/);
    await bad({ scope: "MEMBER", memberId: f.eng.memberId, amount: "abc" }, /must be a number/);
    await bad({ scope: "MEMBER", memberId: f.eng.memberId, amount: "1000000000" }, /at most/);
    await bad(
      { scope: "MEMBER", memberId: f.eng.memberId, amount: "5", softThresholdPct: 0 },
      /between 1 and 100/,
    );
    await bad(
      { scope: "MEMBER", memberId: f.eng.memberId, amount: "5", softThresholdPct: 101 },
      /between 1 and 100/,
    );
    await bad(
      {
        scope: "MEMBER",
        memberId: f.eng.memberId,
        amount: "5",
        startsOn: "2030-02-01",
        expiresOn: "2030-01-01",
      },
      /after the start/,
    );
    await bad({ scope: "GROUP", groupId: f.platform.id }, /per-member limit, a pooled cap/);
  });

  it("enforces who may write which level, and hides other workspaces", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    const g = await limitsWorkspace(db);
    await expect(
      createPolicy(db, f.admin, c({ scope: "WORKSPACE", amount: "500" })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    for (const who of [f.eng, f.finance, f.manager]) {
      await expect(
        createPolicy(db, who, c({ scope: "GROUP", groupId: f.platform.id, amount: "5" })),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    await expect(
      createPolicy(db, f.admin, c({ scope: "GROUP", groupId: g.platform.id, amount: "5" })),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      createPolicy(db, f.admin, c({ scope: "MEMBER", memberId: g.eng.memberId, amount: "5" })),
    ).rejects.toBeInstanceOf(NotFoundError);
    const theirs = await createPolicy(
      db,
      g.admin,
      c({ scope: "GROUP", groupId: g.platform.id, amount: "5" }),
    );
    await expect(
      updatePolicy(db, f.admin, theirs.id, u({ version: 1, amount: "6" })),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
