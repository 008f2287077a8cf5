import { json, sessionRoute } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import { dbReady } from "@/lib/db";
import { enforcementActionSchema, runEnforcementAction } from "@/lib/enforce/actions";
import { readJsonBody } from "@/lib/http/read-json";

export const POST = sessionRoute(["connections:manage"], async (req, { actor }) => {
  const action = await readJsonBody(req, enforcementActionSchema);
  return json(await runEnforcementAction(await dbReady(), actor, action, now()));
});
