/**
 * Month end, leap day and New Year against the database: the budget check and a member's
 * limit (period, usage, projection), credit requests that run "until the period end"
 * (the grant, its expiry, the request's expiry), alerts that fire once per period, and
 * days left on the overview and My usage — each asked 1 ms before and exactly at the
 * boundary, in UTC and in workspaces whose day ends at another instant (New York, UTC−5 on
 * these dates; Kiritimati, UTC+14). Usage is keyed by its UTC day; the workspace timezone
 * decides "today". Expected figures are written out or summed from the rows here.
 */
import { afterEach, describe, expect, it } from "vitest";

import { evaluateAlerts } from "@/lib/alerts/evaluate";
import { getMyUsage } from "@/lib/analytics/my-usage";
import { getOverview } from "@/lib/analytics/overview";
import type { SpendScope } from "@/lib/auth/scope";
import { runSync } from "@/lib/ingest/sync";
import { budgetCheck } from "@/lib/limits/budget-check";
import { loadMemberLimit } from "@/lib/limits/load-effective-limits";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";
import { approveRequest, expireDueRequests } from "@/lib/requests/decide-credit-request";
import { fileRequest } from "@/lib/requests/file-request";
import { approveSchema, fileRequestSchema } from "@/lib/requests/request-input";
import type { Db } from "@/lib/server/db";

import { resetAppNow, setAppNow } from "../helpers/app-clock";
import { at, msFrom } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { simulatedWorkspace } from "../helpers/simulator";
import { addUsage, limitsWorkspace } from "./limits-fixtures";

const M = 1_000_000n;
const REASON = "Finishing the quarter-end migration before the budget resets";

afterEach(() => resetAppNow());

/** The first instant of 2027-03-01 in each workspace timezone (written out, not computed). */
const MARCH_1 = [
  { tz: "UTC", boundary: at("2027-03-01T00:00:00Z") },
  { tz: "America/New_York", boundary: at("2027-03-01T05:00:00Z") },
  { tz: "Pacific/Kiritimati", boundary: at("2027-02-28T10:00:00Z") },
] as const;

/** The first instant of 2027-01-01. */
const NEW_YEAR = [
  { tz: "UTC", boundary: at("2027-01-01T00:00:00Z") },
  { tz: "Pacific/Kiritimati", boundary: at("2026-12-31T10:00:00Z") },
] as const;

/** A workspace default of `amount`, written through the app (its clock set to `now`). */
async function workspaceDefault(
  db: Db,
  f: Awaited<ReturnType<typeof limitsWorkspace>>,
  amount: string,
  now: Date,
) {
  setAppNow(now);
  await createPolicy(db, f.owner, createPolicySchema.parse({ scope: "WORKSPACE", amount }));
}

/** A few micro-units on a UTC day, in both rollups as the sync keeps them. */
async function addMicros(
  db: Db,
  workspaceId: string,
  memberId: string,
  day: string,
  micros: bigint,
) {
  const key = {
    workspaceId,
    memberKey: memberId,
    product: "codex",
    model: "m",
    provider: "simulator",
  };
  await db.usageDailyRollup.create({
    data: { ...key, day, creditsMicros: micros, costMicros: micros },
  });
  await db.usageMemberMonth.create({
    data: { ...key, month: day.slice(0, 7), creditsMicros: micros, costMicros: micros },
  });
}

describe("the budget check and a member's limit at the end of February", () => {
  for (const { tz, boundary } of MARCH_1) {
    it(`${tz}: February's usage and projection up to the last millisecond, March's from the first`, async () => {
      const db = await testDb();
      const f = await limitsWorkspace(db, { timezone: tz });
      const before = msFrom(boundary, -1);
      await workspaceDefault(db, f, "500", msFrom(before, -3_600_000));
      await addUsage(db, f.ws.id, f.eng.memberId, "2027-02-27", 100n);
      await addUsage(db, f.ws.id, f.eng.memberId, "2027-02-28", 40n);
      await addUsage(db, f.ws.id, f.eng.memberId, "2027-03-01", 7n);
      // someone who spent one micro-unit on March 1st: their run-out day is millions of years away
      await addMicros(db, f.ws.id, f.eng2.memberId, "2027-03-01", 1n);

      const feb = await budgetCheck(db, f.ws.id, f.eng.email, "", before);
      expect(feb).toMatchObject({
        periodStart: "2027-02-01",
        periodEnd: "2027-02-28",
        used: "140.000000",
        remaining: "360.000000",
        allowed: true,
      });
      const febLimit = await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", before);
      expect(febLimit.budget.today).toBe("2027-02-28");
      expect(febLimit.projectedMicros).toBe(140n * M); // the last day: the whole period has run
      expect(febLimit.exhaustionDay).toBeNull();

      // the same client, a millisecond later and nothing written in between: a new period
      const mar = await budgetCheck(db, f.ws.id, f.eng.email, "", boundary);
      expect(mar).toMatchObject({
        periodStart: "2027-03-01",
        periodEnd: "2027-03-31",
        used: "7.000000",
        remaining: "493.000000",
      });
      const marLimit = await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", boundary);
      expect(marLimit.budget.today).toBe("2027-03-01");
      // the forecast (lib/forecast) learns from the weeks before: Saturday 27th's 100 and Sunday
      // 28th's 40 over eight weeks each (12.5 and 5 a day), so March's four weekends bring 70
      expect(marLimit.projectedMicros).toBe(7n * M + 4n * 12_500_000n + 4n * 5n * M);
      expect(marLimit.exhaustionDay).toBeNull(); // 493 left: not even the band's high side reaches it

      const tiny = await loadMemberLimit(db, f.ws.id, f.eng2.memberId, "", boundary);
      expect(tiny.effective.usedMicros).toBe(1n);
      expect(tiny.exhaustionDay).toBeNull();
      expect((await budgetCheck(db, f.ws.id, f.eng2.email, "", boundary)).used).toBe("0.000001");
    });
  }

  it("a leap February ends on the 29th", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db, { timezone: "UTC" });
    const before = at("2028-02-29T23:59:59.999Z");
    await workspaceDefault(db, f, "100", at("2028-02-29T12:00:00Z"));
    await addUsage(db, f.ws.id, f.eng.memberId, "2028-02-28", 28n);
    await addUsage(db, f.ws.id, f.eng.memberId, "2028-02-29", 30n);
    await addUsage(db, f.ws.id, f.eng.memberId, "2028-03-01", 2n);

    // on the 28th the 29th is still to come: 28 used in 28 days, 72 left → not this month
    const on28 = await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", at("2028-02-28T23:59:59Z"));
    expect(on28.budget.period).toEqual({ start: "2028-02-01", end: "2028-02-29" });
    expect(on28.effective.usedMicros).toBe(58n * M); // the 29th's row is in the period already
    // nothing before the 28th to learn from: no more spend is forecast than what is there
    expect(on28.projectedMicros).toBe(58n * M);
    const last = await budgetCheck(db, f.ws.id, f.eng.email, "", before);
    expect(last).toMatchObject({
      periodEnd: "2028-02-29",
      used: "58.000000",
      remaining: "42.000000",
    });
    expect((await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", before)).projectedMicros).toBe(
      58n * M,
    );
    expect(await budgetCheck(db, f.ws.id, f.eng.email, "", msFrom(before, 1))).toMatchObject({
      periodStart: "2028-03-01",
      periodEnd: "2028-03-31",
      used: "2.000000",
    });
  });
});

describe("credit requests until the period end", () => {
  for (const { tz, boundary } of MARCH_1.slice(0, 2)) {
    it(`${tz}: a grant until February's end lifts the limit to its last millisecond; an undecided request expires at the boundary`, async () => {
      const db = await testDb();
      const f = await limitsWorkspace(db, { timezone: tz });
      const before = msFrom(boundary, -1);
      await workspaceDefault(db, f, "500", msFrom(before, -3_600_000));
      // no needed-until given: the period's end, as the member reads it
      const granted = await fileRequest(
        db,
        f.eng,
        fileRequestSchema.parse({ amount: "100", reason: REASON }),
        msFrom(before, -60_000),
      );
      const undecided = await fileRequest(
        db,
        f.eng2,
        fileRequestSchema.parse({ amount: "50", reason: REASON }),
        msFrom(before, -60_000),
      );
      const rows = await db.creditRequest.findMany({
        where: { id: { in: [granted.id, undecided.id] } },
      });
      expect(rows.map((r) => r.neededUntil)).toEqual(["2027-02-28", "2027-02-28"]);

      await approveRequest(
        db,
        { kind: "member", actor: f.admin },
        granted.id,
        approveSchema.parse({}),
        before,
      );
      expect(
        (await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", before)).effective.limitMicros,
      ).toBe(600n * M);
      expect(await expireDueRequests(db, f.ws.id, before)).toBe(0);

      const after = await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", boundary);
      expect(after.budget.period.start).toBe("2027-03-01");
      expect(after.effective.limitMicros).toBe(500n * M); // the grant ended with the day it was needed until
      expect(await expireDueRequests(db, f.ws.id, boundary)).toBe(1);
      const [g, u] = await Promise.all(
        [granted.id, undecided.id].map((id) =>
          db.creditRequest.findUniqueOrThrow({ where: { id } }),
        ),
      );
      expect([g!.status, u!.status]).toEqual(["APPROVED", "EXPIRED"]);

      // filed at the boundary, a request runs to March's end
      const next = await fileRequest(
        db,
        f.eng2,
        fileRequestSchema.parse({ amount: "50", reason: REASON }),
        boundary,
      );
      expect(
        (await db.creditRequest.findUniqueOrThrow({ where: { id: next.id } })).neededUntil,
      ).toBe("2027-03-31");
    });
  }
});

describe("alerts across New Year", () => {
  for (const { tz, boundary } of NEW_YEAR) {
    it(`${tz}: December's alerts resolve at the first instant of January; January's fire once, keyed to January`, async () => {
      const db = await testDb();
      const f = await limitsWorkspace(db, { timezone: tz });
      const before = msFrom(boundary, -1);
      await workspaceDefault(db, f, "100", at("2026-12-31T00:00:00Z"));
      await addUsage(db, f.ws.id, f.eng.memberId, "2026-12-31", 90n); // 90 % of December, nothing in January
      await addUsage(db, f.ws.id, f.eng2.memberId, "2026-12-31", 60n);
      await addUsage(db, f.ws.id, f.eng2.memberId, "2027-01-01", 55n); // 55 % on January's first day
      // and a steady 4 a day in November: the forecast (lib/forecast) learns a pace from it
      for (let d = 6; d <= 30; d++)
        await addUsage(db, f.ws.id, f.eng2.memberId, `2026-11-${String(d).padStart(2, "0")}`, 4n);

      const limitAlerts = async (memberId: string) =>
        (
          await db.alert.findMany({
            where: {
              workspaceId: f.ws.id,
              subjectId: memberId,
              kind: { in: ["threshold", "hard_limit", "projection"] },
            },
            orderBy: [{ periodKey: "asc" }, { kind: "asc" }, { thresholdPct: "asc" }],
          })
        ).map((a) => `${a.periodKey} ${a.kind}:${a.thresholdPct ?? "-"} ${a.status}`);

      await evaluateAlerts(db, f.ws.id, before);
      // the highest threshold crossed (80 supersedes 50: lib/alerts/supersede.ts)
      expect(await limitAlerts(f.eng.memberId)).toEqual(["2026-12-01 threshold:80 OPEN"]);
      expect(await limitAlerts(f.eng2.memberId)).toEqual(["2026-12-01 threshold:50 OPEN"]);

      await evaluateAlerts(db, f.ws.id, boundary);
      expect(await limitAlerts(f.eng.memberId)).toEqual(["2026-12-01 threshold:80 RESOLVED"]);
      // 55 used on day 1 of 31 with 45 left: at November's pace it runs out within January
      expect(await limitAlerts(f.eng2.memberId)).toEqual([
        "2026-12-01 threshold:50 RESOLVED",
        "2027-01-01 projection:- OPEN",
        "2027-01-01 threshold:50 OPEN",
      ]);
      const resolved = await db.alert.findMany({
        where: { workspaceId: f.ws.id, periodKey: "2026-12-01", kind: "threshold" },
      });
      expect(resolved.every((a) => a.resolvedAt?.getTime() === boundary.getTime())).toBe(true);

      // once per period: later evaluations in January add nothing and re-raise nothing from December
      const count = await db.alert.count({ where: { workspaceId: f.ws.id } });
      await evaluateAlerts(db, f.ws.id, msFrom(boundary, 3_600_000));
      expect(await db.alert.count({ where: { workspaceId: f.ws.id } })).toBe(count);
      expect(await limitAlerts(f.eng.memberId)).toEqual(["2026-12-01 threshold:80 RESOLVED"]);
    });
  }
});

describe("days left and the projection on the overview and My usage", () => {
  for (const { tz, boundary } of MARCH_1.slice(0, 2)) {
    it(`${tz}: 1 day left on February's last day, 31 on March's first`, async () => {
      const db = await testDb();
      const sim = await simulatedWorkspace(db, { members: 8, endDay: "2027-03-01", seed: 7 });
      const ws = await db.workspace.update({
        where: { id: sim.workspace.id },
        data: { timezone: tz },
      });
      expect(
        (
          await runSync({
            db,
            connectionId: sim.connection.id,
            adapter: sim.adapter,
            window: { start: "2027-02-20", end: "2027-03-01" },
          })
        ).status,
      ).toBe("SUCCEEDED");
      const column = ws.budgetUnit === "USD" ? "costMicros" : "creditsMicros";
      const sum = async (days: { gte: string; lte: string }, memberKey?: string) => {
        const r = await db.usageDailyRollup.aggregate({
          where: { workspaceId: ws.id, day: days, ...(memberKey ? { memberKey } : {}) },
          _sum: { creditsMicros: true, costMicros: true },
        });
        return r._sum[column] ?? 0n;
      };
      const busiest = await db.usageDailyRollup.groupBy({
        by: ["memberKey"],
        where: { workspaceId: ws.id, memberKey: { not: "" }, day: "2027-03-01" },
        _sum: { creditsMicros: true },
        orderBy: { _sum: { creditsMicros: "desc" } },
        take: 1,
      });
      const me = busiest[0]!.memberKey;
      const self: SpendScope = {
        workspaceId: ws.id,
        kind: "self",
        memberIds: [me],
        label: "me",
        selfMemberId: me,
      };
      const everyone: SpendScope = {
        workspaceId: ws.id,
        kind: "workspace",
        memberIds: null,
        label: ws.name,
      };
      const feb = { gte: "2027-02-01", lte: "2027-02-28" };
      const mar1 = { gte: "2027-03-01", lte: "2027-03-01" };
      const before = msFrom(boundary, -1);

      const myFeb = await getMyUsage(db, self, before);
      expect(myFeb).toMatchObject({
        period: { start: "2027-02-01", end: "2027-02-28" },
        today: "2027-02-28",
        daysLeft: 1,
      });
      expect(myFeb.spentMicros).toBe(await sum(feb, me));
      expect(myFeb.spentMicros).toBeGreaterThan(0n);
      expect(myFeb.projectedMicros).toBe(myFeb.spentMicros);
      const allFeb = await getOverview(db, everyone, before);
      expect(allFeb).toMatchObject({
        period: { start: "2027-02-01", end: "2027-02-28" },
        today: "2027-02-28",
        daysLeft: 1,
      });
      expect(allFeb.spentMicros).toBe(await sum(feb));
      expect(allFeb.projectedMicros).toBe(allFeb.spentMicros);

      const myMar = await getMyUsage(db, self, boundary);
      expect(myMar).toMatchObject({
        period: { start: "2027-03-01", end: "2027-03-31" },
        today: "2027-03-01",
        daysLeft: 31,
      });
      expect(myMar.spentMicros).toBe(await sum(mar1, me));
      // the forecast learns from February's days: more to come, within its band
      expect(myMar.projectedMicros).toBeGreaterThan(myMar.spentMicros);
      const allMar = await getOverview(db, everyone, boundary);
      expect(allMar).toMatchObject({
        period: { start: "2027-03-01", end: "2027-03-31" },
        today: "2027-03-01",
        daysLeft: 31,
      });
      expect(allMar.spentMicros).toBe(await sum(mar1));
      expect(allMar.projectedMicros).toBeGreaterThan(allMar.spentMicros);
      expect(allMar.projectedLowMicros).toBeGreaterThanOrEqual(allMar.spentMicros);
      expect(allMar.projectedLowMicros <= allMar.projectedMicros).toBe(true);
      expect(allMar.projectedMicros <= allMar.projectedHighMicros).toBe(true);
    });
  }
});
