/**
 * Service accounts: automation (API keys, a provider's service accounts, projects) named, owned
 * by a person and governed like one. One is a Member of kind SERVICE with an owner; its keys are
 * MemberIdentity rows, mapped through lib/connections/identity-mapping.ts, so its spend lands in
 * Usage and top spenders, and limits, the budget check and the effective-limit rule take it as
 * they take a person. It never signs in (lib/auth/actor.ts loads no actor for it), so it files
 * no requests, and it manages no group (./memberships.ts). Creating one, mapping its keys and
 * changing its owner are audited in the transaction that makes them.
 */
import "server-only";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import { mapIdentityInTx } from "../connections/identity-mapping";
import { InvalidInputError } from "../core/errors";
import type { Db } from "../server/db";
import { SERVICE_EMAIL_DOMAIN, serviceEmail } from "./automation";
import type { AddServiceAccountInput } from "./fields";
import { assertManagesPeople, lockWorkspace } from "./guard";
import { getMemberRow, memberSnapshot, type MemberRow } from "./members";
import { addPairs, groupsOf } from "./memberships";
import { serviceOwner } from "./service-owner";

export async function addServiceAccount(
  db: Db,
  actor: Actor,
  input: AddServiceAccountInput,
): Promise<MemberRow & { rowsAttributed: number }> {
  assertManagesPeople(actor);
  const workspaceId = actor.workspaceId;
  return db.$transaction(async (tx) => {
    await lockWorkspace(tx, workspaceId);
    const owner = await serviceOwner(tx, workspaceId, input.ownerId, "ownerId");
    const clash = await tx.member.findFirst({
      where: { workspaceId, kind: "SERVICE", name: input.name },
      select: { id: true },
    });
    if (clash)
      throw new InvalidInputError(
        `There is a service account named ${input.name} already: add the key to it from Connections, or choose another name`,
        "name",
      );
    const groups = await groupsOf(tx, workspaceId, input.groupIds, "groupIds");
    const keys = [
      ...new Map(input.identities.map((i) => [`${i.identityProvider}|${i.identityKey}`, i])),
    ].map(([, i]) => i);
    const taken = new Set(
      (
        await tx.member.findMany({
          where: { workspaceId, email: { endsWith: `@${SERVICE_EMAIL_DOMAIN}` } },
          select: { email: true },
        })
      ).map((m) => m.email),
    );
    const m = await tx.member.create({
      data: {
        workspaceId,
        email: serviceEmail(input.name, taken),
        name: input.name,
        role: "MEMBER",
        kind: "SERVICE",
        ownerId: owner.id,
        costCenter: input.costCenter || null,
      },
    });
    // groups before keys: mapping a key rebuilds its days' rollups, group totals included
    await addPairs(
      tx,
      "member",
      groups.map((g) => ({ groupId: g.id, memberId: m.id })),
    );
    const who = auditActor(actor);
    await writeAudit(tx, {
      workspaceId,
      actor: who,
      action: "member.create",
      targetType: "Member",
      targetId: m.id,
      after: {
        ...memberSnapshot(m),
        kind: "SERVICE",
        owner,
        groups,
        manages: [],
        keys: keys.map((k) => `${k.identityProvider} ${k.identityKey}`),
      },
    });
    let rowsAttributed = 0;
    for (const key of keys) {
      const taken = await tx.memberIdentity.findFirst({
        where: {
          workspaceId,
          provider: key.identityProvider,
          kind: key.identityKey.split(":")[0]!,
          externalId: key.identityKey.slice(key.identityKey.indexOf(":") + 1),
        },
        select: { member: { select: { name: true } } },
      });
      if (taken)
        throw new InvalidInputError(
          `${key.identityKey.slice(key.identityKey.indexOf(":") + 1)} (${key.identityProvider}) belongs to ${taken.member.name} already`,
          "identities",
        );
      rowsAttributed += (await mapIdentityInTx(tx, workspaceId, { ...key, memberId: m.id }, who))
        .rows;
    }
    return { ...(await getMemberRow(tx, workspaceId, m.id)), rowsAttributed };
  });
}
