import { json, sessionRoute } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import { updateWorkspaceSettings, workspaceSettingsSchema } from "@/lib/limits/workspace-settings";
import { db } from "@/lib/server/db";

/** Saves the budget unit, period, timezone and the managers' grant ceiling. */
export const PUT = sessionRoute(["settings:manage"], async (req, { actor }) => {
  const data = await readJsonBody(req, workspaceSettingsSchema);
  return json(await updateWorkspaceSettings(db(), actor, data));
});
