import { json, sessionRoute } from "@/lib/auth/guards";
import { listConnections, listRuns } from "@/lib/connections/connections";
import { db } from "@/lib/db";

/** Connections (keys masked) and recent runs of the caller's workspace, for the UI and operators. */
export const GET = sessionRoute(["connections:manage"], async (_req, { actor }) => {
  const [connections, runs] = await Promise.all([listConnections(db(), actor.workspaceId), listRuns(db(), actor.workspaceId, undefined, 20)]);
  return json({ connections, runs });
});
