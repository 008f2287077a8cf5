/**
 * The gateway listener serves the budget check on its own port with the same handler,
 * auth and answers as the Next route — checked over real HTTP on an ephemeral port.
 */
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { gatewayServer } from "@/lib/gateway/api-server";
import { budgetCheck } from "@/lib/limits/budget-check";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";
import { createToken } from "@/lib/tokens/tokens";

import { TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { addUsage, limitsWorkspace } from "./limits-fixtures";

const server = gatewayServer();
let base = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("gateway listener", () => {
  it("answers the budget check like the route does, behind the same token auth", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    // the listener reads the app's clock (pinned to TEST_NOW for integration tests); the direct call gets the same instant
    const now = TEST_NOW;
    await addUsage(db, f.ws.id, f.eng.memberId, TEST_TODAY, 300n);
    await createPolicy(
      db,
      f.owner,
      createPolicySchema.parse({ scope: "WORKSPACE", amount: "500" }),
    );
    const { token } = await createToken(db, f.owner, { name: "gw", scopes: ["budget:check"] });
    const { token: wrongScope } = await createToken(db, f.owner, {
      name: "finance",
      scopes: ["costs:read"],
    });
    const url = `${base}/api/v1/budget-check?member=${encodeURIComponent(f.eng.email)}&product=codex`;

    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as Record<string, unknown>;
    const direct = await budgetCheck(db, f.ws.id, f.eng.email, "codex", now);
    expect(body).toMatchObject({
      allowed: true,
      limit: "500.000000",
      used: "300.000000",
      remaining: "200.000000",
      reason: direct.reason,
      periodEnd: direct.periodEnd,
    });

    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${wrongScope}` } })).status).toBe(
      403,
    );
    const bad = await fetch(`${base}/api/v1/budget-check`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/member/);
    expect(
      (await fetch(url, { method: "POST", headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(405);
    // nothing but the gateway API lives on this port
    expect(
      (await fetch(`${base}/api/overview`, { headers: { authorization: `Bearer ${token}` } }))
        .status,
    ).toBe(404);
  });
});
