import { z } from "zod";

import { json, sessionRoute } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import { MAX_SIMULATED_PERIODS } from "@/lib/limits/simulate-input";
import { productFields, requireKnownProducts } from "@/lib/products/load-known-products";
import { previewAutoPolicy } from "@/lib/requests/auto-approve";
import { autoPolicySchema } from "@/lib/requests/auto-approve-rules";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

const previewSchema = z
  .object({
    policy: autoPolicySchema,
    periods: z.coerce
      .number({ message: "periods must be a number" })
      .int("periods must be a whole number")
      .min(1, "periods must be at least 1")
      .max(MAX_SIMULATED_PERIODS, `periods must be at most ${MAX_SIMULATED_PERIODS}`)
      .default(3),
  })
  .strict();

/** Which past requests the policy as typed would have approved at once (nothing is written). */
export const POST = sessionRoute(["requests:auto-approve"], async (req, { actor }) => {
  const { policy, periods } = await readJsonBody(req, previewSchema);
  await requireKnownProducts(
    db(),
    actor.workspaceId,
    productFields(["policy", "products"], policy.products),
  );
  return json(await previewAutoPolicy(db(), actor, policy, periods, now()));
});
