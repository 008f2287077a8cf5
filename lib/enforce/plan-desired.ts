/** Allotment's effective limit per member, expressed in a vendor's unit (from the limits loader). */
import "server-only";
import type { Db } from "../db";
import { loadWorkspaceLimits } from "../limits/load-effective-limits";
import type { ConnectorRow } from "./connectors";
import { toVendorMicros, type VendorUnit } from "./units";

export interface DesiredRow {
  memberId: string;
  name: string;
  email: string;
  micros: bigint | null;
  managed: boolean;
  expiresAt: Date | null;
  reason: string;
}

/** Allotment's effective limit per member in the vendor's unit, with its reason and end. */
export async function desiredLimits(db: Db, c: ConnectorRow, unit: VendorUnit, now: Date, memberIds?: string[]): Promise<Map<string, DesiredRow>> {
  const ws = await db.workspace.findUniqueOrThrow({ where: { id: c.workspaceId }, select: { budgetUnit: true, usdPerCreditMicros: true } });
  const limits = await loadWorkspaceLimits(db, c.workspaceId, now, memberIds ? new Set(memberIds) : undefined);
  const policyIds = limits.members.map((m) => m.effective.policyId).filter((id): id is string => !!id);
  const expiry = new Map((await db.limitPolicy.findMany({ where: { id: { in: [...new Set(policyIds)] } }, select: { id: true, expiresAt: true } })).map((p) => [p.id, p.expiresAt]));
  const out = new Map<string, DesiredRow>();
  for (const m of limits.members) {
    const managed = m.effective.level !== "NONE";
    out.set(m.memberId, {
      memberId: m.memberId,
      name: m.name,
      email: m.email,
      managed,
      micros: managed ? toVendorMicros(m.effective.limitMicros, ws.budgetUnit, unit, ws.usdPerCreditMicros) : null,
      expiresAt: m.effective.policyId ? (expiry.get(m.effective.policyId) ?? null) : null,
      reason: managed ? m.effective.reason : "no Allotment limit: the vendor's own defaults apply",
    });
  }
  return out;
}

