/**
 * The chargeback export as one use case: resolve the period, write the audit event, and
 * hand back the stream and file name. Also the on-screen preview (first rows + totals).
 */
import "server-only";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import type { BudgetPeriod, Period } from "../core/period";
import { addUsageSums, zeroUsageSums, type UsageSums } from "../core/usage-sums";
import type { Db } from "../server/db";
import { chargebackChunks, type ChargebackRow } from "./chargeback";
import { chargebackCsvStream, chargebackFileName } from "./chargeback-csv";
import {
  canonicalDimensions,
  resolveExportPeriod,
  type ChargebackDimension,
  type ExportQuery,
} from "./params";

async function periodFor(db: Db, actor: Actor, q: ExportQuery, now: Date): Promise<Period> {
  const ws = await db.workspace.findUniqueOrThrow({
    where: { id: actor.workspaceId },
    select: { budgetPeriod: true, timezone: true },
  });
  return resolveExportPeriod(
    q,
    { budgetPeriod: ws.budgetPeriod as BudgetPeriod, timezone: ws.timezone },
    now,
  );
}

export async function startChargebackExport(db: Db, actor: Actor, q: ExportQuery, now: Date) {
  const period = await periodFor(db, actor, q, now);
  const dimensions = canonicalDimensions(q.group_by);
  const fileName = chargebackFileName(actor.workspaceSlug, period, dimensions);
  await db.$transaction(async (tx) => {
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "export.chargeback",
      targetType: "export",
      targetId: fileName,
      after: { kind: "chargeback", period, groupBy: dimensions },
    });
  });
  return {
    fileName,
    period,
    stream: chargebackCsvStream(db, { workspaceId: actor.workspaceId, period, dimensions }),
  };
}

export interface ChargebackPreview {
  period: Period;
  groupBy: ChargebackDimension[];
  fileName: string;
  /** the first rows, in file order */
  rows: ChargebackRow[];
  rowCount: number;
  /** billed and usage totals; seatEstimateMicros is the Claude Code seat estimate, never billed */
  totals: UsageSums & { seatEstimateMicros: bigint };
}

/** The first rows and the totals of exactly what the download will contain. */
export async function previewChargeback(
  db: Db,
  actor: Actor,
  q: ExportQuery,
  now: Date,
  limit = 15,
): Promise<ChargebackPreview> {
  const period = await periodFor(db, actor, q, now);
  const dims = canonicalDimensions(q.group_by);
  const totals = { ...zeroUsageSums(), seatEstimateMicros: 0n };
  const rows: ChargebackRow[] = [];
  let rowCount = 0;
  for await (const chunk of chargebackChunks(db, {
    workspaceId: actor.workspaceId,
    period,
    dimensions: dims,
  })) {
    for (const r of chunk) {
      addUsageSums(totals, r);
      totals.seatEstimateMicros += r.seatEstimateMicros;
      rowCount++;
      if (rows.length < limit) rows.push(r);
    }
  }
  return {
    period,
    groupBy: dims,
    fileName: chargebackFileName(actor.workspaceSlug, period, dims),
    rows,
    rowCount,
    totals,
  };
}
