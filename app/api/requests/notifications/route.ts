import { json, sessionRoute } from "@/lib/auth/guards";
import { readNoBody } from "@/lib/http/read-json";
import { markAllRead, REQUEST_NOTIFICATIONS } from "@/lib/notifications/notify";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

/** Marks the request notifications the Requests screen lists as read (the bell's others stay). */
export const POST = sessionRoute(["spend:read:own"], async (req, { actor }) => {
  await readNoBody(req);
  return json({ marked: await markAllRead(db(), actor, now(), REQUEST_NOTIFICATIONS) });
});
