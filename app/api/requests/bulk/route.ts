import { json, sessionRoute } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import { bulkDecisionSchema, decideMany } from "@/lib/requests/bulk-decide";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

// each request is decided on its own through lib/requests/decide-credit-request.ts (its checks, its audit
// event); the answer lists every request's outcome, so a partial failure is reported per request
export const POST = sessionRoute(
  ["requests:decide:all", "requests:decide:groups"],
  async (req, ctx) =>
    json(
      await decideMany(
        db(),
        { kind: "member", actor: ctx.actor },
        await readJsonBody(req, bulkDecisionSchema),
        now(),
      ),
    ),
);
