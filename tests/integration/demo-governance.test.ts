import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { addDays } from "@/lib/core/period";
import type { DemoTenant } from "@/lib/demo/seed-demo";
import { loadMemberLimit } from "@/lib/limits/load-effective-limits";

import { TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { seededDemoTenant } from "../helpers/demo";

// The governed demo (lib/demo/governance.ts) on a smaller copy of the demo enterprise: every
// limit, request and decision went through the domain functions, so each has its audit event;
// dates follow the seed's "today"; a second seed leaves it as it is; governance: false seeds
// usage only.

function tenant(): DemoTenant {
  return {
    slug: `demo-${randomUUID().slice(0, 8)}`,
    name: "Demo test",
    days: 30,
    governed: true,
    config: {
      seed: 42,
      domain: "acme.example",
      members: 120,
      groups: 15,
      usdPerCreditMicros: 40_000n,
      demoPeople: true,
      automationOnly: false,
    },
  };
}

describe("the governed demo", () => {
  it("sets limits, overrides, requests and alerts up through the domain, with their audit events", async () => {
    const db = await testDb();
    const t = tenant();
    const { ws, log, again } = await seededDemoTenant(db, t);
    const policies = await db.limitPolicy.findMany({ where: { workspaceId: ws.id } });
    // default + 4 group limits + 2 overrides + the grants of the 2 approved requests
    expect(policies).toHaveLength(9);
    expect(policies.filter((p) => p.slot.startsWith("request:"))).toHaveLength(2);
    const requests = await db.creditRequest.findMany({
      where: { workspaceId: ws.id },
      orderBy: { id: "asc" },
    });
    expect(requests.map((r) => r.status)).toEqual([
      "APPROVED",
      "APPROVED",
      "DENIED",
      "PENDING",
      "PENDING",
      "PENDING",
    ]);
    expect(new Set(requests.map((r) => r.requesterId)).size).toBe(6);
    // filed at different times, all before "now"
    const filed = requests.map((r) => r.createdAt.getTime());
    expect(new Set(filed).size).toBe(6);
    expect(Math.max(...filed)).toBeLessThan(TEST_NOW.getTime());
    expect(requests[1]!.grantedMicros).toBe(2_000_000_000n);

    const audit = await db.auditEvent.groupBy({
      by: ["action"],
      where: { workspaceId: ws.id, action: { startsWith: "limit." } },
      _count: true,
    });
    expect(audit).toEqual([{ action: "limit.create", _count: 9 }]);
    const decisions = await db.auditEvent.findMany({
      where: { workspaceId: ws.id, action: { startsWith: "request." } },
      select: { action: true, actorLabel: true },
      orderBy: { id: "asc" },
    });
    expect(decisions.filter((d) => d.action === "request.file")).toHaveLength(6);
    expect(decisions.filter((d) => d.action !== "request.file")).toEqual([
      { action: "request.approve", actorLabel: "manager@acme.example" },
      { action: "request.approve", actorLabel: "admin@acme.example" },
      { action: "request.deny", actorLabel: "admin@acme.example" },
    ]);

    // the engineer's override ends in three days; the manager's starts in five
    const eng = await db.member.findFirstOrThrow({
      where: { workspaceId: ws.id, email: "engineer@acme.example" },
    });
    const mine = await loadMemberLimit(db, ws.id, eng.id, "", TEST_NOW);
    expect(mine.effective.limitMicros).toBe(4_800_000_000n);
    expect(mine.effective.reason).toMatch(
      new RegExp(`^individual override until ${addDays(TEST_TODAY, 3)} — auth-service migration`),
    );
    const mgr = await db.member.findFirstOrThrow({
      where: { workspaceId: ws.id, email: "manager@acme.example" },
    });
    const scheduled = policies.find((p) => p.memberId === mgr.id && p.slot === "")!;
    expect(scheduled.startsAt!.getTime()).toBeGreaterThan(TEST_NOW.getTime());
    expect((await loadMemberLimit(db, ws.id, mgr.id, "", TEST_NOW)).effective.reason).toBe(
      "group Platform",
    );
    const alerts = await db.alert.count({ where: { workspaceId: ws.id, status: "OPEN" } });
    expect(
      log.some((l) => l.includes(`governance — 9 limits`) && l.includes(`${alerts} alerts`)),
    ).toBe(true);

    // seeding again leaves the governance as it is
    await again();
    expect(await db.limitPolicy.count({ where: { workspaceId: ws.id } })).toBe(9);
    expect(await db.creditRequest.count({ where: { workspaceId: ws.id } })).toBe(6);
    expect(log.at(-1)).toContain("governance already set up");
  }, 180_000);

  it("governance: false loads the usage only", async () => {
    const db = await testDb();
    const t = { ...tenant(), days: 3, config: { ...tenant().config, members: 10, groups: 3 } };
    const { ws } = await seededDemoTenant(db, t, { governance: false });
    expect(await db.usageRecord.count({ where: { workspaceId: ws.id } })).toBeGreaterThan(0);
    expect(await db.limitPolicy.count({ where: { workspaceId: ws.id } })).toBe(0);
    expect(await db.creditRequest.count({ where: { workspaceId: ws.id } })).toBe(0);
    expect(await db.alert.count({ where: { workspaceId: ws.id } })).toBe(0);
  }, 60_000);
});
