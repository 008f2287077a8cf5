import { json, sessionRoute } from "@/lib/auth/guards";
import { unreadInbox } from "@/lib/notifications/inbox";
import { db } from "@/lib/server/db";

/** The header bell: the caller's unread notifications (newest ten) and how many there are. */
export const GET = sessionRoute(["spend:read:own"], async (_req, { actor }) =>
  json(await unreadInbox(db(), actor)),
);
