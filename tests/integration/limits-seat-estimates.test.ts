/**
 * Issue 16: Claude Code seat estimates are not billed, and the owner decides whether they
 * count against limits (default: they do, which keeps the governance of before). The switch
 * and the exchange-rate table are owner settings, zod-validated and audited.
 */
import { describe, expect, it } from "vitest";

import { ForbiddenError } from "@/lib/core/errors";
import {
  exchangeRateSchema,
  listExchangeRates,
  missingRateDays,
  removeExchangeRate,
  setExchangeRate,
  setSeatEstimatesCount,
} from "@/lib/currency/exchange-rates";
import { loadMemberLimit, loadWorkspaceLimits } from "@/lib/limits/load-effective-limits";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";
import type { Db } from "@/lib/server/db";

import { TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { limitsWorkspace } from "./limits-fixtures";

const M = 1_000_000n;

/** Billed and seat spend (whole credits) of a member on a day, in both rollups the limits read. */
async function addSpend(
  db: Db,
  workspaceId: string,
  memberId: string,
  billed: bigint,
  seat: bigint,
  product: string,
) {
  const amounts = {
    creditsMicros: billed * M,
    costMicros: billed * 40_000n,
    seatCreditsMicros: seat * M,
    seatEstimateMicros: seat * 40_000n,
  };
  const key = { workspaceId, memberKey: memberId, product, model: "m", provider: "anthropic" };
  await db.usageDailyRollup.create({ data: { ...key, day: TEST_TODAY, ...amounts } });
  await db.usageMemberMonth.create({ data: { ...key, month: TEST_TODAY.slice(0, 7), ...amounts } });
}

describe("seat estimates and limits", () => {
  it("count against limits by default; the owner's switch takes them out at once, audited", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    await addSpend(db, f.ws.id, f.eng.memberId, 100n, 0n, "api");
    await addSpend(db, f.ws.id, f.eng.memberId, 0n, 60n, "claude_code");
    await createPolicy(
      db,
      f.owner,
      createPolicySchema.parse({ scope: "WORKSPACE", amount: "500" }),
    );

    let r = await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", TEST_NOW);
    expect(r.effective.usedMicros).toBe(160n * M);
    const all = await loadWorkspaceLimits(db, f.ws.id, TEST_NOW);
    expect(all.members.find((x) => x.memberId === f.eng.memberId)?.effective.usedMicros).toBe(
      160n * M,
    );
    expect(all.workspaceUsedMicros).toBe(160n * M);

    await expect(setSeatEstimatesCount(db, f.admin, false)).rejects.toBeInstanceOf(ForbiddenError);
    await setSeatEstimatesCount(db, f.owner, false);
    r = await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", TEST_NOW);
    expect(r.effective.usedMicros).toBe(100n * M);
    expect((await loadWorkspaceLimits(db, f.ws.id, TEST_NOW)).workspaceUsedMicros).toBe(100n * M);
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { workspaceId: f.ws.id, action: "workspace.seat_estimates" },
    });
    expect(JSON.parse(audit.afterJson!)).toEqual({ seatEstimatesCountAgainstLimits: false });

    await setSeatEstimatesCount(db, f.owner, true);
    r = await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", TEST_NOW);
    expect(r.effective.usedMicros).toBe(160n * M);
  });

  it("exchange rates: validated decimal text, one per currency and day, audited; missing-rate days listed", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    for (const bad of [
      { currency: "EURO", effectiveFrom: "2026-11-01", usdPerUnit: "1.1" },
      { currency: "USD", effectiveFrom: "2026-11-01", usdPerUnit: "1" },
      { currency: "EUR", effectiveFrom: "2026-02-31", usdPerUnit: "1.1" },
      { currency: "EUR", effectiveFrom: "2026-11-01", usdPerUnit: "1e3" },
      { currency: "EUR", effectiveFrom: "2026-11-01", usdPerUnit: "0" },
      { currency: "EUR", effectiveFrom: "2026-11-01", usdPerUnit: "-1.1" },
      { currency: "EUR", effectiveFrom: "2026-11-01", usdPerUnit: 1.1 },
    ])
      expect(exchangeRateSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);

    const input = exchangeRateSchema.parse({
      currency: "eur",
      effectiveFrom: "2026-11-01",
      usdPerUnit: "1.0825",
    });
    await expect(setExchangeRate(db, f.finance, input)).rejects.toBeInstanceOf(ForbiddenError);
    await setExchangeRate(db, f.owner, input);
    await setExchangeRate(db, f.owner, { ...input, usdPerUnit: "1.0900" });
    expect(await listExchangeRates(db, f.owner)).toMatchObject([
      { currency: "EUR", effectiveFrom: "2026-11-01", usdPerUnit: "1.09" },
    ]);
    const events = await db.auditEvent.findMany({
      where: { workspaceId: f.ws.id, action: "exchange_rate.set" },
      orderBy: { id: "asc" },
    });
    expect(events).toHaveLength(2);
    expect(JSON.parse(events[1]!.beforeJson!)).toMatchObject({ usdPerUnit: "1.0825" });
    await removeExchangeRate(db, f.owner, { currency: "EUR", effectiveFrom: "2026-11-01" });
    expect(await listExchangeRates(db, f.owner)).toEqual([]);
    expect(
      await db.auditEvent.count({
        where: { workspaceId: f.ws.id, action: "exchange_rate.remove" },
      }),
    ).toBe(1);

    const connection = await db.connection.create({
      data: { workspaceId: f.ws.id, kind: "openai", name: "OpenAI org" },
    });
    await db.providerCostLine.create({
      data: {
        workspaceId: f.ws.id,
        connectionId: connection.id,
        day: "2026-11-03",
        provider: "openai",
        currency: "CHF",
        amount: "7.5",
        rateMissing: true,
      },
    });
    expect(await missingRateDays(db, f.ws.id)).toEqual([
      {
        connectionId: connection.id,
        connectionName: "OpenAI org",
        day: "2026-11-03",
        currency: "CHF",
      },
    ]);
  });
});
