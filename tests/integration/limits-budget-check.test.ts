import { describe, expect, it } from "vitest";

import { ForbiddenError, NotFoundError } from "@/lib/core/errors";
import { budgetCheck } from "@/lib/limits/budget-check";
import { createPolicySchema, updatePolicySchema } from "@/lib/limits/policy-input";
import { createPolicy, updatePolicy } from "@/lib/limits/write-policy";
import { authenticateToken, createToken, listTokens, revokeToken } from "@/lib/tokens/tokens";

import { TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { addUsage, limitsWorkspace } from "./limits-fixtures";

const NOW = TEST_NOW;

describe("budget check and API tokens", () => {
  it("answers by email, provider user id or api key id; unknown → default; changes show on the next check", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    await db.memberIdentity.createMany({
      data: [
        {
          workspaceId: f.ws.id,
          memberId: f.eng.memberId,
          provider: "openai",
          kind: "user_id",
          externalId: "user-abc",
        },
        {
          workspaceId: f.ws.id,
          memberId: f.eng.memberId,
          provider: "anthropic",
          kind: "api_key_id",
          externalId: "apikey_123",
        },
      ],
    });
    await addUsage(db, f.ws.id, f.eng.memberId, TEST_TODAY, 600n);
    await createPolicy(
      db,
      f.owner,
      createPolicySchema.parse({ scope: "WORKSPACE", amount: "500" }),
    );
    const group = await createPolicy(
      db,
      f.admin,
      createPolicySchema.parse({ scope: "GROUP", groupId: f.platform.id, amount: "800" }),
    );
    for (const handle of [f.eng.email.toUpperCase(), "user-abc", "apikey_123"]) {
      const a = await budgetCheck(db, f.ws.id, handle, "codex", NOW);
      expect(a).toMatchObject({
        allowed: true,
        limit: "800.000000",
        used: "600.000000",
        remaining: "200.000000",
        reason: "group Platform",
        state: "ok",
      });
      expect(a.member?.id).toBe(f.eng.memberId);
    }
    const unknown = await budgetCheck(db, f.ws.id, "ghost@nowhere.example", "", NOW);
    expect(unknown).toMatchObject({
      member: null,
      limit: "500.000000",
      reason: "unknown member: workspace default applies",
    });
    // the other workspace's people are unknown here
    const g = await limitsWorkspace(db);
    expect((await budgetCheck(db, g.ws.id, f.eng.email, "", NOW)).member).toBeNull();

    await updatePolicy(
      db,
      f.admin,
      group.id,
      updatePolicySchema.parse({ version: group.version, amount: "550" }),
    );
    const after = await budgetCheck(db, f.ws.id, f.eng.email, "codex", NOW);
    expect(after).toMatchObject({
      allowed: false,
      action: "BLOCK",
      state: "over",
      limit: "550.000000",
      remaining: "0.000000",
    });
  });

  it("tokens are shown once, stored hashed, scoped, revocable, owner-only and audited", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    await expect(
      createToken(db, f.admin, { name: "gw", scopes: ["budget:check"] }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const { token, view } = await createToken(db, f.owner, {
      name: "gw",
      scopes: ["budget:check"],
    });
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: view.id } });
    expect(row.tokenHash).not.toContain(token);
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    const p = await authenticateToken(db, token);
    expect(p?.workspaceId).toBe(f.ws.id);
    expect([...p!.scopes]).toEqual(["budget:check"]);
    expect(await authenticateToken(db, token + "x")).toBeNull();
    const g = await limitsWorkspace(db);
    await expect(revokeToken(db, g.owner, view.id)).rejects.toBeInstanceOf(NotFoundError);
    await revokeToken(db, f.owner, view.id);
    expect(await authenticateToken(db, token)).toBeNull();
    expect((await listTokens(db, f.owner))[0]!.revokedAt).not.toBeNull();
    expect(
      await db.auditEvent.count({ where: { workspaceId: f.ws.id, targetType: "ApiToken" } }),
    ).toBe(2);
  });
});
