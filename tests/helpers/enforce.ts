/** Shared set-up for the enforcement integration tests: a workspace with limits and a connector to a fake vendor. */
import type { Actor } from "@/lib/auth/actor";
import { connectVendor, updateConnectorSettings, type Vendor } from "@/lib/enforce/connectors";
import type { Db } from "@/lib/server/db";

import { makeMember, makeWorkspace } from "./db";

export const OWNER_AUDIT = { memberId: null, label: "owner@test" };

/**
 * How long a test lets the vendor queue drain (drainQueue / runEnforcementTick budgetMs): the
 * work is a few local calls, but a busy machine must not cut it short, so the bound is the
 * test's own timeout (60 s) rather than the app's 10 s default.
 */
export const DRAIN_BUDGET_MS = 45_000;

export function actorOf(
  m: { id: string; workspaceId: string; email: string; name: string; role: string },
  managedGroupIds: string[] = [],
): Actor {
  return {
    memberId: m.id,
    workspaceId: m.workspaceId,
    workspaceSlug: "t",
    workspaceName: "t",
    email: m.email,
    name: m.name,
    role: m.role as Actor["role"],
    managedGroupIds,
  };
}

export async function policy(
  db: Db,
  workspaceId: string,
  target: string,
  amount: bigint,
  extra: { groupId?: string; memberId?: string; expiresAt?: Date } = {},
) {
  const scope =
    target === "WORKSPACE" ? "WORKSPACE" : target.startsWith("GROUP:") ? "GROUP" : "MEMBER";
  return db.limitPolicy.create({
    data: {
      workspaceId,
      scope,
      target,
      amountMicros: amount * 1_000_000n,
      groupId: extra.groupId ?? null,
      memberId: extra.memberId ?? null,
      expiresAt: extra.expiresAt ?? null,
    },
  });
}

/** A USD workspace: default 500, group Platform 800 (bob, eve), alice override 1,200 until `aliceUntil`. */
export async function limitsWorkspace(
  db: Db,
  aliceUntil: Date,
  budgetUnit: "USD" | "CREDITS" = "USD",
) {
  const ws = await makeWorkspace(db, { budgetUnit });
  const tag = ws.slug;
  const owner = await makeMember(db, ws.id, { email: `owner-${tag}@acme.test`, role: "OWNER" });
  const people = {
    alice: await makeMember(db, ws.id, { email: `alice-${tag}@acme.test`, name: "Alice" }),
    bob: await makeMember(db, ws.id, { email: `bob-${tag}@acme.test`, name: "Bob" }),
    carol: await makeMember(db, ws.id, { email: `carol-${tag}@acme.test`, name: "Carol" }),
    eve: await makeMember(db, ws.id, { email: `eve-${tag}@acme.test`, name: "Eve" }),
    frank: await makeMember(db, ws.id, { email: `frank-${tag}@acme.test`, name: "Frank" }),
  };
  const manager = await makeMember(db, ws.id, {
    email: `manager-${tag}@acme.test`,
    name: "Manny",
    role: "MEMBER",
  });
  const group = await db.group.create({
    data: { workspaceId: ws.id, name: "Platform", costCenter: "CC-1" },
  });
  for (const m of [people.bob, people.eve])
    await db.groupMember.create({ data: { groupId: group.id, memberId: m.id } });
  await db.groupManager.create({ data: { groupId: group.id, memberId: manager.id } });
  await policy(db, ws.id, "WORKSPACE", 500n);
  await policy(db, ws.id, `GROUP:${group.id}`, 800n, { groupId: group.id });
  await policy(db, ws.id, `MEMBER:${people.alice.id}`, 1200n, {
    memberId: people.alice.id,
    expiresAt: aliceUntil,
  });
  return { ws, owner, manager, group, people, tag };
}

export async function connect(
  db: Db,
  workspaceId: string,
  vendor: Vendor,
  baseUrl: string,
  apiKey: string,
  vendorWorkspaceId?: string,
) {
  const c = await connectVendor(db, workspaceId, OWNER_AUDIT, {
    vendor,
    baseUrl,
    apiKey,
    vendorWorkspaceId,
  });
  return updateConnectorSettings(db, workspaceId, OWNER_AUDIT, c.id, { enabled: true });
}
