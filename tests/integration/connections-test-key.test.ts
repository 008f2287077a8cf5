/** "Test key" before saving: the provider is asked with the typed key; nothing is stored. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { testConnectionDraft, testDraftSchema } from "@/lib/connections/test-draft";

import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import { makeWorkspace, testDb } from "../helpers/db";

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await fake.close();
});

describe("testing a key before saving it", () => {
  it("says a good key works and a wrong one does not, and writes no connection", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const input = (apiKey: string) =>
      testDraftSchema.parse({ kind: "openai", baseUrl: fake.openaiBase, apiKey });
    expect(await testConnectionDraft(db, ws.id, input("sk-admin-fake-openai"))).toEqual({
      ok: true,
      detail: "OpenAI organisation reachable: 3 project(s)",
    });
    const wrong = await testConnectionDraft(db, ws.id, input("sk-proj-wrong"));
    expect(wrong.ok).toBe(false);
    expect(wrong.detail).toMatch(/401|Incorrect API key/);
    expect(await db.connection.count({ where: { workspaceId: ws.id } })).toBe(0);
    expect(await db.auditEvent.count({ where: { workspaceId: ws.id } })).toBe(0);
  });

  it("needs a key and a provider with an API", () => {
    expect(
      testDraftSchema.safeParse({ kind: "openai", apiKey: " " }).error?.issues[0]?.message,
    ).toBe("Enter the admin key first");
    expect(testDraftSchema.safeParse({ kind: "file", apiKey: "x" }).success).toBe(false);
  });
});
