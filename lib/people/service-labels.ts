/**
 * For reads that load members without their kind (the effective-limit loader, the simulator,
 * the digest): the workspace's service accounts with what their label needs, so such a row is
 * labelled by lib/people/member-label.ts like any other. Service accounts are few (one per key
 * or project), so one small query per screen or message batch.
 */
import "server-only";

import type { Db } from "../server/db";
import { MEMBER_LABEL_SELECT, type LabelSubject } from "./member-label";

export type ServiceAccounts = ReadonlyMap<string, LabelSubject>;

export async function loadServiceAccounts(db: Db, workspaceId: string): Promise<ServiceAccounts> {
  const rows = await db.member.findMany({
    where: { workspaceId, kind: "SERVICE" },
    select: { id: true, ...MEMBER_LABEL_SELECT },
  });
  return new Map(rows.map(({ id, ...m }) => [id, m]));
}

/** A member row loaded without kind and owner, as the label needs it. */
export function labelSubject(
  services: ServiceAccounts,
  id: string,
  m: { name: string; email: string },
): LabelSubject {
  return services.get(id) ?? { name: m.name, email: m.email, kind: "PERSON" };
}
