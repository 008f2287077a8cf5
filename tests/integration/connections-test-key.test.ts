/** "Test key" before saving: the provider is asked with the typed key; nothing is stored. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { testConnectionDraft, testDraftSchema } from "@/lib/connections/test-draft";

import {
  CODEX_FAKE_KEY,
  CODEX_FAKE_WORKSPACE,
  startCodexFake,
  type CodexFake,
} from "../fake-provider/codex-analytics";
import { startFakeProvider, type FakeProvider } from "../fake-provider/server";
import { makeWorkspace, testDb } from "../helpers/db";

let fake: FakeProvider;
let codex: CodexFake;
beforeAll(async () => {
  fake = await startFakeProvider();
  codex = await startCodexFake();
});
afterAll(async () => {
  await fake.close();
  await codex.close();
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

  it("asks the Codex Analytics API with the typed workspace id and key", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const input = (apiKey: string, workspaceId = CODEX_FAKE_WORKSPACE) =>
      testDraftSchema.parse({
        kind: "codex",
        baseUrl: codex.baseUrl,
        apiKey,
        codex: { workspaceId, pageParam: "cursor" },
      });
    codex.requests.length = 0;
    const good = await testConnectionDraft(db, ws.id, input(CODEX_FAKE_KEY));
    expect(good.ok).toBe(true);
    expect(good.detail).toMatch(
      /^Codex Analytics API answers for workspace ws-acme \(\d+ people on \d{4}-\d{2}-\d{2}\)$/,
    );
    expect(codex.requests[0]).toMatch(/^\/v1\/analytics\/codex\/workspaces\/ws-acme\/usage\?/);
    const wrong = await testConnectionDraft(db, ws.id, input("sk-proj-wrong"));
    expect(wrong.ok).toBe(false);
    expect(wrong.detail).toMatch(/401|Incorrect API key/);
    const otherWorkspace = await testConnectionDraft(db, ws.id, input(CODEX_FAKE_KEY, "ws-other"));
    expect(otherWorkspace.ok).toBe(false);
    expect(otherWorkspace.detail).toMatch(/404/);
    codex.fault = "403";
    try {
      const unscoped = await testConnectionDraft(db, ws.id, input(CODEX_FAKE_KEY));
      expect(unscoped.ok).toBe(false);
      expect(unscoped.detail).toContain("codex.enterprise.analytics.read");
    } finally {
      codex.fault = null;
    }
    expect(await db.connection.count({ where: { workspaceId: ws.id } })).toBe(0);
    expect(
      testDraftSchema.safeParse({ kind: "codex", apiKey: "x" }).error?.issues[0]?.message,
    ).toBe("Enter the ChatGPT workspace id first");
  });

  it("needs a key and a provider with an API", () => {
    expect(
      testDraftSchema.safeParse({ kind: "openai", apiKey: " " }).error?.issues[0]?.message,
    ).toBe("Enter the admin key first");
    expect(testDraftSchema.safeParse({ kind: "file", apiKey: "x" }).success).toBe(false);
  });
});
