import { json, sessionRoute } from "@/lib/auth/guards";
import { db } from "@/lib/db";
import { deleteChannel } from "@/lib/alerts/channels";

export const DELETE = sessionRoute(["alerts:manage"], async (_req, { actor, params }) => {
  await deleteChannel(db(), actor, String(params.id));
  return json({ ok: true });
});
