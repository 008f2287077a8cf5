import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createConnection, listConnections, syncConnection } from "@/lib/connections/connections";
import { mapIdentity, unmappedIdentities } from "@/lib/connections/identity-mapping";
import { reconciliation } from "@/lib/connections/reconciliation";
import { addRateCardVersion } from "@/lib/ratecard/rate-card-entries";

import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import { makeMember, makeWorkspace, testDb } from "../helpers/db";

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
});
const actor = { memberId: null, label: "test" };

describe("connections, reconciliation and identity mapping", () => {
  it("stores the key encrypted, maps users by email, reconciles to the bill, and maps a ghost user in one transaction", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db, { budgetUnit: "USD" });
    const alice = await makeMember(db, ws.id, { email: "alice@acme.example" });
    const owner = await makeMember(db, ws.id, { email: "owner@acme.example", role: "OWNER" });
    const dto = await createConnection(
      db,
      ws.id,
      { kind: "openai", name: "OpenAI", baseUrl: fake.openaiBase, apiKey: "sk-admin-fake-openai" },
      actor,
    );
    expect(dto.keyMasked).toBe("••••enai");
    expect(JSON.stringify(await listConnections(db, ws.id))).not.toContain("sk-admin");
    const stored = await db.connection.findUniqueOrThrow({ where: { id: dto.id } });
    expect(stored.encryptedKey).not.toContain("sk-admin");
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { workspaceId: ws.id, action: "connection.create" },
    });
    expect(audit.afterJson).not.toContain("sk-admin");

    const result = await syncConnection(db, ws.id, dto.id, {
      since: "2026-11-01",
      until: "2026-11-10",
      now: new Date("2026-11-11T00:00:00Z"),
    });
    expect(result.status).toBe("SUCCEEDED");
    expect(
      await db.usageRecord.count({ where: { workspaceId: ws.id, memberId: alice.id } }),
    ).toBeGreaterThan(0);

    const recon = await reconciliation(db, ws.id, { start: "2026-11-01", end: "2026-11-10" });
    expect(recon).toHaveLength(10);
    const nov5 = recon.find((r) => r.day === "2026-11-05")!;
    expect(nov5.billedMicros).toBe(8_421_806n);
    expect(nov5.deltaMicros < 0n).toBe(true); // billed 3% below list price that day
    expect(nov5.allocatedMicros + nov5.unattributedMicros).toBe(nov5.billedMicros);

    const unmapped = await unmappedIdentities(db, ws.id);
    const ghost = unmapped.find((u) => u.identityKey === "user_id:user_ghost")!;
    expect(ghost.costMicros).toBeGreaterThan(0n);
    const before = await db.usageDailyRollup.aggregate({
      where: { workspaceId: ws.id, memberKey: owner.id },
      _sum: { costMicros: true },
    });
    expect(before._sum.costMicros ?? 0n).toBe(0n);

    const mapped = await mapIdentity(
      db,
      ws.id,
      { identityProvider: "openai", identityKey: "user_id:user_ghost", memberId: owner.id },
      actor,
    );
    expect(mapped.rows).toBe(ghost.rows);
    const after = await db.usageDailyRollup.aggregate({
      where: { workspaceId: ws.id, memberKey: owner.id },
      _sum: { costMicros: true },
    });
    expect(after._sum.costMicros).toBe(ghost.costMicros);
    expect(
      (await unmappedIdentities(db, ws.id)).some((u) => u.identityKey === "user_id:user_ghost"),
    ).toBe(false);
    expect(
      await db.auditEvent.count({ where: { workspaceId: ws.id, action: "identity.map" } }),
    ).toBe(1);

    // the next sync keeps the mapping (it resolves through MemberIdentity)
    await syncConnection(db, ws.id, dto.id, {
      since: "2026-11-01",
      until: "2026-11-10",
      now: new Date("2026-11-11T00:00:00Z"),
    });
    const again = await db.usageDailyRollup.aggregate({
      where: { workspaceId: ws.id, memberKey: owner.id },
      _sum: { costMicros: true },
    });
    expect(again._sum.costMicros).toBe(ghost.costMicros);
  });

  it("an owner's rate-card version re-prices the days from its date on; the bill stays the bill", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db, { budgetUnit: "USD" });
    const dto = await createConnection(
      db,
      ws.id,
      { kind: "openai", name: "OpenAI", baseUrl: fake.openaiBase, apiKey: "sk-admin-fake-openai" },
      actor,
    );
    const opts = {
      since: "2026-11-01",
      until: "2026-11-10",
      now: new Date("2026-11-11T00:00:00Z"),
    };
    await syncConnection(db, ws.id, dto.id, opts);
    const sums = async (day: { gte?: string; lt?: string }) =>
      (
        await db.usageRecord.aggregate({
          where: { workspaceId: ws.id, model: "gpt-5", day },
          _sum: { estimatedCostMicros: true, costMicros: true },
        })
      )._sum;
    const early = await sums({ lt: "2026-11-06" });
    const late = await sums({ gte: "2026-11-06" });
    await addRateCardVersion(
      db,
      ws.id,
      {
        model: "gpt-5",
        effectiveFrom: "2026-11-06",
        inputPerMTok: "2.5",
        cachedInputPerMTok: "0.25",
        outputPerMTok: "20",
      },
      actor,
    );
    await expect(
      addRateCardVersion(
        db,
        ws.id,
        {
          model: "gpt-5",
          effectiveFrom: "2026-11-06",
          inputPerMTok: "1",
          cachedInputPerMTok: "1",
          outputPerMTok: "1",
        },
        actor,
      ),
    ).rejects.toThrow(/already has a price/);
    const resync = await syncConnection(db, ws.id, dto.id, opts);
    expect(resync.status).toBe("SUCCEEDED");
    expect(await sums({ lt: "2026-11-06" })).toEqual(early);
    const repriced = await sums({ gte: "2026-11-06" });
    // doubled prices: twice the estimate, give or take the half-even rounding of each row
    const diff = repriced.estimatedCostMicros! - late.estimatedCostMicros! * 2n;
    expect(diff >= -50n && diff <= 50n).toBe(true);
    const billed = await db.usageRecord.aggregate({
      where: { workspaceId: ws.id },
      _sum: { costMicros: true },
    });
    expect(billed._sum.costMicros).toBe(108_569_107n);
    expect(
      await db.auditEvent.count({ where: { workspaceId: ws.id, action: "ratecard.add" } }),
    ).toBe(1);
  });

  it("refuses a member of another workspace (404)", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const other = await makeWorkspace(db);
    const stranger = await makeMember(db, other.id);
    await expect(
      mapIdentity(
        db,
        ws.id,
        { identityProvider: "openai", identityKey: "user_id:x", memberId: stranger.id },
        actor,
      ),
    ).rejects.toThrow(/not found/i);
  });
});
