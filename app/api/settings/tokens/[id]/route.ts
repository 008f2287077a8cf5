import { z } from "zod";

import { json, sessionRoute } from "@/lib/auth/guards";
import { readNoBody } from "@/lib/http/read-json";
import { db } from "@/lib/server/db";
import { revokeToken } from "@/lib/tokens/tokens";

const params = z.object({ id: z.string().min(1).max(64) });

/** Revokes an API token: it stops working at once. */
export const DELETE = sessionRoute(["tokens:manage"], async (req, ctx) => {
  const { id } = params.parse(ctx.params);
  await readNoBody(req);
  await revokeToken(db(), ctx.actor, id);
  return json({ ok: true });
});
