import { json, sessionRoute } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { evaluateAlerts } from "@/lib/alerts/evaluate";

/** "Check now": the same evaluation the scheduler runs after each sync. */
export const POST = sessionRoute(["alerts:manage"], async (_req, { actor }) => json(await evaluateAlerts(db(), actor.workspaceId, now())));
