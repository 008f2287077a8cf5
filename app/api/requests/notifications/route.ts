import { json, sessionRoute } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import { db } from "@/lib/db";
import { markAllRead } from "@/lib/notifications/notify";

export const POST = sessionRoute(["spend:read:own"], async (_req, { actor }) => json({ marked: await markAllRead(db(), actor, now()) }));
