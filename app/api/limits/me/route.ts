import { json, sessionRoute } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { getMyLimit } from "@/lib/limits/limits-screen";

export const GET = sessionRoute(["spend:read:own"], async (_req, { actor }) =>
  json(await getMyLimit(db(), actor, now())),
);
