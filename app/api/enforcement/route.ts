import { json, sessionRoute } from "@/lib/auth/guards";
import { serialize } from "@/lib/core/serialize";
import { enforcementScreen } from "@/lib/enforce/screen";
import { now } from "@/lib/server/clock";
import { dbReady } from "@/lib/server/db";

export const GET = sessionRoute(["connections:manage"], async (_req, { actor }) =>
  json(serialize(await enforcementScreen(await dbReady(), actor.workspaceId, now()))),
);
