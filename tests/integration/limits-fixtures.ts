/** Shared fixtures for the limits and requests integration tests (each test builds its own workspace). */
import type { Actor } from "@/lib/auth/actor";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";
import type { Db } from "@/lib/server/db";

import { makeMember, makeWorkspace } from "../helpers/db";

export function actorOf(
  m: { id: string; workspaceId: string; email: string; name: string; role: Actor["role"] },
  managedGroupIds: string[] = [],
): Actor {
  return {
    memberId: m.id,
    workspaceId: m.workspaceId,
    workspaceSlug: "t",
    workspaceName: "Test",
    email: m.email,
    name: m.name,
    role: m.role,
    managedGroupIds,
  };
}

/** A workspace with an owner, an admin, a finance analyst, a manager of Platform and two engineers in Platform. */
export async function limitsWorkspace(db: Db, opts: { timezone?: string } = {}) {
  const ws = await makeWorkspace(db, { timezone: opts.timezone ?? "UTC" });
  const [owner, admin, finance, manager, eng, eng2] = await Promise.all([
    makeMember(db, ws.id, { role: "OWNER" }),
    makeMember(db, ws.id, { role: "ADMIN" }),
    makeMember(db, ws.id, { role: "FINANCE" }),
    makeMember(db, ws.id, { role: "MEMBER" }),
    makeMember(db, ws.id, { role: "MEMBER" }),
    makeMember(db, ws.id, { role: "MEMBER" }),
  ]);
  const { platform, mobile } = await platformAndMobile(db, ws.id, {
    platform: [eng.id, eng2.id, manager.id],
    mobile: [eng2.id],
    platformManager: manager.id,
  });
  return {
    ws,
    platform,
    mobile,
    owner: actorOf(owner),
    admin: actorOf(admin),
    finance: actorOf(finance),
    manager: actorOf(manager, [platform.id]),
    eng: actorOf(eng),
    eng2: actorOf(eng2),
  };
}

/** limitsWorkspace with Platform's group limit of 800 credits, set by the admin: where the requests tests start. */
export async function platformLimitWorkspace(db: Db) {
  const f = await limitsWorkspace(db);
  await createPolicy(
    db,
    f.admin,
    createPolicySchema.parse({ scope: "GROUP", groupId: f.platform.id, amount: "800" }),
  );
  return f;
}

/** Two groups, Platform (CC-1) and Mobile (CC-2), with these members and one manager of Platform. */
export async function platformAndMobile(
  db: Db,
  workspaceId: string,
  people: { platform: string[]; mobile: string[]; platformManager: string },
) {
  const platform = await db.group.create({
    data: { workspaceId, name: "Platform", costCenter: "CC-1" },
  });
  const mobile = await db.group.create({
    data: { workspaceId, name: "Mobile", costCenter: "CC-2" },
  });
  await db.groupMember.createMany({
    data: [
      ...people.platform.map((memberId) => ({ groupId: platform.id, memberId })),
      ...people.mobile.map((memberId) => ({ groupId: mobile.id, memberId })),
    ],
  });
  await db.groupManager.create({
    data: { groupId: platform.id, memberId: people.platformManager },
  });
  return { platform, mobile };
}

/** Usage in credits (whole units) on a UTC day for a member. */
export async function addUsage(
  db: Db,
  workspaceId: string,
  memberId: string,
  day: string,
  credits: bigint,
  product = "codex",
) {
  const amounts = { creditsMicros: credits * 1_000_000n, costMicros: credits * 40_000n };
  const key = { workspaceId, memberKey: memberId, product, model: "m", provider: "simulator" };
  // both rollups, as the sync keeps them (the month table is the daily one summed by month)
  await db.usageDailyRollup.create({ data: { ...key, day, ...amounts } });
  await db.usageMemberMonth.upsert({
    where: {
      workspaceId_month_memberKey_product_model_provider: { ...key, month: day.slice(0, 7) },
    },
    create: { ...key, month: day.slice(0, 7), ...amounts },
    update: {
      creditsMicros: { increment: amounts.creditsMicros },
      costMicros: { increment: amounts.costMicros },
    },
  });
}
