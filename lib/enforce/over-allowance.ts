/**
 * The continuous check: every person for whom the vendors together allow more than Allotment,
 * computed from the vendor state (the last read or write of each vendor) against the effective
 * limits now — not from drift rows or job outcomes, so a failed revert, a console raise seen at
 * the last read or a lowering still queued all show up here until the vendors agree again.
 */
import "server-only";

import { formatAmount } from "../core/money";
import { loadWorkspaceEffectiveLimits } from "../limits/load-effective-limits";
import type { Db } from "../server/db";
import {
  describeVendorAmount,
  vendorToBudgetCeil,
  type BudgetUnit,
  type VendorUnit,
} from "../vendors/units";
import { OPEN_JOB } from "./vendor-job-queue";

export interface OverAllowanceRow {
  memberId: string;
  name: string;
  email: string;
  allotmentText: string;
  /** what the vendors allow together (budget unit; "unlimited" when one does) */
  vendorsText: string;
  excessText: string;
  perVendor: { vendor: string; text: string; readAt: Date }[];
  /** a write that would fix it is queued or retrying */
  fixing: boolean;
}

export async function overAllowance(
  db: Db,
  workspaceId: string,
  now: Date,
): Promise<OverAllowanceRow[]> {
  const ws = await db.workspace.findUniqueOrThrow({
    where: { id: workspaceId },
    select: { budgetUnit: true, usdPerCreditMicros: true },
  });
  const unit = ws.budgetUnit as BudgetUnit;
  const connectors = await db.vendorConnector.findMany({ where: { workspaceId } });
  const states = await db.vendorLimitState.findMany({ where: { workspaceId } });
  if (!states.length) return [];
  const limits = await loadWorkspaceEffectiveLimits(db, workspaceId, now);
  const open = new Set(
    (
      await db.vendorJob.findMany({
        where: { workspaceId, ...OPEN_JOB },
        select: { memberId: true },
      })
    ).map((j) => j.memberId),
  );
  const byConnector = new Map(connectors.map((c) => [c.id, c]));
  const out: OverAllowanceRow[] = [];
  for (const m of limits.members) {
    const e = m.effective;
    if (e.level === "NONE" || e.limitMicros === null) continue;
    const mine = states.filter(
      (s) => s.memberId === m.memberId && byConnector.get(s.connectorId)?.vendorUnit,
    );
    if (!mine.length) continue;
    let sum: bigint | null = 0n;
    const perVendor = mine.map((s) => {
      const c = byConnector.get(s.connectorId)!;
      const vu = c.vendorUnit as VendorUnit;
      const v = vendorToBudgetCeil(s.effectiveMicros, unit, vu, ws.usdPerCreditMicros);
      sum = sum === null || v === null ? null : sum + v;
      return {
        vendor: c.vendor,
        text: describeVendorAmount(s.effectiveMicros, vu),
        readAt: s.readAt,
      };
    });
    const total = sum as bigint | null;
    if (total !== null && total <= e.limitMicros) continue;
    out.push({
      memberId: m.memberId,
      name: m.name,
      email: m.email,
      allotmentText: formatAmount(e.limitMicros, unit),
      vendorsText: total === null ? "unlimited" : formatAmount(total, unit),
      excessText: total === null ? "unlimited" : formatAmount(total - e.limitMicros, unit),
      perVendor,
      fixing: open.has(m.memberId),
    });
  }
  return out;
}
