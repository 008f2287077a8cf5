/**
 * Imports GitHub Copilot usage (AI credits per person and day), seat holders and cost centers
 * with the GitHub connector's token, through the ingestion engine: a `github_copilot`
 * Connection shares the connector's encrypted token, and each run re-reads the trailing days
 * GitHub may still restate.
 */
import "server-only";

import { writeAudit, type AuditActor } from "../audit";
import { decryptSecret } from "../crypto/secrets";
import type { Db } from "../db";
import { githubCopilotAdapter, githubCopilotConfigSchema } from "../ingest/adapters/github-copilot";
import { runSync, type SyncResult } from "../ingest/sync";
import { addDays, toDayKey } from "../period";
import { getConnector } from "./connectors";

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
  let connection = c.connectionId
    ? await db.connection.findFirst({ where: { id: c.connectionId, workspaceId } })
    : null;
  if (!connection) {
    connection = await db.$transaction(async (tx) => {
      const created = await tx.connection.create({
        data: {
          workspaceId,
          kind: "github_copilot",
          name: `GitHub Copilot ${c.vendorWorkspaceId}`,
          baseUrl: c.baseUrl,
          encryptedKey: c.encryptedKey,
          keyHint: c.keyHint,
          configJson: JSON.stringify(config),
        },
      });
      await tx.vendorConnector.update({ where: { id: c.id }, data: { connectionId: created.id } });
      await writeAudit(tx, {
        workspaceId,
        actor,
        action: "connection.create",
        targetType: "Connection",
        targetId: created.id,
        after: { kind: "github_copilot", name: created.name, from: "enforcement connector" },
      });
      return created;
    });
  } else if (connection.encryptedKey !== c.encryptedKey || connection.baseUrl !== c.baseUrl) {
    connection = await db.connection.update({
      where: { id: connection.id },
      data: { encryptedKey: c.encryptedKey, keyHint: c.keyHint, baseUrl: c.baseUrl },
    });
  }
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
