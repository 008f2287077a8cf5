import { json, sessionRoute } from "@/lib/auth/guards";
import { enforcementActionSchema, runEnforcementAction } from "@/lib/enforce/actions";
import { readJsonBody } from "@/lib/http/read-json";
import { now } from "@/lib/server/clock";
import { dbReady } from "@/lib/server/db";

export const POST = sessionRoute(["connections:manage"], async (req, { actor }) => {
  const action = await readJsonBody(req, enforcementActionSchema);
  return json(await runEnforcementAction(await dbReady(), actor, action, now()));
});
