/**
 * Imports GitHub Copilot usage (AI credits per person and day), seat holders and cost centers
 * with the GitHub connector's token, through the ingestion engine: a `github_copilot`
 * Connection shares the connector's encrypted token, and each run re-reads the trailing days
 * GitHub may still restate.
 */
import "server-only";

import type { AuditActor } from "../audit/audit";
import { addDays, toDayKey } from "../core/period";
import { decryptSecret } from "../crypto/secrets";
import { githubCopilotAdapter, githubCopilotConfigSchema } from "../ingest/adapters/github-copilot";
import { runSync, type SyncResult } from "../ingest/sync";
import type { Db } from "../server/db";
import { getConnector } from "./connectors";
import { connectionForConnector } from "./vendor-connection";

export async function importGithub(
  db: Db,
  workspaceId: string,
  connectorId: string,
  actor: AuditActor,
  now: Date,
  opts: { backfillDays?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<SyncResult> {
  const c = await getConnector(db, workspaceId, connectorId);
  if (c.vendor !== "github" || !c.vendorWorkspaceId) throw new Error("not a GitHub connector");
  const config = githubCopilotConfigSchema.parse({ target: c.vendorWorkspaceId });
  const connection = await connectionForConnector(db, workspaceId, c, actor, {
    kind: "github_copilot",
    name: `GitHub Copilot ${c.vendorWorkspaceId}`,
    config,
  });
  const today = toDayKey(now);
  const backfillFrom = addDays(today, -(opts.backfillDays ?? 30));
  const start = connection.syncedThrough
    ? addDays(connection.syncedThrough, -config.trailingDays)
    : backfillFrom;
  return runSync({
    db,
    connectionId: connection.id,
    adapter: githubCopilotAdapter({
      baseUrl: c.baseUrl,
      token: decryptSecret(c.encryptedKey),
      config,
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
    }),
    window: { start: start < backfillFrom ? backfillFrom : start, end: today },
    trigger: "enforcement",
    actor,
  });
}
