/**
 * Applies a source's directory (people, groups, memberships, managers, identities).
 * New people join as MEMBER unless the directory names a role; existing members keep the
 * role an owner gave them. Groups owned by the source are reconciled to its membership.
 *
 * Set-based: the workspace's members, identities, groups and the source's memberships are
 * read once each, and what is new is written table by table in bulk
 * (lib/server/bulk-insert.ts), so a 20,000-person first sync costs a few statements instead
 * of the ORM's per-row work (~0.5–1 ms of CPU per created row).
 */
import { writeAudit, type AuditActor } from "../audit/audit";
import { applyMembershipChanges } from "../rollups/group-totals";
import { insertRows, type BulkColumns } from "../server/bulk-insert";
import { engineOf, type Engine, type Tx } from "../server/db";
import { chunks, inList, newRowId, placeholder, storedTime } from "../server/sql";
import type { Directory } from "./types";

export interface DirectoryCounts {
  membersCreated: number;
  groupsCreated: number;
  identitiesCreated: number;
  /** group memberships and managers added or removed */
  membershipsChanged: number;
}

export async function applyDirectory(
  tx: Tx,
  workspaceId: string,
  directory: Directory,
  actor: AuditActor,
): Promise<DirectoryCounts> {
  const engine = engineOf(tx);
  const now = storedTime(new Date());
  const counts: DirectoryCounts = {
    membersCreated: 0,
    groupsCreated: 0,
    identitiesCreated: 0,
    membershipsChanged: 0,
  };
  const existing = new Map(
    (await tx.member.findMany({ where: { workspaceId }, select: { id: true, email: true } })).map(
      (m) => [m.email.toLowerCase(), m.id],
    ),
  );
  const newMembers = directory.people.filter((p) => !existing.has(p.email.toLowerCase()));
  if (newMembers.length) {
    const rows = newMembers.map((p) => {
      const id = newRowId();
      existing.set(p.email.toLowerCase(), id);
      return [
        id,
        workspaceId,
        p.email.toLowerCase(),
        p.name,
        p.role ?? "MEMBER",
        p.costCenter ?? null,
        now,
        now,
      ];
    });
    await insertRows(tx, "Member", MEMBER_COLUMNS, rows);
    counts.membersCreated = newMembers.length;
  }

  const knownIdentities = new Set(
    (
      await tx.memberIdentity.findMany({
        where: { workspaceId },
        select: { provider: true, kind: true, externalId: true },
      })
    ).map((i) => `${i.provider}|${i.kind}|${i.externalId}`),
  );
  const identityRows = directory.people.flatMap((p) =>
    p.identities
      .filter((i) => !knownIdentities.has(`${i.provider}|${i.kind}|${i.externalId}`))
      .map((i) => [
        newRowId(),
        workspaceId,
        existing.get(p.email.toLowerCase())!,
        i.provider,
        i.kind,
        i.externalId,
        now,
      ]),
  );
  if (identityRows.length) {
    await insertRows(tx, "MemberIdentity", IDENTITY_COLUMNS, identityRows);
    counts.identitiesCreated = identityRows.length;
  }

  // the workspace's groups by name; the directory's missing ones created in one statement
  const groups = new Map(
    (
      await tx.group.findMany({
        where: { workspaceId },
        select: { id: true, name: true, source: true },
      })
    ).map((g) => [g.name, g]),
  );
  const groupRows: unknown[][] = [];
  for (const g of directory.groups) {
    if (groups.has(g.name)) continue;
    const id = newRowId();
    groups.set(g.name, { id, name: g.name, source: directory.source });
    groupRows.push([
      id,
      workspaceId,
      g.name,
      g.costCenter,
      directory.source,
      g.externalId ?? null,
      now,
      now,
    ]);
  }
  if (groupRows.length) {
    await insertRows(tx, "Group", GROUP_COLUMNS, groupRows);
    counts.groupsCreated = groupRows.length;
  }

  // a group someone made by hand is not ours to rewrite
  const ours = directory.groups.filter((g) => groups.get(g.name)!.source === directory.source);
  const ourIds = [...new Set(ours.map((g) => groups.get(g.name)!.id))];
  const haveMembers = await membersOf(tx, engine, "GroupMember", ourIds);
  const haveManagers = await membersOf(tx, engine, "GroupManager", ourIds);

  // groups whose member list changed, and per member the groups joined minus those left (group totals follow below)
  const changedGroups: string[] = [];
  const joined = new Map<string, number>();
  const join = (ids: string[], n: number) =>
    ids.forEach((id) => joined.set(id, (joined.get(id) ?? 0) + n));
  // links to insert, per link table and group (a group named twice is reconciled twice, as
  // the second naming would find the first's links)
  const pending = {
    GroupMember: new Map<string, Set<string>>(),
    GroupManager: new Map<string, Set<string>>(),
  };
  /** Makes a group's links of one table exactly `ids`; returns the ids removed and added. */
  const reconcile = async (
    table: "GroupMember" | "GroupManager",
    groupId: string,
    ids: string[],
  ) => {
    const have =
      (table === "GroupMember" ? haveMembers : haveManagers).get(groupId) ?? new Set<string>();
    let toInsert = pending[table].get(groupId);
    if (!toInsert) pending[table].set(groupId, (toInsert = new Set()));
    const keep = new Set(ids);
    const remove = [...have].filter((id) => !keep.has(id));
    const add = ids.filter((id) => !have.has(id));
    const stored = remove.filter((id) => !toInsert.delete(id));
    if (stored.length) await deleteLinks(tx, engine, table, groupId, stored);
    for (const id of remove) have.delete(id);
    for (const id of add) {
      have.add(id);
      toInsert.add(id);
    }
    (table === "GroupMember" ? haveMembers : haveManagers).set(groupId, have);
    counts.membershipsChanged += remove.length + add.length;
    return { remove, add };
  };
  const idsOf = (emails: string[]) => [
    ...new Set(emails.map((e) => existing.get(e.toLowerCase())).filter((id): id is string => !!id)),
  ];
  for (const g of ours) {
    const groupId = groups.get(g.name)!.id;
    const { remove, add } = await reconcile("GroupMember", groupId, idsOf(g.memberEmails));
    if (remove.length || add.length) {
      changedGroups.push(groupId);
      join(remove, -1);
      join(add, 1);
    }
    await reconcile("GroupManager", groupId, idsOf(g.managerEmails));
  }
  for (const table of ["GroupMember", "GroupManager"] as const) {
    const rows = [...pending[table]].flatMap(([groupId, ids]) =>
      [...ids].map((memberId) => [groupId, memberId, now]),
    );
    if (rows.length) await insertRows(tx, table, LINK_COLUMNS, rows);
  }

  if (changedGroups.length) await applyMembershipChanges(tx, workspaceId, changedGroups, joined);

  // any change here can move someone's effective limit or a manager's scope, so it is
  // audited, which also moves the workspace's version stamp (lib/server/workspace-version.ts)
  if (
    counts.membersCreated ||
    counts.groupsCreated ||
    counts.identitiesCreated ||
    counts.membershipsChanged
  ) {
    await writeAudit(tx, {
      workspaceId,
      actor,
      action: "directory.sync",
      targetType: "workspace",
      targetId: workspaceId,
      after: counts,
    });
  }
  return counts;
}

/** A member row as the directory sync bulk-inserts it. */
export const MEMBER_COLUMNS: BulkColumns = [
  ["id", "text"],
  ["workspaceId", "text"],
  ["email", "text"],
  ["name", "text"],
  ["role", { enum: "Role" }],
  ["costCenter", "text"],
  ["createdAt", "timestamp"],
  ["updatedAt", "timestamp"],
];
const IDENTITY_COLUMNS: BulkColumns = [
  ["id", "text"],
  ["workspaceId", "text"],
  ["memberId", "text"],
  ["provider", "text"],
  ["kind", "text"],
  ["externalId", "text"],
  ["createdAt", "timestamp"],
];
const GROUP_COLUMNS: BulkColumns = [
  ["id", "text"],
  ["workspaceId", "text"],
  ["name", "text"],
  ["costCenter", "text"],
  ["source", "text"],
  ["externalId", "text"],
  ["createdAt", "timestamp"],
  ["updatedAt", "timestamp"],
];
const LINK_COLUMNS: BulkColumns = [
  ["groupId", "text"],
  ["memberId", "text"],
  ["addedAt", "timestamp"],
];

/** Per group, the members of a link table (GroupMember / GroupManager) for these groups. */
async function membersOf(
  tx: Tx,
  engine: Engine,
  table: "GroupMember" | "GroupManager",
  groupIds: string[],
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const batch of chunks(groupIds, 500)) {
    const rows = await tx.$queryRawUnsafe<{ groupId: string; memberId: string }[]>(
      `SELECT "groupId", "memberId" FROM "${table}" WHERE "groupId" IN ${inList(engine, batch.length)}`,
      ...batch,
    );
    for (const r of rows) {
      let set = out.get(r.groupId);
      if (!set) out.set(r.groupId, (set = new Set()));
      set.add(r.memberId);
    }
  }
  return out;
}

async function deleteLinks(
  tx: Tx,
  engine: Engine,
  table: "GroupMember" | "GroupManager",
  groupId: string,
  memberIds: string[],
): Promise<void> {
  for (const batch of chunks(memberIds, 500))
    await tx.$executeRawUnsafe(
      `DELETE FROM "${table}" WHERE "groupId" = ${placeholder(engine, 1)} AND "memberId" IN ${inList(engine, batch.length, 2)}`,
      groupId,
      ...batch,
    );
}
