import { json, sessionRoute } from "@/lib/auth/guards";
import { db } from "@/lib/db";
import { channelInputSchema, createChannel, listChannels } from "@/lib/alerts/channels";

export const GET = sessionRoute(["alerts:read"], async (_req, { actor }) => json({ channels: await listChannels(db(), actor.workspaceId) }));

export const POST = sessionRoute(["alerts:manage"], async (req, { actor }) => {
  const input = channelInputSchema.parse(await req.json());
  return json(await createChannel(db(), actor, input), { status: 201 });
});
