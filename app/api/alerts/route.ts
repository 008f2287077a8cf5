import { z } from "zod";

import { listAlerts } from "@/lib/alerts/list";
import { json, sessionRoute } from "@/lib/auth/guards";
import { db } from "@/lib/server/db";

const query = z.object({ status: z.enum(["OPEN", "RESOLVED"]).optional() });

export const GET = sessionRoute(["alerts:read"], async (req, { actor }) => {
  const q = query.parse(Object.fromEntries(new URL(req.url).searchParams.entries()));
  return json({ alerts: await listAlerts(db(), actor.workspaceId, q) });
});
