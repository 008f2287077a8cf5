import "server-only";

/**
 * "Test" before "Add": asks the provider whether a key typed in the form works, without
 * storing anything. The key lives in memory for this one call (sealed the way a stored key
 * is, so the adapter reads it through the same path) and goes only to the base URL typed
 * beside it. One attempt with a short deadline: a person is waiting.
 */
import { z } from "zod";

import { encryptSecret } from "../crypto/secrets";
import { loadRateCard } from "../ratecard/load-rate-card";
import type { Db } from "../server/db";
import { adapterFor } from "./adapter-for";
import { createConnectionSchema } from "./connections";

export const testDraftSchema = createConnectionSchema
  .pick({ baseUrl: true, anthropic: true, codex: true })
  .extend({
    kind: z.enum(["openai", "anthropic", "cursor", "codex"], "choose a provider that has an API"),
    apiKey: z.string().trim().min(1, "Enter the admin key first").max(500),
  })
  .superRefine((d, ctx) => {
    // the Codex Analytics API's route names the ChatGPT workspace: nothing to ask without it
    if (d.kind === "codex" && !d.codex)
      ctx.addIssue({
        code: "custom",
        message: "Enter the ChatGPT workspace id first",
        path: ["codex", "workspaceId"],
      });
  });
export type TestDraftInput = z.infer<typeof testDraftSchema>;

export async function testConnectionDraft(
  db: Db,
  workspaceId: string,
  input: TestDraftInput,
): Promise<{ ok: boolean; detail: string }> {
  try {
    const adapter = adapterFor(
      {
        kind: input.kind,
        name: "draft",
        baseUrl: input.baseUrl || null,
        encryptedKey: encryptSecret(input.apiKey),
        configJson: JSON.stringify((input.kind === "codex" ? input.codex : input.anthropic) ?? {}),
      },
      { rateCard: await loadRateCard(db, workspaceId), retry: { attempts: 1, timeoutMs: 5_000 } },
    );
    return await adapter.testConnection({});
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
