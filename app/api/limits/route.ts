import { json, sessionRoute } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { getLimitsOverview } from "@/lib/limits/limits-screen";

export const GET = sessionRoute(["limits:read:all", "spend:read:groups"], async (_req, { actor }) =>
  json(await getLimitsOverview(db(), actor, now())),
);
