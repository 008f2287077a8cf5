import { channelInputSchema, createChannel, listChannels } from "@/lib/alerts/channels";
import { json, sessionRoute } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import { db } from "@/lib/server/db";

export const GET = sessionRoute(["alerts:read"], async (_req, { actor }) =>
  json({ channels: await listChannels(db(), actor.workspaceId) }),
);

export const POST = sessionRoute(["alerts:manage"], async (req, { actor }) => {
  const input = await readJsonBody(req, channelInputSchema);
  return json(await createChannel(db(), actor, input), { status: 201 });
});
