import { z } from "zod";

import { json, sessionRoute } from "@/lib/auth/guards";
import { readNoBody } from "@/lib/http/read-json";
import { revokeGrant } from "@/lib/requests/auto-approve";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

const params = z.object({ id: z.coerce.number().int().positive() });

/** A decider revokes a grant an auto-approval policy made (its override ends now). */
export const POST = sessionRoute(
  ["requests:decide:all", "requests:decide:groups"],
  async (req, ctx) => {
    const { id } = params.parse(ctx.params);
    await readNoBody(req);
    await revokeGrant(db(), { kind: "member", actor: ctx.actor }, id, now());
    return json({ ok: true });
  },
);
