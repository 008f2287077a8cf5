import { z } from "zod";

import { json } from "@/lib/auth/guards";
import { tokenRoute } from "@/lib/auth/token-route";
import { microsToDecimal } from "@/lib/core/money";
import { tokenDecider } from "@/lib/requests/decide-credit-request";
import { listForApi } from "@/lib/requests/request-queue";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

const query = z.object({
  status: z
    .enum(["PENDING", "APPROVED", "DENIED", "CANCELLED", "EXPIRED", "ALL"])
    .default("PENDING"),
});

/** The requests the token's creator may decide (all for an admin, their groups' for a manager), oldest first. */
export const GET = tokenRoute("requests:decide", async (req, { token }) => {
  const { status } = query.parse({
    status: new URL(req.url).searchParams.get("status") ?? undefined,
  });
  const decider = await tokenDecider(db(), token);
  const items = await listForApi(db(), decider.actor, status, now());
  // amounts as exact decimal text in the budget unit; the snapshot keeps its micro-unit strings
  return json({
    requests: items.map((r) => ({
      ...r,
      amount: microsToDecimal(r.amountMicros),
      granted: r.grantedMicros === null ? null : microsToDecimal(r.grantedMicros),
      amountMicros: undefined,
      grantedMicros: undefined,
    })),
  });
});
