import { json, sessionRoute } from "@/lib/auth/guards";
import {
  digestSettingsInputSchema,
  getDigestSettings,
  saveDigestSettings,
} from "@/lib/digest/settings";
import { readJsonBody } from "@/lib/http/read-json";
import { db } from "@/lib/server/db";

/** The weekly manager digest setting and the channels it may use (owner). */
export const GET = sessionRoute(["settings:manage"], async (_req, { actor }) =>
  json(await getDigestSettings(db(), actor.workspaceId)),
);

/** On or off, and through which channels (owner; audited). */
export const PUT = sessionRoute(["settings:manage"], async (req, { actor }) => {
  const input = await readJsonBody(req, digestSettingsInputSchema);
  return json(await saveDigestSettings(db(), actor, input));
});
