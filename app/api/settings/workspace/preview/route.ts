import { z } from "zod";

import { json, sessionRoute } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import { previewTimezoneChange } from "@/lib/limits/workspace-settings";
import { db } from "@/lib/server/db";

const body = z.object({ timezone: z.string().trim().min(1).max(64) });

/** Before saving: how many limits/overrides and pending requests a timezone change touches. Writes nothing. */
export const POST = sessionRoute(["settings:manage"], async (req, { actor }) => {
  const { timezone } = await readJsonBody(req, body);
  return json(await previewTimezoneChange(db(), actor, timezone));
});
