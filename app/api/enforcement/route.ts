import { json, sessionRoute } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import { serialize } from "@/lib/core/serialize";
import { dbReady } from "@/lib/db";
import { enforcementScreen } from "@/lib/enforce/screen";

export const GET = sessionRoute(["connections:manage"], async (_req, { actor }) =>
  json(serialize(await enforcementScreen(await dbReady(), actor.workspaceId, now()))),
);
