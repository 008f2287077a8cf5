/**
 * The ingestion Connection an enforcement connector imports through: created on first use
 * (sharing the connector's encrypted key, with its audit event in the same transaction) and
 * re-keyed when the connector's key or base URL has changed since.
 */
import "server-only";

import { writeAudit, type AuditActor } from "../audit/audit";
import type { Db } from "../server/db";
import type { ConnectorRow } from "./connectors";

export async function connectionForConnector(
  db: Db,
  workspaceId: string,
  c: ConnectorRow,
  actor: AuditActor,
  made: { kind: "chatgpt" | "github_copilot"; name: string; config: unknown },
) {
  const connection = c.connectionId
    ? await db.connection.findFirst({ where: { id: c.connectionId, workspaceId } })
    : null;
  if (!connection)
    return db.$transaction(async (tx) => {
      const created = await tx.connection.create({
        data: {
          workspaceId,
          kind: made.kind,
          name: made.name,
          baseUrl: c.baseUrl,
          encryptedKey: c.encryptedKey,
          keyHint: c.keyHint,
          configJson: JSON.stringify(made.config),
        },
      });
      await tx.vendorConnector.update({ where: { id: c.id }, data: { connectionId: created.id } });
      await writeAudit(tx, {
        workspaceId,
        actor,
        action: "connection.create",
        targetType: "Connection",
        targetId: created.id,
        after: { kind: made.kind, name: created.name, from: "enforcement connector" },
      });
      return created;
    });
  if (connection.encryptedKey !== c.encryptedKey || connection.baseUrl !== c.baseUrl)
    return db.connection.update({
      where: { id: connection.id },
      data: { encryptedKey: c.encryptedKey, keyHint: c.keyHint, baseUrl: c.baseUrl },
    });
  return connection;
}
