import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { DEMO_CI_SERVICE_ACCOUNTS } from "@/lib/demo/automation";
import { DEMO_TENANTS, type DemoTenant } from "@/lib/demo/seed-demo";
import { loadMemberLimit } from "@/lib/limits/load-effective-limits";

import { TEST_NOW } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { seededDemoTenant } from "../helpers/demo";

// The demo's CI workspace (lib/demo/automation.ts): its API keys named as service accounts with
// owners, through the domain functions, and a limit on one; seeding again changes nothing.

function ciTenant(): DemoTenant {
  const ci = DEMO_TENANTS.find((t) => t.slug === "acme-ci")!;
  return { ...ci, slug: `ci-${randomUUID().slice(0, 8)}`, days: 10 };
}

describe("the demo's CI workspace", () => {
  it("names every key as a service account with an owner and limits one", async () => {
    const db = await testDb();
    const t = ciTenant();
    const { ws, log, again } = await seededDemoTenant(db, t);
    const services = await db.member.findMany({
      where: { workspaceId: ws.id, kind: "SERVICE" },
      select: {
        id: true,
        name: true,
        owner: { select: { email: true } },
        identities: { select: { provider: true, kind: true, externalId: true } },
      },
      orderBy: { name: "asc" },
    });
    expect(services.map((s) => [s.name, s.owner?.email])).toEqual(
      DEMO_CI_SERVICE_ACCOUNTS.map((a) => [a.name, a.ownerEmail]),
    );
    for (const [i, s] of services.entries())
      expect(s.identities.map((x) => `${x.provider} ${x.kind} ${x.externalId}`).sort()).toEqual([
        `anthropic api_key_id ${DEMO_CI_SERVICE_ACCOUNTS[i]!.key}`,
        `openai api_key_id ${DEMO_CI_SERVICE_ACCOUNTS[i]!.key}`,
      ]);
    // all of the workspace's spend has a name now
    expect(await db.usageRecord.count({ where: { workspaceId: ws.id, memberId: null } })).toBe(0);
    const limited = DEMO_CI_SERVICE_ACCOUNTS.find((a) => a.limit)!;
    const evals = services.find((s) => s.name === limited.name)!;
    const limit = await loadMemberLimit(db, ws.id, evals.id, "", TEST_NOW);
    expect(limit.effective.limitMicros).toBe(BigInt(limited.limit!.amount) * 1_000_000n);
    expect(limit.effective.reason).toMatch(/^individual override/);
    expect(log).toContain(`${t.slug}: 3 service accounts, 1 with a limit`);
    const audit = await db.auditEvent.groupBy({
      by: ["action"],
      where: {
        workspaceId: ws.id,
        action: { in: ["member.create", "identity.map", "limit.create"] },
      },
      _count: true,
      orderBy: { action: "asc" },
    });
    expect(audit).toEqual([
      { action: "identity.map", _count: 6 },
      { action: "limit.create", _count: 1 },
      { action: "member.create", _count: 3 },
    ]);

    await again();
    expect(await db.member.count({ where: { workspaceId: ws.id, kind: "SERVICE" } })).toBe(3);
    expect(log.at(-1)).toContain("service accounts already named");
  }, 120_000);

  it("governance: false leaves the keys unnamed (the main e2e suite names its own)", async () => {
    const db = await testDb();
    const t = { ...ciTenant(), days: 2 };
    const { ws } = await seededDemoTenant(db, t, { governance: false });
    expect(await db.member.count({ where: { workspaceId: ws.id, kind: "SERVICE" } })).toBe(0);
    expect(
      await db.usageRecord.count({ where: { workspaceId: ws.id, memberId: null } }),
    ).toBeGreaterThan(0);
  }, 60_000);
});
