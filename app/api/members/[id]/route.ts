import { z } from "zod";
import { getMemberSummary } from "@/lib/analytics/member";
import { spendScopeFor } from "@/lib/analytics/scope";
import { json, sessionRoute } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";

const params = z.object({ id: z.string().min(1).max(64) });

export const GET = sessionRoute(["spend:read:own"], async (_req, ctx) => {
  const { id } = params.parse(ctx.params);
  const scope = await spendScopeFor(db(), ctx.actor);
  return json(await getMemberSummary(db(), scope, id, now()));
});
