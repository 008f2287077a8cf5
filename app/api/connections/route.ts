import { auditActor } from "@/lib/auth/actor";
import { json, sessionRoute } from "@/lib/auth/guards";
import {
  createConnection,
  createConnectionSchema,
  listConnections,
  listRuns,
} from "@/lib/connections/connections";
import { readJsonBody } from "@/lib/http/read-json";
import { db } from "@/lib/server/db";

/** Connections (keys masked) and recent runs of the caller's workspace, for the UI and operators. */
export const GET = sessionRoute(["connections:manage"], async (_req, { actor }) => {
  const [connections, runs] = await Promise.all([
    listConnections(db(), actor.workspaceId),
    listRuns(db(), actor.workspaceId, undefined, 20),
  ]);
  return json({ connections, runs });
});

/** Adds a connection (the admin key is stored encrypted and never answered). */
export const POST = sessionRoute(["connections:manage"], async (req, { actor }) => {
  const data = await readJsonBody(req, createConnectionSchema);
  return json(await createConnection(db(), actor.workspaceId, data, auditActor(actor)), {
    status: 201,
  });
});
