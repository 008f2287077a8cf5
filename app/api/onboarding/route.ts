import { z } from "zod";

import { json, sessionRoute } from "@/lib/auth/guards";
import { readJsonBody } from "@/lib/http/read-json";
import {
  ONBOARDING_PERMISSIONS,
  onboardingState,
  setOnboardingDismissed,
} from "@/lib/onboarding/checklist";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

const body = z.object({ dismissed: z.boolean() });

/** The getting-started checklist's steps, each as the database says. */
export const GET = sessionRoute(ONBOARDING_PERMISSIONS, async (_req, { actor }) =>
  json(await onboardingState(db(), actor.workspaceId)),
);

/** Hides the checklist from Overview (`{dismissed: true}`) or shows it again. */
export const PATCH = sessionRoute(ONBOARDING_PERMISSIONS, async (req, { actor }) => {
  const { dismissed } = await readJsonBody(req, body);
  await setOnboardingDismissed(db(), actor.workspaceId, dismissed, now());
  return json(await onboardingState(db(), actor.workspaceId));
});
