/**
 * The per-member monthly rollup and the per-member day / month totals (kept in the sync
 * transaction) always equal the daily rollup summed by month / by member: after a sync,
 * after a re-sync, and after days are restated with rows dropped and re-attributed (month
 * rows left empty disappear).
 */
import { beforeAll, describe, expect, it } from "vitest";

import { runSync } from "@/lib/ingest/sync";
import { rebuildDailyRollups } from "@/lib/rollups/rebuild-days";
import type { Db } from "@/lib/server/db";

import { testDb } from "../helpers/db";
import { simulatedWorkspace } from "../helpers/simulator";

const WINDOW = { start: "2026-09-25", end: "2026-11-05" };
let db: Db;

type Row = Record<string, bigint | string>;
const METRICS = [
  "inputTokens",
  "cachedInputTokens",
  "outputTokens",
  "requests",
  "estimatedCostMicros",
  "costMicros",
  "creditsMicros",
  "unpricedRequests",
] as const;

function keyOf(r: Row): string {
  return [r.month, r.memberKey, r.product, r.model, r.provider].join("|");
}

async function expected(workspaceId: string): Promise<Map<string, Row>> {
  const out = new Map<string, Row>();
  for (const d of await db.usageDailyRollup.findMany({ where: { workspaceId } })) {
    const row: Row = {
      month: d.day.slice(0, 7),
      memberKey: d.memberKey,
      product: d.product,
      model: d.model,
      provider: d.provider,
    };
    const seen = out.get(keyOf(row));
    if (!seen)
      out.set(keyOf(row), { ...row, ...Object.fromEntries(METRICS.map((m) => [m, d[m]])) });
    else for (const m of METRICS) seen[m] = (seen[m] as bigint) + d[m];
  }
  return out;
}

async function actual(workspaceId: string): Promise<Map<string, Row>> {
  const rows = await db.usageMemberMonth.findMany({ where: { workspaceId } });
  return new Map(
    rows.map((r) => [
      keyOf(r),
      {
        month: r.month,
        memberKey: r.memberKey,
        product: r.product,
        model: r.model,
        provider: r.provider,
        ...Object.fromEntries(METRICS.map((m) => [m, r[m]])),
      },
    ]),
  );
}

/** The per-member day and month totals (all products together) as the daily rollup gives them. */
async function expectedTotals(
  workspaceId: string,
  grain: "day" | "month",
): Promise<Map<string, Row>> {
  const out = new Map<string, Row>();
  for (const d of await db.usageDailyRollup.findMany({ where: { workspaceId } })) {
    const time = grain === "day" ? d.day : d.day.slice(0, 7);
    const k = `${time}|${d.memberKey}`;
    const seen = out.get(k);
    if (!seen)
      out.set(k, {
        time,
        memberKey: d.memberKey,
        ...Object.fromEntries(METRICS.map((m) => [m, d[m]])),
      });
    else for (const m of METRICS) seen[m] = (seen[m] as bigint) + d[m];
  }
  return out;
}

async function expectInSync(workspaceId: string) {
  const want = await expected(workspaceId);
  const got = await actual(workspaceId);
  expect(want.size).toBeGreaterThan(0);
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [k, row] of want) expect(got.get(k), k).toEqual(row);
  const days = await db.usageMemberDayTotal.findMany({ where: { workspaceId } });
  const months = await db.usageMemberMonthTotal.findMany({ where: { workspaceId } });
  for (const [grain, rows] of [
    ["day", days.map((r) => ({ ...r, time: r.day }))],
    ["month", months.map((r) => ({ ...r, time: r.month }))],
  ] as const) {
    const wantTotals = await expectedTotals(workspaceId, grain);
    const gotTotals = new Map(
      rows.map((r) => [
        `${r.time}|${r.memberKey}`,
        {
          time: r.time,
          memberKey: r.memberKey,
          ...Object.fromEntries(METRICS.map((m) => [m, r[m]])),
        },
      ]),
    );
    expect([...gotTotals.keys()].sort(), grain).toEqual([...wantTotals.keys()].sort());
    for (const [k, row] of wantTotals) expect(gotTotals.get(k), `${grain} ${k}`).toEqual(row);
  }
}

beforeAll(async () => {
  db = await testDb();
});

describe("UsageMemberMonth", () => {
  it("equals the daily rollup by month after a sync and an unchanged re-sync", async () => {
    const sim = await simulatedWorkspace(db, { members: 12, endDay: WINDOW.end, seed: 7 });
    const args = {
      db,
      connectionId: sim.connection.id,
      adapter: sim.adapter,
      window: WINDOW,
    };
    expect((await runSync(args)).status).toBe("SUCCEEDED");
    await expectInSync(sim.workspace.id);
    // months span the window's three calendar months
    const months = new Set(
      (
        await db.usageMemberMonth.findMany({
          where: { workspaceId: sim.workspace.id },
          select: { month: true },
        })
      ).map((r) => r.month),
    );
    expect([...months].sort()).toEqual(["2026-09", "2026-10", "2026-11"]);
    expect((await runSync(args)).status).toBe("SUCCEEDED");
    await expectInSync(sim.workspace.id);
  }, 120_000);

  it("follows restated days: dropped rows, re-attributed rows and emptied month rows", async () => {
    const sim = await simulatedWorkspace(db, { members: 8, endDay: WINDOW.end, seed: 3 });
    const workspaceId = sim.workspace.id;
    expect(
      (
        await runSync({
          db,
          connectionId: sim.connection.id,
          adapter: sim.adapter,
          window: WINDOW,
        })
      ).status,
    ).toBe("SUCCEEDED");
    const member = (
      await db.usageRecord.findFirstOrThrow({
        where: { workspaceId, memberId: { not: null }, day: "2026-10-10" },
      })
    ).memberId!;
    // drop every October row of one member (their October month rows must vanish), move one day to unattributed
    await db.usageRecord.deleteMany({
      where: { workspaceId, memberId: member, day: { gte: "2026-10-01", lte: "2026-10-31" } },
    });
    await db.usageRecord.updateMany({
      where: { workspaceId, day: "2026-10-20" },
      data: { memberId: null },
    });
    const days = Array.from({ length: 31 }, (_, i) => `2026-10-${String(i + 1).padStart(2, "0")}`);
    await db.$transaction((tx) => rebuildDailyRollups(tx, workspaceId, days));
    await expectInSync(workspaceId);
    expect(
      await db.usageMemberMonth.count({
        where: { workspaceId, memberKey: member, month: "2026-10" },
      }),
    ).toBe(0);
    expect(
      await db.usageMemberMonthTotal.count({
        where: { workspaceId, memberKey: member, month: "2026-10" },
      }),
    ).toBe(0);
    expect(
      await db.usageMemberMonth.count({
        where: { workspaceId, memberKey: member, month: "2026-11" },
      }),
    ).toBeGreaterThan(0);
  }, 120_000);
});
