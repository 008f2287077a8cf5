import { z } from "zod";

import { json, sessionRoute } from "@/lib/auth/guards";
import { readNoBody } from "@/lib/http/read-json";
import { markRead } from "@/lib/notifications/inbox";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

const params = z.object({ id: z.string().min(1).max(64) });

/** Marks one of the caller's notifications read (the bell, when it is opened). */
export const POST = sessionRoute(["spend:read:own"], async (req, ctx) => {
  const { id } = params.parse(ctx.params);
  await readNoBody(req);
  await markRead(db(), ctx.actor, id, now());
  return json({ read: true });
});
