import { z } from "zod";

import { json, sessionRoute } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import { denyRequest } from "@/lib/requests/decide-credit-request";
import { denySchema } from "@/lib/requests/request-input";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

const params = z.object({ id: z.coerce.number().int().positive() });

export const POST = sessionRoute(
  ["requests:decide:all", "requests:decide:groups"],
  async (req, ctx) => {
    const { id } = params.parse(ctx.params);
    return json(
      await denyRequest(
        db(),
        { kind: "member", actor: ctx.actor },
        id,
        await readJsonBody(req, denySchema),
        now(),
      ),
    );
  },
);
