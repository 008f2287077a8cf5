import { z } from "zod";

import { json, sessionRoute } from "@/lib/auth/guards";
import { testConnection } from "@/lib/connections/connections";
import { readNoBody } from "@/lib/http/read-json";
import { db } from "@/lib/server/db";

const params = z.object({ id: z.string().min(1).max(64) });

/** Asks the provider whether the stored key works; writes nothing. */
export const POST = sessionRoute(["connections:manage"], async (req, ctx) => {
  const { id } = params.parse(ctx.params);
  await readNoBody(req);
  return json(await testConnection(db(), ctx.actor.workspaceId, id));
});
