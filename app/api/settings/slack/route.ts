import { json, sessionRoute } from "@/lib/auth/guards";
import { readJsonBody, readNoBody } from "@/lib/http/read-json";
import { db } from "@/lib/server/db";
import {
  getSlackSettings,
  removeSlackSettings,
  saveSlackSettings,
  slackSettingsInputSchema,
} from "@/lib/slack/settings";

/** The Slack approvals setting, without its secrets (owner). */
export const GET = sessionRoute(["settings:manage"], async (_req, { actor }) =>
  json(await getSlackSettings(db(), actor.workspaceId)),
);

/** Sets it up or changes it; a secret left out is kept (owner; audited). */
export const PUT = sessionRoute(["settings:manage"], async (req, { actor }) => {
  const input = await readJsonBody(req, slackSettingsInputSchema);
  return json(await saveSlackSettings(db(), actor, input));
});

/** Turns Slack approvals off and forgets the token and secret (owner; audited). */
export const DELETE = sessionRoute(["settings:manage"], async (req, { actor }) => {
  await readNoBody(req);
  await removeSlackSettings(db(), actor);
  return json({ ok: true });
});
