import { z } from "zod";

import { json, sessionRoute } from "@/lib/auth/guards";
import { NotFoundError } from "@/lib/core/errors";
import { policyHistory } from "@/lib/limits/write-policy";
import { db } from "@/lib/server/db";

const params = z.object({ id: z.string().min(1).max(64) });

/**
 * A policy's change history in the actor's workspace. Another workspace's policy (or an
 * unknown id) is 404, not an empty list; a deleted policy of this workspace keeps its history.
 */
export const GET = sessionRoute(["limits:read:all"], async (_req, ctx) => {
  const { id } = params.parse(ctx.params);
  const entries = await policyHistory(db(), ctx.actor.workspaceId, id);
  if (entries.length === 0) {
    const own = await db().limitPolicy.findFirst({
      where: { id, workspaceId: ctx.actor.workspaceId },
      select: { id: true },
    });
    if (!own) throw new NotFoundError();
  }
  return json(entries);
});
