import { json } from "@/lib/auth/guards";
import { tokenRoute } from "@/lib/auth/token-route";
import { readJsonBody } from "@/lib/http/read-json";
import { simulate, tokenSimulator } from "@/lib/limits/simulate";
import { simulateSchema } from "@/lib/limits/simulate-input";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

/**
 * The limit simulator for planning scripts: the same answer as the editors' preview. The
 * token acts for the person who created it, whose rights decide what may be simulated.
 */
export const POST = tokenRoute("limits:simulate", async (req, { token }) => {
  const input = await readJsonBody(req, simulateSchema);
  return json(await simulate(db(), await tokenSimulator(db(), token), input, now()));
});
