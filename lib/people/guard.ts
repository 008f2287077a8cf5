/** Who may change people and groups, and the workspace lock that keeps "the last owner" true. */
import "server-only";

import type { Actor } from "../auth/actor";
import { can } from "../auth/permissions";
import { ForbiddenError, InvalidInputError } from "../core/errors";
import type { Tx } from "../server/db";

export function assertManagesPeople(actor: Actor): void {
  if (!can(actor, "members:manage"))
    throw new ForbiddenError("Only owners and admins can change people");
}

export function assertManagesGroups(actor: Actor): void {
  if (!can(actor, "groups:manage"))
    throw new ForbiddenError("Only owners and admins can change groups");
}

/** Owners alone make owners, and change or end an owner's role. */
export function assertMayChangeRole(actor: Actor, from: string, to: string): void {
  if ((from === "OWNER" || to === "OWNER") && actor.role !== "OWNER") {
    throw new ForbiddenError(
      from === "OWNER"
        ? "Only an owner can change an owner's role"
        : "Only an owner can make someone an owner",
    );
  }
}

/**
 * Takes the workspace row's lock for the rest of the transaction (PostgreSQL row lock; SQLite
 * writes one transaction at a time anyway), so two owners demoting each other at once are
 * decided one after the other and the second sees the first's change.
 */
export async function lockWorkspace(tx: Tx, workspaceId: string): Promise<void> {
  await tx.workspace.update({
    where: { id: workspaceId },
    data: { configVersion: { increment: 1 } },
    select: { id: true },
  });
}

/** After the change, inside the lock: a workspace keeps at least one active owner. */
export async function assertOwnerLeft(tx: Tx, workspaceId: string, field: string): Promise<void> {
  const owners = await tx.member.count({ where: { workspaceId, role: "OWNER", active: true } });
  if (owners === 0)
    throw new InvalidInputError(
      "The workspace needs at least one active owner: make someone else an owner first",
      field,
    );
}
