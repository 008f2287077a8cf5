/**
 * Vendor groups and the Allotment groups that mirror them. Reads record each vendor group they
 * see (ChatGPT names a member's group in the inherited limit's `source`); after an import each
 * one is reported as mirrored (the import made or keeps an Allotment group for it), linked (an
 * owner linked it to an existing group), or not mirrored with the reason — never skipped in
 * silence. Linking copies the vendor group's members (matched by vendor user id) into the group.
 */
import "server-only";

import { writeAudit, type AuditActor } from "../audit/audit";
import { NotFoundError } from "../core/errors";
import type { Db } from "../server/db";
import { chatgptClient, getConnector } from "./connectors";
import { VENDOR_IDENTITY_KIND } from "./vendor-identity";

export interface SeenGroup {
  id: string;
  name: string;
  defaultMicros: bigint | null;
}

export async function recordVendorGroups(
  db: Db,
  c: { id: string; workspaceId: string },
  groups: SeenGroup[],
): Promise<void> {
  for (const g of groups) {
    await db.vendorGroupLink.upsert({
      where: { connectorId_vendorGroupId: { connectorId: c.id, vendorGroupId: g.id } },
      create: {
        workspaceId: c.workspaceId,
        connectorId: c.id,
        vendorGroupId: g.id,
        vendorGroupName: g.name,
        defaultMicros: g.defaultMicros,
      },
      update: { vendorGroupName: g.name, defaultMicros: g.defaultMicros },
    });
  }
}

type GroupRow = { id: string; name: string; source: string; externalId: string | null };
/** groups an import made: ChatGPT groups, GitHub cost centers */
const IMPORTED_SOURCES = new Set(["chatgpt", "github"]);
type LinkRow = { groupId: string | null; vendorGroupId: string; vendorGroupName: string };

/** What became of a vendor group in Allotment, with the reason when it was not mirrored. */
export function classifyVendorGroup(
  l: LinkRow,
  groups: GroupRow[],
): { status: "linked" | "created" | "not_mirrored"; groupId: string | null; note: string } {
  const linked = l.groupId ? groups.find((g) => g.id === l.groupId) : undefined;
  if (linked)
    return {
      status: "linked",
      groupId: linked.id,
      note: `linked to the Allotment group “${linked.name}”`,
    };
  const imported = groups.find(
    (g) =>
      IMPORTED_SOURCES.has(g.source) &&
      (g.externalId === l.vendorGroupId || g.name === l.vendorGroupName),
  );
  if (imported)
    return {
      status: "created",
      groupId: imported.id,
      note: `mirrored as the Allotment group “${imported.name}” (members follow each import)`,
    };
  const clash = groups.find((g) => g.name === l.vendorGroupName && !IMPORTED_SOURCES.has(g.source));
  return {
    status: "not_mirrored",
    groupId: null,
    note: clash
      ? `not mirrored: an Allotment group named “${clash.name}” was made by hand and the import does not rewrite it — link the vendor group to it to mirror its members`
      : "not mirrored yet: run “Import credits and groups”, or link it to an Allotment group",
  };
}

/** After an import: states per vendor group what happened to it; returns one sentence for the screen. */
export async function mirrorChatgptGroups(
  db: Db,
  workspaceId: string,
  connectorId: string,
  actor: AuditActor,
  _now: Date,
): Promise<string> {
  const links = await db.vendorGroupLink.findMany({ where: { connectorId, workspaceId } });
  if (!links.length)
    return "No vendor groups seen yet (ChatGPT names a group only in its members' inherited limits: preview a plan first).";
  const groups = await db.group.findMany({
    where: { workspaceId },
    select: { id: true, name: true, source: true, externalId: true },
  });
  let mirrored = 0;
  const notMirrored: string[] = [];
  for (const l of links) {
    const next = classifyVendorGroup(l, groups);
    if (next.status !== "not_mirrored") mirrored++;
    else notMirrored.push(`${l.vendorGroupName} (${next.note.replace(/^not mirrored: /, "")})`);
    await db.vendorGroupLink.update({ where: { id: l.id }, data: next });
  }
  await db.$transaction((tx) =>
    writeAudit(tx, {
      workspaceId,
      actor,
      action: "enforcement.groups.mirror",
      targetType: "VendorConnector",
      targetId: connectorId,
      after: { mirrored, notMirrored },
    }),
  );
  return `${mirrored} of ${links.length} vendor group(s) mirrored${notMirrored.length ? `; not mirrored: ${notMirrored.join("; ")}` : ""}.`;
}

/** Links a vendor group to an Allotment group and adds the vendor group's members to it (audited). */
export async function linkVendorGroup(
  db: Db,
  workspaceId: string,
  actor: AuditActor,
  connectorId: string,
  vendorGroupId: string,
  groupId: string,
): Promise<number> {
  const c = await getConnector(db, workspaceId, connectorId);
  const link = await db.vendorGroupLink.findUnique({
    where: { connectorId_vendorGroupId: { connectorId: c.id, vendorGroupId } },
  });
  const group = await db.group.findFirst({ where: { id: groupId, workspaceId } });
  if (!link || !group) throw new NotFoundError(!link ? "vendor group" : "group");
  const userIds =
    c.vendor === "chatgpt"
      ? await chatgptClient(db, c, { waitForRate: true }).groupUserIds(vendorGroupId)
      : [];
  const ids = await db.memberIdentity.findMany({
    where: {
      workspaceId,
      provider: c.vendor,
      kind: VENDOR_IDENTITY_KIND,
      externalId: { in: userIds },
    },
    select: { memberId: true },
  });
  const have = new Set(
    (await db.groupMember.findMany({ where: { groupId }, select: { memberId: true } })).map(
      (m) => m.memberId,
    ),
  );
  const add = [...new Set(ids.map((i) => i.memberId))].filter((id) => !have.has(id));
  await db.$transaction(async (tx) => {
    if (add.length)
      await tx.groupMember.createMany({ data: add.map((memberId) => ({ groupId, memberId })) });
    await tx.vendorGroupLink.update({
      where: { id: link.id },
      data: { groupId, status: "linked", note: `linked to the Allotment group “${group.name}”` },
    });
    await writeAudit(tx, {
      workspaceId,
      actor,
      action: "enforcement.groups.link",
      targetType: "Group",
      targetId: groupId,
      after: { vendor: c.vendor, vendorGroup: link.vendorGroupName, membersAdded: add.length },
    });
  });
  return add.length;
}

/** The vendor groups for the screen, each classified against the Allotment groups as they are now. */
export async function vendorGroupLinks(db: Db, workspaceId: string) {
  const groups = await db.group.findMany({
    where: { workspaceId },
    select: { id: true, name: true, source: true, externalId: true },
  });
  return (
    await db.vendorGroupLink.findMany({
      where: { workspaceId },
      orderBy: { vendorGroupName: "asc" },
    })
  ).map((l) => ({ ...l, ...classifyVendorGroup(l, groups) }));
}
