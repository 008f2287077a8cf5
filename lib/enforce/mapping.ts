/**
 * Owner decisions about who is who and how a budget is shared: mapping a vendor user no member
 * matched to a member (recorded as a MemberIdentity, so plans, requests and budget checks by the
 * vendor's user id find them), and the rule that splits one budget across vendors.
 */
import "server-only";

import { writeAudit, type AuditActor } from "../audit/audit";
import { InvalidInputError, NotFoundError } from "../core/errors";
import { attachIdentity } from "../ingest/identities";
import type { Db } from "../server/db";
import type { SplitRule } from "./budget-split";
import { getConnector } from "./connectors";
import { VENDOR_IDENTITY_KIND } from "./vendor-identity";
import { unmatchedOf } from "./vendor-state";

export async function mapVendorUser(
  db: Db,
  workspaceId: string,
  actor: AuditActor,
  connectorId: string,
  vendorUserId: string,
  memberId: string,
): Promise<void> {
  const c = await getConnector(db, workspaceId, connectorId);
  const member = await db.member.findFirst({
    where: { id: memberId, workspaceId, active: true },
    select: { id: true, email: true },
  });
  if (!member) throw new NotFoundError("member");
  const list = unmatchedOf(c);
  const who = list.find((u) => u.userId === vendorUserId);
  await db.$transaction(async (tx) => {
    await attachIdentity(
      tx,
      workspaceId,
      memberId,
      { provider: c.vendor, kind: VENDOR_IDENTITY_KIND, externalId: vendorUserId },
      "That vendor user is already mapped to another member",
    );
    await tx.vendorConnector.update({
      where: { id: c.id },
      data: { unmatchedJson: JSON.stringify(list.filter((u) => u.userId !== vendorUserId)) },
    });
    await writeAudit(tx, {
      workspaceId,
      actor,
      action: "identity.map",
      targetType: "Member",
      targetId: memberId,
      after: {
        provider: c.vendor,
        kind: VENDOR_IDENTITY_KIND,
        vendorUserId,
        vendorEmail: who?.email ?? null,
        member: member.email,
      },
    });
  });
}

export async function setSplitRule(
  db: Db,
  workspaceId: string,
  actor: AuditActor,
  rule: SplitRule,
  vendor: string | null,
): Promise<void> {
  if (rule === "one" && !vendor)
    throw new InvalidInputError("Say which vendor gets the whole remaining budget", "vendor");
  await db.$transaction(async (tx) => {
    const before = await tx.enforcementSetting.findUnique({ where: { workspaceId } });
    const data = {
      splitRule: rule,
      splitVendor: rule === "one" ? vendor : null,
      updatedBy: actor.label,
    };
    await tx.enforcementSetting.upsert({
      where: { workspaceId },
      create: { workspaceId, ...data },
      update: data,
    });
    await writeAudit(tx, {
      workspaceId,
      actor,
      action: "enforcement.split",
      targetType: "workspace",
      targetId: workspaceId,
      before: { rule: before?.splitRule ?? "proportional", vendor: before?.splitVendor ?? null },
      after: { rule, vendor: data.splitVendor },
    });
  });
}
