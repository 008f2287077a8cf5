/**
 * The Members directory: list (with search and filters, in the viewer's scope), add, and change
 * name, role, cost center, groups and managed groups. Every change writes its audit event in
 * the transaction that makes it (lib/audit/audit.ts); guard rails live in ./guard.ts.
 */
import "server-only";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import { can, type Role } from "../auth/permissions";
import { managedMembersWhere } from "../auth/scope";
import { ForbiddenError, InvalidInputError, NotFoundError } from "../core/errors";
import { costCenterTotalsMoved, membershipTotalsChanged } from "../rollups/people-moves";
import type { Db, Tx } from "../server/db";
import type { AddMemberInput, MemberListQuery, UpdateMemberInput } from "./fields";
import { assertManagesPeople, assertMayChangeRole, assertOwnerLeft, lockWorkspace } from "./guard";
import { shownEmail } from "./member-label";
import { addPairs, groupsOf, removePairs, type Named } from "./memberships";
import { changeServiceOwner } from "./service-owner";

export interface MemberRow {
  id: string;
  /** a person's email; "" for a service account, whose internal address is never sent */
  email: string;
  name: string;
  role: Role;
  costCenter: string | null;
  active: boolean;
  /** PERSON, or SERVICE: automation (API keys, projects) owned by a person */
  kind: "PERSON" | "SERVICE";
  /** a service account's owner */
  owner: Named | null;
  groups: Named[];
  manages: Named[];
}

export interface MemberList {
  rows: MemberRow[];
  /** members matching the filters (rows holds at most `limit` of them, from `offset`) */
  total: number;
  limit: number;
  offset: number;
  /** the viewer sees only the people of the groups they manage */
  scopedToGroups: boolean;
}

const ROW_SELECT = {
  id: true,
  email: true,
  name: true,
  role: true,
  costCenter: true,
  active: true,
  kind: true,
  owner: { select: { id: true, name: true } },
  groups: { select: { group: { select: { id: true, name: true } } } },
  managedGroups: { select: { group: { select: { id: true, name: true } } } },
} as const;

type RowRecord = {
  id: string;
  email: string;
  name: string;
  role: Role;
  costCenter: string | null;
  active: boolean;
  kind: "PERSON" | "SERVICE";
  owner: Named | null;
  groups: { group: Named }[];
  managedGroups: { group: Named }[];
};

function toRow(m: RowRecord): MemberRow {
  const byName = (a: Named, b: Named) => a.name.localeCompare(b.name);
  return {
    id: m.id,
    // the row goes to the browser (Members page, /api/members, the forms' answers): a service
    // account's internal …@service.invalid address stays on the server
    email: shownEmail(m),
    name: m.name,
    role: m.role,
    costCenter: m.costCenter,
    active: m.active,
    kind: m.kind,
    owner: m.owner,
    groups: m.groups.map((g) => g.group).sort(byName),
    manages: m.managedGroups.map((g) => g.group).sort(byName),
  };
}

/** Owners, admins and finance see everyone; a group manager the people of their groups. */
function seesEveryone(actor: Actor): boolean {
  return can(actor, "members:manage") || can(actor, "spend:read:all");
}

export async function listMembers(
  db: Db,
  actor: Actor,
  q: MemberListQuery,
  limit = 300,
): Promise<MemberList> {
  if (!can(actor, "members:read") && !can(actor, "members:manage")) throw new ForbiddenError();
  const everyone = seesEveryone(actor);
  const where = {
    workspaceId: actor.workspaceId,
    ...(q.status === "all" ? {} : { active: q.status === "active" }),
    ...(q.role ? { role: q.role } : {}),
    ...(q.group ? { groups: { some: { groupId: q.group } } } : {}),
    ...(q.kind === "people" ? { kind: "PERSON" as const } : {}),
    ...(q.kind === "services" ? { kind: "SERVICE" as const } : {}),
    ...(everyone
      ? {}
      : {
          OR: [managedMembersWhere(actor), { id: actor.memberId }],
        }),
  };
  // search in memory: names are mixed-case and SQLite and PostgreSQL compare case differently
  const needle = q.q?.toLowerCase();
  const candidates = (
    await db.member.findMany({
      where,
      select: {
        id: true,
        name: true,
        email: true,
        kind: true,
        costCenter: true,
        owner: { select: { name: true } },
      },
      orderBy: [{ name: "asc" }, { id: "asc" }],
    })
  ).filter(
    (m) =>
      !needle ||
      m.name.toLowerCase().includes(needle) ||
      // a person's email; a service account's internal address matches nothing (it is shown nowhere)
      shownEmail(m).includes(needle) ||
      (m.costCenter ?? "").toLowerCase().includes(needle) ||
      // a service account is found by its owner's name too
      (m.owner?.name ?? "").toLowerCase().includes(needle),
  );
  // a page past the last shows the last one (a bookmark kept while people left)
  const last = Math.max(0, Math.ceil(candidates.length / limit) - 1);
  const offset = Math.min((q.page ?? 1) - 1, last) * limit;
  const ids = candidates.slice(offset, offset + limit).map((m) => m.id);
  const records = (await db.member.findMany({
    where: { id: { in: ids } },
    select: ROW_SELECT,
  })) as RowRecord[];
  const order = new Map(ids.map((id, i) => [id, i]));
  const rows = records.map(toRow).sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return { rows, total: candidates.length, limit, offset, scopedToGroups: !everyone };
}

export async function getMemberRow(
  db: Db | Tx,
  workspaceId: string,
  memberId: string,
): Promise<MemberRow> {
  const m = (await db.member.findFirst({
    where: { id: memberId, workspaceId },
    select: ROW_SELECT,
  })) as RowRecord | null;
  if (!m) throw new NotFoundError("member");
  return toRow(m);
}

/** What the audit log keeps of a person. */
export function memberSnapshot(m: {
  email: string;
  name: string;
  role: string;
  costCenter: string | null;
  active: boolean;
}) {
  return { email: m.email, name: m.name, role: m.role, costCenter: m.costCenter, active: m.active };
}

const pairsOf = (memberId: string, groups: Named[]) =>
  groups.map((g) => ({ groupId: g.id, memberId }));
const namesOf = (groups: Named[], pairs: { groupId: string }[]) =>
  pairs.map((p) => groups.find((g) => g.id === p.groupId)!);

export async function addMember(db: Db, actor: Actor, input: AddMemberInput): Promise<MemberRow> {
  assertManagesPeople(actor);
  assertMayChangeRole(actor, "MEMBER", input.role);
  return db.$transaction(async (tx) => {
    await lockWorkspace(tx, actor.workspaceId);
    const clash = await tx.member.findFirst({
      where: { workspaceId: actor.workspaceId, email: input.email },
      select: { name: true, active: true },
    });
    if (clash)
      throw new InvalidInputError(
        clash.active
          ? `${input.email} is already a member (${clash.name})`
          : `${input.email} is a deactivated member (${clash.name}): reactivate them instead`,
        "email",
      );
    const groups = await groupsOf(tx, actor.workspaceId, input.groupIds, "groupIds");
    const manages = await groupsOf(tx, actor.workspaceId, input.managedGroupIds, "managedGroupIds");
    const m = await tx.member.create({
      data: {
        workspaceId: actor.workspaceId,
        email: input.email,
        name: input.name,
        role: input.role,
        costCenter: input.costCenter || null,
      },
    });
    await addPairs(tx, "member", pairsOf(m.id, groups));
    await addPairs(tx, "manager", pairsOf(m.id, manages));
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "member.create",
      targetType: "Member",
      targetId: m.id,
      after: { ...memberSnapshot(m), groups, manages },
    });
    return getMemberRow(tx, actor.workspaceId, m.id);
  });
}

export async function updateMember(
  db: Db,
  actor: Actor,
  memberId: string,
  input: UpdateMemberInput,
): Promise<MemberRow> {
  assertManagesPeople(actor);
  return db.$transaction(async (tx) => {
    await lockWorkspace(tx, actor.workspaceId);
    const before = await tx.member.findFirst({
      where: { id: memberId, workspaceId: actor.workspaceId },
    });
    if (!before) throw new NotFoundError("member");
    if (!before.active)
      throw new InvalidInputError(`${before.name} is deactivated: reactivate them first`, "form");
    const audit = (action: string, b: unknown, a: unknown) =>
      writeAudit(tx, {
        workspaceId: actor.workspaceId,
        actor: auditActor(actor),
        action,
        targetType: "Member",
        targetId: memberId,
        before: b,
        after: a,
      });

    if (input.role !== undefined && input.role !== before.role) {
      if (before.kind === "SERVICE")
        throw new InvalidInputError(
          `${before.name} is a service account: it never signs in, so it has no role`,
          "role",
        );
      assertMayChangeRole(actor, before.role, input.role);
      await tx.member.update({ where: { id: memberId }, data: { role: input.role } });
      if (before.role === "OWNER") await assertOwnerLeft(tx, actor.workspaceId, "role");
      await audit(
        "member.role",
        { name: before.name, role: before.role },
        { name: before.name, role: input.role },
      );
    }
    if (input.ownerId !== undefined) await changeServiceOwner(tx, actor, before, input.ownerId);
    const name = input.name ?? before.name;
    const costCenter =
      input.costCenter === undefined ? before.costCenter : input.costCenter || null;
    if (name !== before.name || costCenter !== before.costCenter) {
      await tx.member.update({ where: { id: memberId }, data: { name, costCenter } });
      await costCenterTotalsMoved(tx, actor.workspaceId, memberId, before.costCenter, costCenter);
      await audit(
        "member.update",
        { name: before.name, costCenter: before.costCenter },
        { name, costCenter },
      );
    }
    for (const kind of ["member", "manager"] as const) {
      const add = kind === "member" ? input.addGroupIds : input.addManagedGroupIds;
      const remove = kind === "member" ? input.removeGroupIds : input.removeManagedGroupIds;
      const field = kind === "member" ? "addGroupIds" : "addManagedGroupIds";
      const toAdd = await groupsOf(tx, actor.workspaceId, add ?? [], field);
      const toRemove = await groupsOf(
        tx,
        actor.workspaceId,
        remove ?? [],
        kind === "member" ? "removeGroupIds" : "removeManagedGroupIds",
      );
      const addedPairs = await addPairs(tx, kind, pairsOf(memberId, toAdd), field);
      const removedPairs = await removePairs(tx, kind, pairsOf(memberId, toRemove));
      if (kind === "member")
        await membershipTotalsChanged(tx, actor.workspaceId, [
          ...addedPairs.map((p) => ({ ...p, delta: 1 as const })),
          ...removedPairs.map((p) => ({ ...p, delta: -1 as const })),
        ]);
      const added = namesOf(toAdd, addedPairs);
      const removed = namesOf(toRemove, removedPairs);
      if (added.length || removed.length)
        await audit(kind === "member" ? "member.groups" : "member.manages", undefined, {
          name,
          added,
          removed,
        });
    }
    return getMemberRow(tx, actor.workspaceId, memberId);
  });
}
