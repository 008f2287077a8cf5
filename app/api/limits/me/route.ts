import { json, sessionRoute } from "@/lib/auth/guards";
import { getMyLimit } from "@/lib/limits/limits-screen";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const GET = sessionRoute(["spend:read:own"], async (_req, { actor }) =>
  json(await getMyLimit(db(), actor, now())),
);
