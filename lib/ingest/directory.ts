/**
 * Applies a source's directory (people, groups, memberships, managers, identities).
 * New people join as MEMBER unless the directory names a role; existing members keep the
 * role an owner gave them. Groups owned by the source are reconciled to its membership.
 */
import { writeAudit, type AuditActor } from "../audit/audit";
import { applyMembershipChanges } from "../rollups/group-totals";
import type { Tx } from "../server/db";
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
    await tx.member.createMany({
      data: newMembers.map((p) => ({
        workspaceId,
        email: p.email.toLowerCase(),
        name: p.name,
        role: p.role ?? "MEMBER",
        costCenter: p.costCenter ?? null,
      })),
    });
    counts.membersCreated = newMembers.length;
    for (const m of await tx.member.findMany({
      where: { workspaceId, email: { in: newMembers.map((p) => p.email.toLowerCase()) } },
      select: { id: true, email: true },
    })) {
      existing.set(m.email, m.id);
    }
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
      .map((i) => ({
        workspaceId,
        memberId: existing.get(p.email.toLowerCase())!,
        provider: i.provider,
        kind: i.kind,
        externalId: i.externalId,
      })),
  );
  if (identityRows.length) {
    await tx.memberIdentity.createMany({ data: identityRows });
    counts.identitiesCreated = identityRows.length;
  }

  // groups whose member list changed, and per member the groups joined minus those left (group totals follow below)
  const changedGroups: string[] = [];
  const joined = new Map<string, number>();
  const join = (ids: string[], n: number) =>
    ids.forEach((id) => joined.set(id, (joined.get(id) ?? 0) + n));
  for (const g of directory.groups) {
    let group = await tx.group.findUnique({
      where: { workspaceId_name: { workspaceId, name: g.name } },
    });
    if (!group) {
      group = await tx.group.create({
        data: {
          workspaceId,
          name: g.name,
          costCenter: g.costCenter,
          source: directory.source,
          externalId: g.externalId ?? null,
        },
      });
      counts.groupsCreated++;
    }
    if (group.source !== directory.source) continue; // a group someone made by hand is not ours to rewrite
    const memberIds = [
      ...new Set(
        g.memberEmails.map((e) => existing.get(e.toLowerCase())).filter((id): id is string => !!id),
      ),
    ];
    const managerIds = [
      ...new Set(
        g.managerEmails
          .map((e) => existing.get(e.toLowerCase()))
          .filter((id): id is string => !!id),
      ),
    ];
    const have = new Set(
      (
        await tx.groupMember.findMany({ where: { groupId: group.id }, select: { memberId: true } })
      ).map((m) => m.memberId),
    );
    const keep = new Set(memberIds);
    const remove = [...have].filter((id) => !keep.has(id));
    if (remove.length)
      counts.membershipsChanged += (
        await tx.groupMember.deleteMany({ where: { groupId: group.id, memberId: { in: remove } } })
      ).count;
    const add = memberIds.filter((id) => !have.has(id));
    if (add.length)
      counts.membershipsChanged += (
        await tx.groupMember.createMany({
          data: add.map((memberId) => ({ groupId: group.id, memberId })),
        })
      ).count;
    if (remove.length || add.length) {
      changedGroups.push(group.id);
      join(remove, -1);
      join(add, 1);
    }
    counts.membershipsChanged += (
      await tx.groupManager.deleteMany({
        where: { groupId: group.id, memberId: { notIn: managerIds } },
      })
    ).count;
    const haveManagers = new Set(
      (
        await tx.groupManager.findMany({ where: { groupId: group.id }, select: { memberId: true } })
      ).map((m) => m.memberId),
    );
    const addManagers = managerIds.filter((id) => !haveManagers.has(id));
    if (addManagers.length)
      counts.membershipsChanged += (
        await tx.groupManager.createMany({
          data: addManagers.map((memberId) => ({ groupId: group.id, memberId })),
        })
      ).count;
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
