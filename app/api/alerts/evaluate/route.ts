import { evaluateAlerts } from "@/lib/alerts/evaluate";
import { json, sessionRoute } from "@/lib/auth/guards";
import { readNoBody } from "@/lib/http/read-json";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

/** "Check now": the same evaluation the scheduler runs after each sync. */
export const POST = sessionRoute(["alerts:manage"], async (req, { actor }) => {
  await readNoBody(req);
  return json(await evaluateAlerts(db(), actor.workspaceId, now()));
});
