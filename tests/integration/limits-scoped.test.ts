/**
 * The group page computes effective limits for the members it shows only
 * (loadSomeMemberLimits, getMemberLimits); the Limits screen and the connectors compute the
 * whole workspace (loadWorkspaceLimits). For a generated workspace — a synced simulator
 * directory and usage, a workspace default with a workspace pool, group limits with and
 * without pools, two groups tied on the same amount, overrides active, expired and not yet
 * started, a request's grant beside an override, a deactivated member, a newcomer whose short
 * history falls back to their group's — every member's row must be the same either way: the
 * effective limit, its source and reason, the remaining amount, the pools and the projection;
 * on a monthly budget (the member-month rollup) and a weekly one in USD (the daily rollup).
 */
import { describe, expect, it } from "vitest";

import { addDays } from "@/lib/core/period";
import { runSync } from "@/lib/ingest/sync";
import {
  getLimitsOverview,
  getMemberLimits,
  memberLimitView,
  type MemberRow,
} from "@/lib/limits/limits-screen";
import {
  loadSomeMemberLimits,
  loadWorkspaceEffectiveLimits,
  loadWorkspaceLimits,
  projectMemberLimits,
  type WorkspaceMemberLimit,
} from "@/lib/limits/load-effective-limits";
import {
  MEMBER_SORTS,
  MEMBER_STATES,
  MEMBERS_PAGE_SIZE,
  type MembersQuery,
} from "@/lib/limits/members-query";
import type { Db } from "@/lib/server/db";

import { TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { makeMember, testDb } from "../helpers/db";
import { simulatedWorkspace } from "../helpers/simulator";
import { actorOf, addUsage } from "./limits-fixtures";

const M = 1_000_000n;
const NOW = TEST_NOW;
const DAY_MS = 86_400_000;

async function generatedWorkspace(db: Db, members = 36, days = 70) {
  const sim = await simulatedWorkspace(db, { members, endDay: TEST_TODAY, seed: 21 });
  const res = await runSync({
    db,
    connectionId: sim.connection.id,
    adapter: sim.adapter,
    window: { start: addDays(TEST_TODAY, -days), end: TEST_TODAY },
  });
  expect(res.status).toBe("SUCCEEDED");
  const workspaceId = sim.workspace.id;
  const groups = await db.group.findMany({
    where: { workspaceId },
    orderBy: { name: "asc" },
    include: { members: { orderBy: { memberId: "asc" } } },
  });
  expect(groups.length).toBeGreaterThanOrEqual(3);
  const [g0, g1, g2] = groups as [(typeof groups)[0], (typeof groups)[0], (typeof groups)[0]];
  // a group tied with g1 on the amount, holding some of g0's and g1's people
  const tie = await db.group.create({ data: { workspaceId, name: "Tie", costCenter: "CC-T" } });
  const tied = [
    ...new Set([...g0.members.slice(0, 3), ...g1.members.slice(0, 2)].map((m) => m.memberId)),
  ];
  await db.groupMember.createMany({
    data: tied.map((memberId) => ({ groupId: tie.id, memberId })),
  });
  // a newcomer in g2 with two days of usage: their projection falls back to g2's per member
  const newcomer = await makeMember(db, workspaceId, { name: "Nina Newcomer" });
  await db.groupMember.create({ data: { groupId: g2.id, memberId: newcomer.id } });
  await addUsage(db, workspaceId, newcomer.id, addDays(TEST_TODAY, -1), 30n);
  await addUsage(db, workspaceId, newcomer.id, TEST_TODAY, 45n);

  const people = (
    await db.member.findMany({ where: { workspaceId }, orderBy: { email: "asc" } })
  ).map((m) => m.id);
  const at = (days: number) => new Date(NOW.getTime() + days * DAY_MS);
  const policy = (
    p: {
      scope: "WORKSPACE" | "GROUP" | "MEMBER";
      groupId?: string;
      memberId?: string;
      amount?: bigint | null;
      pool?: bigint;
      product?: string;
      slot?: string;
      startsAt?: Date;
      expiresAt?: Date;
      sourceRequestId?: number;
    },
    i: number,
  ) => ({
    id: `pol-${workspaceId}-${String(i).padStart(2, "0")}`,
    workspaceId,
    scope: p.scope,
    groupId: p.groupId ?? null,
    memberId: p.memberId ?? null,
    product: p.product ?? "",
    amountMicros: p.amount === undefined ? null : p.amount === null ? null : p.amount * M,
    poolCapMicros: p.pool === undefined ? null : p.pool * M,
    startsAt: p.startsAt ?? null,
    expiresAt: p.expiresAt ?? null,
    sourceRequestId: p.sourceRequestId ?? null,
    target: p.scope === "WORKSPACE" ? "WORKSPACE" : `${p.scope}:${p.groupId ?? p.memberId ?? ""}`,
    slot: p.slot ?? "",
  });
  await db.limitPolicy.createMany({
    data: [
      { scope: "WORKSPACE" as const, amount: 300n, pool: 400_000n },
      // a small pool: exhausted this period
      { scope: "GROUP" as const, groupId: g0.id, amount: 500n, pool: 1n },
      { scope: "GROUP" as const, groupId: g1.id, amount: 650n },
      { scope: "GROUP" as const, groupId: tie.id, amount: 650n, pool: 900_000n },
      { scope: "GROUP" as const, groupId: g2.id, amount: 40n },
      // product-scoped: not in the all-products question, either way
      { scope: "GROUP" as const, groupId: g2.id, amount: 5n, product: "codex" },
      { scope: "MEMBER" as const, memberId: people[0], amount: 1200n, expiresAt: at(10) },
      { scope: "MEMBER" as const, memberId: people[1], amount: 1n, expiresAt: at(-2) },
      { scope: "MEMBER" as const, memberId: people[2], amount: 2n, startsAt: at(3) },
      { scope: "MEMBER" as const, memberId: people[3], amount: 100n },
      {
        scope: "MEMBER" as const,
        memberId: people[3],
        amount: 900n,
        slot: "request:7",
        sourceRequestId: 7,
        expiresAt: at(5),
      },
      { scope: "MEMBER" as const, memberId: people[4], amount: null },
      { scope: "MEMBER" as const, memberId: people[5], amount: 70n },
    ].map(policy),
  });
  // deactivated, with an override: absent from both
  await db.member.update({ where: { id: people[5]! }, data: { active: false } });
  const memberships = await db.groupMember.findMany({
    where: { group: { workspaceId } },
    select: { groupId: true, memberId: true },
  });
  const membersOf = new Map<string, string[]>();
  for (const m of memberships)
    (membersOf.get(m.groupId) ?? membersOf.set(m.groupId, []).get(m.groupId)!).push(m.memberId);
  return { workspaceId, people, membersOf, deactivated: people[5]! };
}

function byId(rows: WorkspaceMemberLimit[]) {
  return new Map(rows.map((r) => [r.memberId, r]));
}

describe("effective limits for some members", () => {
  it("are the workspace-wide rows of those members, group by group and for any subset", async () => {
    const db = await testDb();
    const f = await generatedWorkspace(db);
    for (const settings of [
      { budgetPeriod: "MONTHLY" as const, budgetUnit: "CREDITS" as const },
      { budgetPeriod: "WEEKLY" as const, budgetUnit: "USD" as const },
    ]) {
      await db.workspace.update({ where: { id: f.workspaceId }, data: settings });
      const label = `${settings.budgetPeriod} ${settings.budgetUnit}`;
      const all = await loadWorkspaceLimits(db, f.workspaceId, NOW);
      const full = byId(all.members);
      expect(full.has(f.deactivated), label).toBe(false);
      // the scenario reaches every branch of the rule
      const rows = all.members;
      expect(
        rows.some((r) => r.effective.level === "MEMBER"),
        label,
      ).toBe(true);
      expect(
        rows.some((r) => r.effective.level === "GROUP"),
        label,
      ).toBe(true);
      expect(
        rows.some((r) => r.effective.level === "WORKSPACE"),
        label,
      ).toBe(true);
      expect(
        rows.some((r) => r.effective.pools.some((p) => p.kind === "GROUP" && p.exhausted)),
        label,
      ).toBe(true);
      expect(
        rows.some((r) => r.effective.pools.some((p) => p.kind === "WORKSPACE")),
        label,
      ).toBe(true);
      expect(
        rows.some((r) => r.effective.state === "over"),
        label,
      ).toBe(true);
      expect(
        rows.some((r) => r.exhaustionDay !== null),
        label,
      ).toBe(true);

      // each group's members, as the group page asks (inactive ones included in the question)
      for (const [groupId, ids] of f.membersOf) {
        const some = await loadSomeMemberLimits(db, f.workspaceId, ids, NOW);
        const expected = ids.filter((id) => full.has(id));
        expect(some.members.map((r) => r.memberId).sort(), `${label} group ${groupId}`).toEqual(
          [...expected].sort(),
        );
        for (const r of some.members)
          expect(r, `${label} group ${groupId} member ${r.memberId}`).toEqual(full.get(r.memberId));
        const views = await getMemberLimits(db, f.workspaceId, ids, NOW);
        for (const id of expected)
          expect(views.get(id), `${label} view ${id}`).toEqual(
            memberLimitView({ budget: all.budget, ...full.get(id)! }),
          );
      }
      // everyone at once, a few people with an unknown id among them, and nobody
      const everyone = await loadSomeMemberLimits(db, f.workspaceId, f.people, NOW);
      expect(everyone.members).toEqual(all.members);
      const few = await loadSomeMemberLimits(
        db,
        f.workspaceId,
        [f.people[3]!, "nobody", f.people[0]!, f.people[3]!],
        NOW,
      );
      expect(byId(few.members)).toEqual(
        new Map([f.people[0]!, f.people[3]!].map((id) => [id, full.get(id)!])),
      );
      expect((await loadSomeMemberLimits(db, f.workspaceId, [], NOW)).members).toEqual([]);

      // the Limits screen's path: everyone's effective limit, then a page of them projected
      const effective = await loadWorkspaceEffectiveLimits(db, f.workspaceId, NOW);
      expect(effective.groups).toEqual(all.groups);
      expect(effective.members.map((r) => r.memberId)).toEqual(rows.map((r) => r.memberId));
      const page = await projectMemberLimits(db, effective.budget, effective.members.slice(3, 17));
      expect(page).toEqual(rows.slice(3, 17));
    }
  });
});

/** The screen's orders, written out (ties keep the name order the rows come in). */
function oracleOrder(rows: MemberRow[], sort: MembersQuery["sort"]): MemberRow[] {
  const cmp = (a: MemberRow, b: MemberRow) =>
    sort === "name"
      ? a.name.localeCompare(b.name)
      : sort === "used"
        ? Number(b.usedMicros - a.usedMicros > 0n) - Number(a.usedMicros - b.usedMicros > 0n)
        : sort === "exhaustion"
          ? (a.exhaustionDay ?? "9999").localeCompare(b.exhaustionDay ?? "9999")
          : (b.usedPct ?? -1) - (a.usedPct ?? -1);
  return [...rows].sort(cmp);
}

describe("the Limits screen's members", () => {
  it("come a page at a time, filtered, searched, sorted and counted over everyone", async () => {
    const db = await testDb();
    const f = await generatedWorkspace(db, 110, 20);
    const owner = actorOf(await makeMember(db, f.workspaceId, { role: "OWNER" }));
    const full = await getLimitsOverview(db, owner, NOW);
    expect(full.memberPage).toBeNull();
    expect(full.members.length).toBeGreaterThan(2 * MEMBERS_PAGE_SIZE);
    const group = full.members.find((m) => m.groups.length > 0)!.groups[0]!;
    const texts = ["", group.slice(0, 4).toUpperCase(), full.members[7]!.email.slice(0, 5)];
    const inState = (m: MemberRow, state: MembersQuery["state"]) =>
      state === "all" || (state === "attention" ? m.state !== "ok" : m.state === state);
    const hasText = (m: MemberRow, q: string) =>
      [m.name, m.email, m.sublabel, ...m.groups].some((x) =>
        x.toLowerCase().includes(q.toLowerCase()),
      );
    for (const state of MEMBER_STATES)
      for (const sort of MEMBER_SORTS)
        for (const q of texts) {
          const expected = oracleOrder(
            full.members.filter((m) => inState(m, state) && hasText(m, q)),
            sort,
          );
          const label = `${state} ${sort} "${q}"`;
          const seen: MemberRow[] = [];
          const first = await getLimitsOverview(db, owner, NOW, { state, sort, q, page: 1 });
          const pages = first.memberPage!.pages;
          expect(first.memberPage!.total, label).toBe(expected.length);
          expect(pages, label).toBe(Math.max(1, Math.ceil(expected.length / MEMBERS_PAGE_SIZE)));
          seen.push(...first.members);
          for (let page = 2; page <= pages; page++)
            seen.push(
              ...(await getLimitsOverview(db, owner, NOW, { state, sort, q, page })).members,
            );
          expect(seen, label).toEqual(expected);
          // the whole set's counts and totals, whatever the page
          expect(first.counts, label).toEqual(full.counts);
          expect(first.workspaceUsedMicros, label).toBe(full.workspaceUsedMicros);
          expect(first.groups, label).toEqual(full.groups);
          expect(first.policies, label).toEqual(full.policies);
        }
    // a page past the last shows the last
    const last = await getLimitsOverview(db, owner, NOW, {
      state: "all",
      sort: "name",
      q: "",
      page: 999,
    });
    expect(last.memberPage!.page).toBe(last.memberPage!.pages);
    expect(last.members.length).toBeGreaterThan(0);
  });
});
