/**
 * Imports ChatGPT Enterprise usage (credits), the roster and groups with the connector's
 * key, through the ingestion engine: a `chatgpt` Connection shares the connector's encrypted
 * key, and each run re-reads the trailing days the vendor may still revise.
 */
import "server-only";

import type { AuditActor } from "../audit/audit";
import { addDays, toDayKey } from "../core/period";
import { decryptSecret } from "../crypto/secrets";
import { chatgptAdapter, chatgptConfigSchema, chatgptSyncWindow } from "../ingest/adapters/chatgpt";
import { runSync, type SyncResult } from "../ingest/sync";
import type { Db } from "../server/db";
import { getConnector } from "./connectors";
import { connectionForConnector } from "./vendor-connection";

export async function importChatgpt(
  db: Db,
  workspaceId: string,
  connectorId: string,
  actor: AuditActor,
  now: Date,
  opts: { backfillDays?: number; retry?: { attempts?: number; baseDelayMs?: number } } = {},
): Promise<SyncResult> {
  const c = await getConnector(db, workspaceId, connectorId);
  if (c.vendor !== "chatgpt" || !c.vendorWorkspaceId) throw new Error("not a ChatGPT connector");
  const config = chatgptConfigSchema.parse({ workspaceId: c.vendorWorkspaceId });
  const connection = await connectionForConnector(db, workspaceId, c, actor, {
    kind: "chatgpt",
    name: `ChatGPT Enterprise ${c.vendorWorkspaceId}`,
    config,
  });
  const ws = await db.workspace.findUniqueOrThrow({
    where: { id: workspaceId },
    select: { usdPerCreditMicros: true },
  });
  const today = toDayKey(now);
  const window = chatgptSyncWindow(
    connection.syncedThrough,
    today,
    config.trailingDays,
    addDays(today, -(opts.backfillDays ?? 30)),
  );
  const adapter = chatgptAdapter({
    baseUrl: c.baseUrl,
    apiKey: decryptSecret(c.encryptedKey),
    config,
    usdPerCreditMicros: ws.usdPerCreditMicros,
    retry: opts.retry,
  });
  return runSync({
    db,
    connectionId: connection.id,
    adapter,
    window,
    trigger: "enforcement",
    actor,
  });
}
