/**
 * Syncs one Claude Code seat-plan row (no bill; the provider's estimate in
 * seatEstimateMicros) through the real sync path, for tests that check the estimate stays
 * out of billed money and shows in its own column.
 */
import { runSync } from "@/lib/ingest/sync";
import type { SourceAdapter, UsageRow } from "@/lib/ingest/types";
import type { Db } from "@/lib/server/db";

export async function syncSeatRow(
  db: Db,
  workspaceId: string,
  opts: { email: string; day: string; seatEstimateMicros: bigint },
): Promise<void> {
  const seats = await db.connection.create({
    data: { workspaceId, kind: "anthropic", name: "seats" },
  });
  const seatRow: UsageRow = {
    day: opts.day,
    provider: "anthropic",
    identity: { provider: "claude_code", kind: "email", externalId: opts.email, email: opts.email },
    product: "claude_code",
    model: "claude-sonnet-4-20250514",
    project: "",
    apiKey: "",
    lineItem: "",
    inputTokens: 5_000n,
    cachedInputTokens: 1_000n,
    outputTokens: 700n,
    requests: 0n,
    estimatedCostMicros: 0n,
    costMicros: 0n,
    creditsMicros: null,
    seatEstimateMicros: opts.seatEstimateMicros,
    unpriced: false,
  };
  const seatSource: SourceAdapter = {
    kind: "anthropic",
    testConnection: async () => ({ ok: true, detail: "" }),
    async *pages() {
      yield { completeDays: [opts.day], rows: [seatRow], nextCursor: null, label: "seats" };
    },
  };
  const res = await runSync({
    db,
    connectionId: seats.id,
    adapter: seatSource,
    window: { start: opts.day, end: opts.day },
  });
  if (res.status !== "SUCCEEDED") throw new Error(`seat row sync ${res.status}`);
}
