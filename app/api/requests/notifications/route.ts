import { json, sessionRoute } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { readNoBody } from "@/lib/http/read-json";
import { markAllRead } from "@/lib/notifications/notify";

export const POST = sessionRoute(["spend:read:own"], async (req, { actor }) => {
  await readNoBody(req);
  return json({ marked: await markAllRead(db(), actor, now()) });
});
