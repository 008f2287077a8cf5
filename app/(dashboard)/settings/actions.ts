"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runAction } from "@/lib/auth/guards";
import { db } from "@/lib/db";
import { previewTimezoneChange, updateWorkspaceSettings, workspaceSettingsSchema } from "@/lib/limits/workspace-settings";
import { TOKEN_SCOPES } from "@/lib/tokens/scopes";
import { createToken, revokeToken } from "@/lib/tokens/tokens";

export async function saveWorkspaceSettings(input: unknown) {
  const r = await runAction(["settings:manage"], workspaceSettingsSchema, input, (actor, data) => updateWorkspaceSettings(db(), actor, data));
  revalidatePath("/settings");
  return r;
}

/** Before saving: how many limits/overrides and pending requests a timezone change touches. */
export async function previewWorkspaceTimezone(input: unknown) {
  return runAction(["settings:manage"], z.object({ timezone: z.string().trim().min(1).max(64) }), input, (actor, data) => previewTimezoneChange(db(), actor, data.timezone));
}

const createTokenSchema = z.object({
  name: z.string().trim().min(2, "Name the token (e.g. the gateway that uses it)").max(80),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1, "Pick at least one scope").max(TOKEN_SCOPES.length * 2),
});

export async function createApiToken(input: unknown) {
  const r = await runAction(["tokens:manage"], createTokenSchema, input, async (actor, data) => (await createToken(db(), actor, data)).token);
  revalidatePath("/settings");
  return r;
}

export async function revokeApiToken(input: unknown) {
  const r = await runAction(["tokens:manage"], z.object({ id: z.string().min(1).max(64) }), input, (actor, data) => revokeToken(db(), actor, data.id));
  revalidatePath("/settings");
  return r;
}
