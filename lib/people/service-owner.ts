/**
 * A service account's owner (lib/people/service-accounts.ts): always an active person of the
 * workspace, and changing it is audited in the transaction that makes it.
 */
import "server-only";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import { InvalidInputError } from "../core/errors";
import type { Tx } from "../server/db";
import type { Named } from "./memberships";

/** The person a service account is owned by: an active person of the workspace. */
export async function serviceOwner(
  tx: Tx,
  workspaceId: string,
  ownerId: string,
  field: string,
): Promise<Named> {
  const owner = await tx.member.findFirst({
    where: { id: ownerId, workspaceId },
    select: { id: true, name: true, active: true, kind: true },
  });
  if (!owner)
    throw new InvalidInputError("Choose the person responsible for it from the list", field);
  if (owner.kind === "SERVICE")
    throw new InvalidInputError(
      `${owner.name} is a service account: a person owns a service account`,
      field,
    );
  if (!owner.active)
    throw new InvalidInputError(`${owner.name} is deactivated: choose someone active`, field);
  return { id: owner.id, name: owner.name };
}

/** Changes a service account's owner (inside updateMember's transaction), audited. */
export async function changeServiceOwner(
  tx: Tx,
  actor: Actor,
  before: { id: string; name: string; kind: string; ownerId: string | null },
  ownerId: string,
): Promise<void> {
  if (before.kind !== "SERVICE")
    throw new InvalidInputError(
      `${before.name} is a person: only a service account has an owner`,
      "ownerId",
    );
  if (ownerId === before.ownerId) return;
  const owner = await serviceOwner(tx, actor.workspaceId, ownerId, "ownerId");
  const previous = before.ownerId
    ? await tx.member.findUnique({
        where: { id: before.ownerId },
        select: { id: true, name: true },
      })
    : null;
  await tx.member.update({ where: { id: before.id }, data: { ownerId: owner.id } });
  await writeAudit(tx, {
    workspaceId: actor.workspaceId,
    actor: auditActor(actor),
    action: "member.owner",
    targetType: "Member",
    targetId: before.id,
    before: { name: before.name, owner: previous },
    after: { name: before.name, owner },
  });
}
