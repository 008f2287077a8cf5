/**
 * Automation as a subject (issue 17): an API key named as a service account gets its spend,
 * an override limits it and the budget check for the key answers from that limit — through
 * the real sync, identity mapping, rollups, limits and budget check, on either engine.
 */
import { describe, expect, it } from "vitest";

import { loadActor } from "@/lib/auth/actor";
import { unmappedIdentities } from "@/lib/connections/identity-mapping";
import { microsToDecimal } from "@/lib/core/money";
import { IdentityResolver } from "@/lib/ingest/identities";
import type { UsageRow } from "@/lib/ingest/types";
import { writeUsagePage } from "@/lib/ingest/write-usage";
import { budgetCheck } from "@/lib/limits/budget-check";
import { loadMemberLimit } from "@/lib/limits/load-effective-limits";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";
import { addServiceAccountSchema, updateMemberSchema } from "@/lib/people/fields";
import { listMembers, updateMember } from "@/lib/people/members";
import { addServiceAccount } from "@/lib/people/service-accounts";
import type { Db } from "@/lib/server/db";

import { TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { addNightlyEvals, automationWorkspace, nightlyEvalsKeys } from "./automation-fixtures";

/** Credits spent this period (November) by the rows reported under a key. */
async function keySpendThisMonth(db: Db, workspaceId: string, key: string) {
  const sum = await db.usageRecord.aggregate({
    where: { workspaceId, apiKey: key, day: { gte: "2026-11-01", lte: TEST_TODAY } },
    _sum: { creditsMicros: true },
  });
  return sum._sum.creditsMicros ?? 0n;
}

describe("service accounts: automation governed like a person", () => {
  it("a key named as a service account gets its spend, an override limits it, and the budget check for the key answers from that limit", async () => {
    const db = await testDb();
    const f = await automationWorkspace(db);
    const keys = await nightlyEvalsKeys(db, f);
    // the simulator reports the key under OpenAI and Anthropic
    expect(keys.map((k) => k.identityProvider).sort()).toEqual(["anthropic", "openai"]);
    const unmappedCost = keys.reduce((s, k) => s + k.costMicros, 0n);
    const before = await budgetCheck(db, f.ws.id, "key_nightly_evals", "", TEST_NOW);
    expect(before.member).toBeNull();

    const svc = await addNightlyEvals(db, f, keys, [f.group.id]);
    expect(svc).toMatchObject({
      kind: "SERVICE",
      owner: { id: f.dev.memberId, name: "Dev One" },
      // the answer goes to the browser: its internal address is not in it (kept in the database)
      email: "",
      groups: [{ id: f.group.id, name: "Automation" }],
      rowsAttributed: keys.reduce((s, k) => s + k.rows, 0),
    });

    // its spend: every row of the key is its, and the rollups say the same
    expect(
      await db.usageRecord.count({
        where: { workspaceId: f.ws.id, apiKey: "key_nightly_evals", memberId: null },
      }),
    ).toBe(0);
    const rolled = await db.usageDailyRollup.aggregate({
      where: { workspaceId: f.ws.id, memberKey: svc.id },
      _sum: { costMicros: true },
    });
    expect(rolled._sum.costMicros).toBe(unmappedCost);
    expect(
      (await unmappedIdentities(db, f.ws.id)).some((u) => u.externalId === "key_nightly_evals"),
    ).toBe(false);

    // an override limits it; the budget check asked about the key answers from that limit
    const spent = await keySpendThisMonth(db, f.ws.id, "key_nightly_evals");
    expect(spent).toBeGreaterThan(0n);
    await createPolicy(
      db,
      f.owner,
      createPolicySchema.parse({ scope: "WORKSPACE", amount: "100000" }),
      TEST_NOW,
    );
    const limitMicros = spent + 250_000_000n; // 250 credits left
    await createPolicy(
      db,
      f.admin,
      createPolicySchema.parse({
        scope: "MEMBER",
        memberId: svc.id,
        amount: microsToDecimal(limitMicros),
      }),
      TEST_NOW,
    );
    const address = (await db.member.findUniqueOrThrow({ where: { id: svc.id } })).email;
    expect(address).toBe("nightly-evals@service.invalid");
    for (const handle of ["key_nightly_evals", address]) {
      const a = await budgetCheck(db, f.ws.id, handle, "", TEST_NOW);
      expect(a).toMatchObject({
        allowed: true,
        member: { id: svc.id },
        limit: microsToDecimal(limitMicros),
        used: microsToDecimal(spent),
        remaining: "250.000000",
        reason: "individual override",
      });
    }
    const limit = await loadMemberLimit(db, f.ws.id, svc.id, "", TEST_NOW);
    expect(limit.effective.limitMicros).toBe(limitMicros);
    // an override below its spend blocks the key
    await createPolicy(
      db,
      f.admin,
      createPolicySchema.parse({ scope: "MEMBER", memberId: svc.id, product: "api", amount: "1" }),
      TEST_NOW,
    );
    expect(await budgetCheck(db, f.ws.id, "key_nightly_evals", "api", TEST_NOW)).toMatchObject({
      allowed: false,
      state: "over",
      limit: "1.000000",
    });

    // the People list tells it apart; its creation, its keys and its limits are audited
    const services = await listMembers(db, f.admin, { status: "active", kind: "services" });
    expect(services.rows.map((r) => r.name)).toEqual(["Nightly evals"]);
    const people = await listMembers(db, f.admin, { status: "active", kind: "people" });
    expect(people.rows.some((r) => r.id === svc.id)).toBe(false);
    const events = await db.auditEvent.findMany({
      where: { workspaceId: f.ws.id, action: { in: ["member.create", "identity.map"] } },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual(["member.create", "identity.map", "identity.map"]);
    expect(JSON.parse(events[0]!.afterJson!)).toMatchObject({
      kind: "SERVICE",
      owner: { id: f.dev.memberId },
    });
  });

  it("never signs in, manages no group, has no role; its owner is an active person and changes audited", async () => {
    const db = await testDb();
    const f = await automationWorkspace(db);
    const svc = await addServiceAccount(
      db,
      f.owner,
      addServiceAccountSchema.parse({ name: "Release bot", ownerId: f.dev.memberId }),
    );
    expect(await loadActor(db, svc.id)).toBeNull();
    await expect(
      updateMember(
        db,
        f.admin,
        svc.id,
        updateMemberSchema.parse({ addManagedGroupIds: [f.group.id] }),
      ),
    ).rejects.toMatchObject({ field: "addManagedGroupIds" });
    await expect(
      updateMember(db, f.owner, svc.id, updateMemberSchema.parse({ role: "ADMIN" })),
    ).rejects.toMatchObject({ field: "role" });
    await expect(
      updateMember(
        db,
        f.admin,
        f.dev.memberId,
        updateMemberSchema.parse({ ownerId: f.admin.memberId }),
      ),
    ).rejects.toMatchObject({ field: "ownerId" });
    // a service account cannot own one, nor can someone outside the workspace
    for (const ownerId of [svc.id, "nobody"])
      await expect(
        addServiceAccount(
          db,
          f.owner,
          addServiceAccountSchema.parse({ name: `Bot of ${ownerId}`, ownerId }),
        ),
      ).rejects.toMatchObject({ field: "ownerId" });
    // the same name twice, and a key that is someone's already, are refused with nothing written
    await expect(
      addServiceAccount(
        db,
        f.owner,
        addServiceAccountSchema.parse({ name: "Release bot", ownerId: f.dev.memberId }),
      ),
    ).rejects.toMatchObject({ field: "name" });
    const key = { identityProvider: "openai", identityKey: "api_key_id:key_release_bot" };
    await addServiceAccount(
      db,
      f.owner,
      addServiceAccountSchema.parse({ name: "Bot A", ownerId: f.dev.memberId, identities: [key] }),
    );
    const count = await db.member.count({ where: { workspaceId: f.ws.id } });
    await expect(
      addServiceAccount(
        db,
        f.owner,
        addServiceAccountSchema.parse({
          name: "Bot B",
          ownerId: f.dev.memberId,
          identities: [key],
        }),
      ),
    ).rejects.toMatchObject({ field: "identities" });
    expect(await db.member.count({ where: { workspaceId: f.ws.id } })).toBe(count);
    // an engineer cannot create one
    await expect(
      addServiceAccount(
        db,
        f.dev,
        addServiceAccountSchema.parse({ name: "Mine", ownerId: f.dev.memberId }),
      ),
    ).rejects.toThrow(/Only owners and admins/);

    await updateMember(
      db,
      f.admin,
      svc.id,
      updateMemberSchema.parse({ ownerId: f.admin.memberId }),
    );
    const owned = await db.member.findUniqueOrThrow({ where: { id: svc.id } });
    expect(owned.ownerId).toBe(f.admin.memberId);
    const event = await db.auditEvent.findFirstOrThrow({
      where: { workspaceId: f.ws.id, action: "member.owner", targetId: svc.id },
    });
    expect(JSON.parse(event.beforeJson!)).toMatchObject({ owner: { id: f.dev.memberId } });
    expect(JSON.parse(event.afterJson!)).toMatchObject({ owner: { id: f.admin.memberId } });
  });

  it("a project stands for the rows reported with no identity: named once, its later rows are its too", async () => {
    const db = await testDb();
    const f = await automationWorkspace(db);
    const row = (day: string, costMicros: bigint): UsageRow => ({
      day,
      provider: "openai",
      identity: null,
      product: "api",
      model: "code-interpreter",
      project: "proj_batch",
      apiKey: "",
      lineItem: "sessions",
      inputTokens: 0n,
      cachedInputTokens: 0n,
      outputTokens: 0n,
      requests: 3n,
      estimatedCostMicros: costMicros,
      costMicros,
      creditsMicros: null,
      unpriced: false,
    });
    const write = (rows: UsageRow[]) =>
      db.$transaction(async (tx) =>
        writeUsagePage(
          tx,
          {
            workspaceId: f.ws.id,
            connectionId: f.connection.id,
            runId: "test",
            usdPerCreditMicros: 40_000n,
            resolver: await IdentityResolver.load(tx, f.ws.id),
          },
          { completeDays: [], rows, nextCursor: null, label: "project rows" },
        ),
      );
    await write([row("2026-11-10", 1_200_000n)]);
    const project = (await unmappedIdentities(db, f.ws.id)).find(
      (u) => u.identityKey === "project_id:proj_batch",
    );
    expect(project).toMatchObject({
      identityProvider: "openai",
      kind: "project_id",
      rows: 1,
      costMicros: 1_200_000n,
    });
    const svc = await addServiceAccount(
      db,
      f.owner,
      addServiceAccountSchema.parse({
        name: "Batch jobs",
        ownerId: f.dev.memberId,
        identities: [{ identityProvider: "openai", identityKey: "project_id:proj_batch" }],
      }),
    );
    expect(svc.rowsAttributed).toBe(1);
    // a later sync's rows of the project resolve to it; keyed rows of the project stay the key's
    await write([
      row("2026-11-11", 800_000n),
      {
        ...row("2026-11-11", 500_000n),
        identity: { provider: "openai", kind: "api_key_id", externalId: "key_someone" },
        apiKey: "key_someone",
      },
    ]);
    const rows = await db.usageRecord.findMany({
      where: { workspaceId: f.ws.id, project: "proj_batch" },
      select: { day: true, apiKey: true, memberId: true },
      orderBy: [{ day: "asc" }, { apiKey: "asc" }],
    });
    expect(rows).toEqual([
      { day: "2026-11-10", apiKey: "", memberId: svc.id },
      { day: "2026-11-11", apiKey: "", memberId: svc.id },
      // a row with a key of its own is the key's: unattributed until the key is named
      { day: "2026-11-11", apiKey: "key_someone", memberId: null },
    ]);
    expect((await budgetCheck(db, f.ws.id, "proj_batch", "", TEST_NOW)).member?.id).toBe(svc.id);
  });
});
