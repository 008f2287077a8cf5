import { json, sessionRoute } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import { memberDecider, simulate } from "@/lib/limits/simulate";
import { simulateSchema } from "@/lib/limits/simulate-input";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

// who may simulate what (the level's write permission, or deciding that request) is checked in lib/limits/simulate
export const POST = sessionRoute(
  ["limits:write", "limits:write:workspace", "requests:decide:all", "requests:decide:groups"],
  async (req, { actor }) => {
    const input = await readJsonBody(req, simulateSchema);
    return json(await simulate(db(), memberDecider(actor), input, now()));
  },
);
