import { json, sessionRoute } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import { dbReady } from "@/lib/db";
import { enforcementActionSchema, runEnforcementAction } from "@/lib/enforce/actions";

export const POST = sessionRoute(["connections:manage"], async (req, { actor }) => {
  const action = enforcementActionSchema.parse(await req.json().catch(() => ({})));
  return json(await runEnforcementAction(await dbReady(), actor, action, now()));
});
