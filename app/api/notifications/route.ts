import { json, sessionRoute } from "@/lib/auth/guards";
import { db } from "@/lib/db";
import { unreadInbox } from "@/lib/notifications/inbox";

/** The header bell: the caller's unread notifications (newest ten) and how many there are. */
export const GET = sessionRoute(["spend:read:own"], async (_req, { actor }) =>
  json(await unreadInbox(db(), actor)),
);
