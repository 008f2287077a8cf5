/**
 * Stores a page's provider cost lines as reported (own currency, exact amount, the USD
 * conversion or a missing-rate flag): the connection's lines of the page's complete days are
 * replaced, like its usage rows. Lines with the same key in one page are added up.
 */
import { parseDecimalScaled } from "../core/money";
import { decimalText, scaledToText } from "../currency/convert";
import type { Tx } from "../server/db";
import type { CostLine } from "./types";

export async function replaceCostLines(
  tx: Tx,
  target: { workspaceId: string; connectionId: string; runId: string },
  days: string[],
  lines: CostLine[],
): Promise<void> {
  if (days.length)
    await tx.providerCostLine.deleteMany({
      where: { connectionId: target.connectionId, day: { in: days } },
    });
  const merged = new Map<string, CostLine>();
  for (const l of lines) {
    const key = [l.day, l.scope, l.lineItem, l.currency].join("\u0001");
    const prev = merged.get(key);
    if (!prev) merged.set(key, { ...l });
    else {
      prev.amount = scaledToText(
        parseDecimalScaled(prev.amount, 22) + parseDecimalScaled(l.amount, 22),
        22,
      );
      prev.amountMissing ||= l.amountMissing;
      prev.usdMicros =
        prev.usdMicros === null || l.usdMicros === null ? null : prev.usdMicros + l.usdMicros;
    }
  }
  if (!merged.size) return;
  await tx.providerCostLine.createMany({
    data: [...merged.values()].map((l) => ({
      workspaceId: target.workspaceId,
      connectionId: target.connectionId,
      day: l.day,
      provider: l.provider,
      scope: l.scope,
      lineItem: l.lineItem,
      currency: l.currency,
      amount: decimalText(l.amount),
      amountMissing: l.amountMissing,
      usdMicros: l.usdMicros,
      rateMissing: l.usdMicros === null,
      lastRunId: target.runId,
    })),
  });
}
