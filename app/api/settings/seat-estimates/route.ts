import { json, sessionRoute } from "@/lib/auth/guards";
import { seatSettingSchema, setSeatEstimatesCount } from "@/lib/currency/exchange-rates";
import { readJsonBody } from "@/lib/http/read-json";
import { db } from "@/lib/server/db";

/** Whether Claude Code seat estimates count against limits (owner; audited). */
export const PUT = sessionRoute(["settings:manage"], async (req, { actor }) => {
  const { seatEstimatesCountAgainstLimits } = await readJsonBody(req, seatSettingSchema);
  await setSeatEstimatesCount(db(), actor, seatEstimatesCountAgainstLimits);
  return json({ ok: true });
});
