/**
 * Issue 17 "usage bars in tables": the Usage explorer's people rows carry each person's
 * effective limit this period, the limits module's own rows (getMemberLimits), not a second
 * reading of the rule; other dimensions carry none.
 */
import { describe, expect, it } from "vitest";

import { explorerPage } from "@/lib/analytics/explorer-page";
import { spendScopeFor } from "@/lib/auth/scope";
import { getMemberLimits } from "@/lib/limits/limits-screen";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";

import { TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { addUsage, platformLimitWorkspace } from "./limits-fixtures";

const M = 1_000_000n;
const q = { dimension: "member", sort: "amount", dir: "desc", page: 1, pageSize: 25 } as const;
// a product filter reads the daily rollup the fixture writes
const filters = { product: ["codex"] };

describe("the Usage explorer's people rows", () => {
  it("carry each person's effective limit, as the limits module computes it", async () => {
    const db = await testDb();
    const f = await platformLimitWorkspace(db); // Platform: 800 credits a member
    await createPolicy(
      db,
      f.admin,
      createPolicySchema.parse({ scope: "MEMBER", memberId: f.eng2.memberId, amount: "1200" }),
    );
    await addUsage(db, f.ws.id, f.eng.memberId, TEST_TODAY, 300n);
    await addUsage(db, f.ws.id, f.eng2.memberId, TEST_TODAY, 100n);
    const ctx = { db, scope: await spendScopeFor(db, f.owner), now: TEST_NOW };

    const page = await explorerPage(ctx, { range: "period" }, filters, q);
    expect(page.rows.map((r) => r.key)).toEqual([f.eng.memberId, f.eng2.memberId]);
    const want = await getMemberLimits(db, f.ws.id, [f.eng.memberId, f.eng2.memberId], TEST_NOW);
    expect(page.limits).toEqual(Object.fromEntries(want));
    expect(page.limits![f.eng.memberId]).toMatchObject({
      limitMicros: 800n * M,
      usedMicros: 300n * M,
    });
    expect(page.limits![f.eng2.memberId]).toMatchObject({
      limitMicros: 1200n * M,
      usedMicros: 100n * M,
    });
    expect(page.limits![f.eng2.memberId]!.reason).toMatch(/override/);

    // another dimension has no people, so no limits
    const products = await explorerPage(ctx, { range: "period" }, filters, {
      ...q,
      dimension: "product",
    });
    expect(products.limits).toBeNull();
  });
});
