/**
 * The Groups index: list, create, rename, set the cost center, change members and managers,
 * delete an empty group. Each change writes its audit event in the same transaction.
 */
import "server-only";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import { can } from "../auth/permissions";
import { visibleGroupsWhere } from "../auth/scope";
import { ForbiddenError, InvalidInputError, NotFoundError } from "../core/errors";
import { groupTotalsRebuilt, membershipTotalsChanged } from "../rollups/people-moves";
import type { Db, Tx } from "../server/db";
import type { CreateGroupInput, UpdateGroupInput } from "./fields";
import { assertManagesGroups, lockWorkspace } from "./guard";
import { activeMembersOf, addPairs, removePairs, type Named } from "./memberships";

export interface GroupRow {
  id: string;
  name: string;
  costCenter: string;
  source: string;
  members: Named[];
  managers: Named[];
  limits: number;
}

type GroupRecord = {
  id: string;
  name: string;
  costCenter: string;
  source: string;
  members: { member: Named & { active: boolean } }[];
  managers: { member: Named & { active: boolean } }[];
  _count: { limitPolicies: number };
};

const SELECT = {
  id: true,
  name: true,
  costCenter: true,
  source: true,
  members: { select: { member: { select: { id: true, name: true, active: true } } } },
  managers: { select: { member: { select: { id: true, name: true, active: true } } } },
  _count: { select: { limitPolicies: true } },
} as const;

const byName = (a: Named, b: Named) => a.name.localeCompare(b.name);

function toRow(g: GroupRecord): GroupRow {
  // a deactivated person is no longer counted in a group's people, though the link stays
  const people = (xs: { member: Named & { active: boolean } }[]) =>
    xs
      .filter((x) => x.member.active)
      .map((x) => ({ id: x.member.id, name: x.member.name }))
      .sort(byName);
  return {
    id: g.id,
    name: g.name,
    costCenter: g.costCenter,
    source: g.source,
    members: people(g.members),
    managers: people(g.managers),
    limits: g._count.limitPolicies,
  };
}

/** Owners, admins and finance see every group; a manager the groups they manage. */
export async function listGroups(db: Db, actor: Actor): Promise<GroupRow[]> {
  const everyone = can(actor, "groups:manage") || can(actor, "spend:read:all");
  if (!everyone && !can(actor, "members:read")) throw new ForbiddenError();
  const rows = (await db.group.findMany({
    where: visibleGroupsWhere(actor, everyone),
    select: SELECT,
    orderBy: { name: "asc" },
  })) as GroupRecord[];
  return rows.map(toRow);
}

async function groupRow(tx: Db | Tx, workspaceId: string, id: string): Promise<GroupRow> {
  const g = (await tx.group.findFirst({
    where: { id, workspaceId },
    select: SELECT,
  })) as GroupRecord | null;
  if (!g) throw new NotFoundError("group");
  return toRow(g);
}

export function groupSnapshot(g: { name: string; costCenter: string }) {
  return { name: g.name, costCenter: g.costCenter };
}

async function assertNameFree(tx: Tx, workspaceId: string, name: string, except?: string) {
  const clash = await tx.group.findFirst({
    where: { workspaceId, name, ...(except ? { id: { not: except } } : {}) },
    select: { id: true },
  });
  if (clash) throw new InvalidInputError(`There is already a group called ${name}`, "name");
}

const pairs = (groupId: string, people: Named[]) =>
  people.map((p) => ({ groupId, memberId: p.id }));
const namesOf = (people: Named[], done: { memberId: string }[]) =>
  done.map((d) => people.find((p) => p.id === d.memberId)!);

export async function createGroup(
  db: Db,
  actor: Actor,
  input: CreateGroupInput,
): Promise<GroupRow> {
  assertManagesGroups(actor);
  return db.$transaction(async (tx) => {
    await lockWorkspace(tx, actor.workspaceId);
    await assertNameFree(tx, actor.workspaceId, input.name);
    const members = await activeMembersOf(tx, actor.workspaceId, input.memberIds, "memberIds");
    const managers = await activeMembersOf(tx, actor.workspaceId, input.managerIds, "managerIds");
    const g = await tx.group.create({
      data: { workspaceId: actor.workspaceId, name: input.name, costCenter: input.costCenter },
    });
    const joined = await addPairs(tx, "member", pairs(g.id, members));
    await membershipTotalsChanged(
      tx,
      actor.workspaceId,
      joined.map((p) => ({ ...p, delta: 1 as const })),
    );
    await addPairs(tx, "manager", pairs(g.id, managers), "managerIds");
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "group.create",
      targetType: "Group",
      targetId: g.id,
      after: { ...groupSnapshot(g), members, managers },
    });
    return groupRow(tx, actor.workspaceId, g.id);
  });
}

export async function updateGroup(
  db: Db,
  actor: Actor,
  groupId: string,
  input: UpdateGroupInput,
): Promise<GroupRow> {
  assertManagesGroups(actor);
  return db.$transaction(async (tx) => {
    await lockWorkspace(tx, actor.workspaceId);
    const before = await tx.group.findFirst({
      where: { id: groupId, workspaceId: actor.workspaceId },
    });
    if (!before) throw new NotFoundError("group");
    const audit = (action: string, b: unknown, a: unknown) =>
      writeAudit(tx, {
        workspaceId: actor.workspaceId,
        actor: auditActor(actor),
        action,
        targetType: "Group",
        targetId: groupId,
        before: b,
        after: a,
      });
    const name = input.name ?? before.name;
    const costCenter = input.costCenter ?? before.costCenter;
    if (name !== before.name) await assertNameFree(tx, actor.workspaceId, name, groupId);
    if (name !== before.name || costCenter !== before.costCenter) {
      await tx.group.update({ where: { id: groupId }, data: { name, costCenter } });
      await audit(name !== before.name ? "group.rename" : "group.update", groupSnapshot(before), {
        name,
        costCenter,
      });
    }
    for (const kind of ["member", "manager"] as const) {
      const add = await activeMembersOf(
        tx,
        actor.workspaceId,
        (kind === "member" ? input.addMemberIds : input.addManagerIds) ?? [],
        kind === "member" ? "addMemberIds" : "addManagerIds",
      );
      const removeIds = [
        ...new Set((kind === "member" ? input.removeMemberIds : input.removeManagerIds) ?? []),
      ];
      // removing works for deactivated people too
      const remove = removeIds.length
        ? await tx.member.findMany({
            where: { workspaceId: actor.workspaceId, id: { in: removeIds } },
            select: { id: true, name: true },
          })
        : [];
      if (remove.length !== removeIds.length)
        throw new InvalidInputError(
          "A chosen person is not a member of this workspace: reload the page",
          kind === "member" ? "removeMemberIds" : "removeManagerIds",
        );
      const addedPairs = await addPairs(
        tx,
        kind,
        pairs(groupId, add),
        kind === "member" ? "addMemberIds" : "addManagerIds",
      );
      const removedPairs = await removePairs(tx, kind, pairs(groupId, remove));
      if (kind === "member")
        await membershipTotalsChanged(tx, actor.workspaceId, [
          ...addedPairs.map((p) => ({ ...p, delta: 1 as const })),
          ...removedPairs.map((p) => ({ ...p, delta: -1 as const })),
        ]);
      const added = namesOf(add, addedPairs);
      const removed = namesOf(remove, removedPairs);
      if (added.length || removed.length)
        await audit(kind === "member" ? "group.members" : "group.managers", undefined, {
          name,
          added,
          removed,
        });
    }
    return groupRow(tx, actor.workspaceId, groupId);
  });
}

/** Only an empty group goes: no members, no managers, no limits (its spend history keeps its name in the audit log). */
export async function deleteGroup(db: Db, actor: Actor, groupId: string): Promise<void> {
  assertManagesGroups(actor);
  await db.$transaction(async (tx) => {
    await lockWorkspace(tx, actor.workspaceId);
    const g = (await tx.group.findFirst({
      where: { id: groupId, workspaceId: actor.workspaceId },
      select: {
        ...SELECT,
        _count: { select: { limitPolicies: true, members: true, managers: true } },
      },
    })) as
      | (GroupRecord & { _count: { limitPolicies: number; members: number; managers: number } })
      | null;
    if (!g) throw new NotFoundError("group");
    const n = g._count;
    if (n.members > 0)
      throw new InvalidInputError(
        `${g.name} still has ${n.members} ${n.members === 1 ? "member" : "members"}: remove them first`,
        "form",
      );
    if (n.managers > 0)
      throw new InvalidInputError(
        `${g.name} still has ${n.managers === 1 ? "a manager" : `${n.managers} managers`}: remove them first`,
        "form",
      );
    if (n.limitPolicies > 0)
      throw new InvalidInputError(
        `${g.name} has ${n.limitPolicies === 1 ? "a limit: remove it" : `${n.limitPolicies} limits: remove them`} on the Limits page first`,
        "form",
      );
    await tx.group.delete({ where: { id: groupId } });
    // its breakdown rows (spend of people who were in it) go with it: nobody is in it now
    await groupTotalsRebuilt(tx, actor.workspaceId, [groupId]);
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "group.delete",
      targetType: "Group",
      targetId: groupId,
      before: groupSnapshot(g),
    });
  });
}
