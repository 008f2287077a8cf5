import { z } from "zod";

import { deleteChannel } from "@/lib/alerts/channels";
import { json, sessionRoute } from "@/lib/auth/guards";
import { readNoBody } from "@/lib/http/read-json";
import { db } from "@/lib/server/db";

const params = z.object({ id: z.string().min(1).max(64) });

export const DELETE = sessionRoute(["alerts:manage"], async (req, ctx) => {
  const { id } = params.parse(ctx.params);
  await readNoBody(req);
  await deleteChannel(db(), ctx.actor, id);
  return json({ ok: true });
});
