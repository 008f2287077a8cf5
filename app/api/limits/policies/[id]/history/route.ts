import { z } from "zod";
import { json, sessionRoute } from "@/lib/auth/guards";
import { db } from "@/lib/db";
import { policyHistory } from "@/lib/limits/write-policy";

const params = z.object({ id: z.string().min(1).max(64) });

export const GET = sessionRoute(["limits:read:all"], async (_req, ctx) => {
  const { id } = params.parse(ctx.params);
  return json(await policyHistory(db(), ctx.actor.workspaceId, id));
});
