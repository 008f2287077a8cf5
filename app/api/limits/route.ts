import { json, sessionRoute } from "@/lib/auth/guards";
import { getLimitsOverview } from "@/lib/limits/limits-screen";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const GET = sessionRoute(["limits:read:all", "spend:read:groups"], async (_req, { actor }) =>
  json(await getLimitsOverview(db(), actor, now())),
);
