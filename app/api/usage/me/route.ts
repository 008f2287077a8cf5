import { getMyUsage } from "@/lib/analytics/my-usage";
import { json, sessionRoute } from "@/lib/auth/guards";
import { spendScopeFor } from "@/lib/auth/scope";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const GET = sessionRoute(["spend:read:own"], async (_req, { actor }) => {
  const scope = await spendScopeFor(db(), actor);
  return json(await getMyUsage(db(), scope, now()));
});
