/**
 * The member days by month (lib/rollups/member-month-days.ts), the limit simulator's read of
 * everyone's days: on a generated history (refunds, seat estimates, a figure too long for a
 * double, periods across a month's end) they equal the member-day totals pivoted by day after
 * the sync's rebuild of the rollups, after a restatement and after a day's removal; and the
 * simulator's read of them (simulate.ts memberDays) gives every member the same cumulative
 * days — so the same per-member sums — as the member-day rows it read before, for each
 * budget unit with and without seat estimates, for everyone and for a few people. The bulk
 * path keeps them as page by page does (tests/integration/ingest-bulk.test.ts compares them).
 */
import { describe, expect, it } from "vitest";

import { addDays, eachDay, type Period } from "@/lib/core/period";
import { loadWorkspaceBudget } from "@/lib/limits/load-effective-limits";
import { memberDays } from "@/lib/limits/simulate";
import {
  DAY_COLUMNS,
  MONTH_DAY_METRICS,
  type MonthDayMetric,
} from "@/lib/rollups/member-month-days";
import { rebuildDailyRollups } from "@/lib/rollups/rebuild-days";
import type { Db } from "@/lib/server/db";

import { TEST_NOW } from "../helpers/clock";
import { makeMember, makeWorkspace, testDb } from "../helpers/db";

/** A small deterministic generator (the history must be the same on every run and engine). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

const FIRST = "2026-09-26";
const LAST = "2026-11-05";

async function generated(db: Db) {
  const ws = await makeWorkspace(db);
  const members = await Promise.all(
    Array.from({ length: 9 }, () => makeMember(db, ws.id, { role: "MEMBER" })),
  );
  const connection = await db.connection.create({
    data: { workspaceId: ws.id, kind: "file", name: "facts", configJson: "{}" },
  });
  const rand = rng(2020);
  const amount = () => BigInt(Math.floor(rand() * 50_000_000));
  const rows = [];
  for (const day of eachDay(FIRST, LAST))
    for (const [k, m] of [...members, null].entries())
      for (const product of ["claude_code", "codex"]) {
        if (rand() < 0.35) continue;
        const refund = rand() < 0.05;
        const seats = product === "claude_code" && k % 3 === 0;
        rows.push({
          workspaceId: ws.id,
          connectionId: connection.id,
          day,
          provider: product === "codex" ? "openai" : "anthropic",
          identityKey: m ? m.email : "unknown@example.com",
          memberId: m?.id ?? null, // null: unattributed ("" in the rollups)
          product,
          model: "m",
          requests: 3n,
          costMicros: refund ? -amount() : amount(),
          creditsMicros: refund ? -amount() : amount() * 25n,
          seatEstimateMicros: seats ? amount() : 0n,
          seatCreditsMicros: seats ? amount() * 25n : 0n,
        });
      }
  // a day of one member's credits too long for a double: read exactly
  rows.push({
    ...rows.find((r) => r.memberId === members[1]!.id && r.day === "2026-10-07")!,
    model: "big",
    creditsMicros: 123_456_789_012_345_678n,
  });
  await db.usageRecord.createMany({ data: rows });
  await db.$transaction((tx) => rebuildDailyRollups(tx, ws.id, eachDay(FIRST, LAST)), {
    timeout: 60_000,
  });
  return { ws, members, connection };
}

type Pivot = Map<string, bigint[]>;

/** UsageMemberDayTotal pivoted by day as the table should hold it: non-zero rows only. */
async function expectedPivot(db: Db, workspaceId: string): Promise<Pivot> {
  const out: Pivot = new Map();
  for (const r of await db.usageMemberDayTotal.findMany({ where: { workspaceId } }))
    for (const metric of MONTH_DAY_METRICS) {
      const key = `${r.day.slice(0, 7)}|${r.memberKey}|${metric}`;
      const days =
        out.get(key) ??
        out
          .set(
            key,
            DAY_COLUMNS.map(() => 0n),
          )
          .get(key)!;
      days[Number(r.day.slice(8, 10)) - 1]! += r[metric];
    }
  for (const [k, days] of out) if (days.every((v) => v === 0n)) out.delete(k);
  return out;
}

async function storedPivot(db: Db, workspaceId: string): Promise<Pivot> {
  const rows = await db.usageMemberMonthDays.findMany({ where: { workspaceId } });
  return new Map(
    rows.map((r) => [
      `${r.month}|${r.memberKey}|${r.metric}`,
      DAY_COLUMNS.map((c) => (r as unknown as Record<string, bigint>)[c]!),
    ]),
  );
}

/** Each member's cumulative days of a period from the member-day rows (what the simulator read before). */
async function fromMemberDays(
  db: Db,
  workspaceId: string,
  p: Period,
  columns: readonly MonthDayMetric[],
): Promise<Map<string, bigint[]>> {
  const days = eachDay(p.start, p.end);
  const out = new Map<string, bigint[]>();
  const rows = await db.usageMemberDayTotal.findMany({
    where: { workspaceId, day: { gte: p.start, lte: p.end } },
  });
  for (const r of rows) {
    const series =
      out.get(r.memberKey) ??
      out
        .set(
          r.memberKey,
          days.map(() => 0n),
        )
        .get(r.memberKey)!;
    for (const c of columns) series[days.indexOf(r.day)]! += r[c];
  }
  for (const series of out.values())
    for (let i = 1; i < series.length; i++) series[i]! += series[i - 1]!;
  return out;
}

const PERIODS: Period[] = [
  { start: "2026-10-01", end: "2026-10-31" }, // a month
  { start: "2026-09-28", end: "2026-10-04" }, // a week across a month's end
  { start: "2026-11-01", end: "2026-11-30" }, // the current month, days to come
  { start: "2026-10-07", end: "2026-10-07" }, // a day
];

async function expectSameReads(db: Db, f: Awaited<ReturnType<typeof generated>>) {
  expect(await storedPivot(db, f.ws.id)).toEqual(await expectedPivot(db, f.ws.id));
  const base = await loadWorkspaceBudget(db, f.ws.id, TEST_NOW);
  const everyone = f.members.map((m) => m.id);
  const few = everyone.slice(1, 3);
  for (const unit of ["USD", "CREDITS"] as const)
    for (const seats of [false, true]) {
      const budget = { ...base, unit, seats };
      const columns: MonthDayMetric[] =
        unit === "USD"
          ? ["costMicros", "seatEstimateMicros"]
          : ["creditsMicros", "seatCreditsMicros"];
      if (!seats) columns.pop();
      for (const p of PERIODS) {
        const expected = await fromMemberDays(db, f.ws.id, p, columns);
        for (const ids of [everyone, few]) {
          const read = await memberDays(db, budget, p, ids, everyone, null);
          for (const id of ids) {
            // no series = no usage: 0 every day, as the replay reads it (simulate-core.ts)
            const zeros = eachDay(p.start, p.end).map(() => 0n);
            const series = read.get(id);
            const label = `${unit}${seats ? "+seats" : ""} ${p.start}..${p.end} ${id}`;
            expect(series ? Array.from(series) : zeros, label).toEqual(expected.get(id) ?? zeros);
          }
        }
      }
    }
}

describe("member days by month", () => {
  it("equal the member-day totals pivoted by day, and the simulator reads the same days as from the member-day rows, as the sync writes, restates and removes usage", async () => {
    const db = await testDb();
    const f = await generated(db);
    expect(
      await db.usageMemberMonthDays.count({
        where: { workspaceId: f.ws.id, metric: "seatCreditsMicros" },
      }),
    ).toBeGreaterThan(0);
    await expectSameReads(db, f);

    // a restatement: one member's October days change, another's go to 0 (their rows must go),
    // a refund lands on a day of its own; the rollups of those days are rebuilt as a sync does
    const [a, b] = [f.members[2]!, f.members[4]!];
    const touched = ["2026-10-03", "2026-10-30", "2026-11-02"];
    await db.usageRecord.updateMany({
      where: { workspaceId: f.ws.id, memberId: a.id, day: { in: touched } },
      data: { costMicros: 7n, creditsMicros: 175n, seatEstimateMicros: 0n, seatCreditsMicros: 0n },
    });
    await db.usageRecord.updateMany({
      where: {
        workspaceId: f.ws.id,
        memberId: b.id,
        day: { gte: "2026-10-01", lte: "2026-10-31" },
      },
      data: { costMicros: 0n, creditsMicros: 0n, seatEstimateMicros: 0n, seatCreditsMicros: 0n },
    });
    await db.usageRecord.create({
      data: {
        workspaceId: f.ws.id,
        connectionId: f.connection.id,
        day: "2026-10-30",
        provider: "openai",
        identityKey: a.email,
        memberId: a.id,
        product: "codex",
        model: "refund",
        costMicros: -3_000_000n,
        creditsMicros: -75_000_000n,
      },
    });
    await db.$transaction((tx) =>
      rebuildDailyRollups(tx, f.ws.id, [...touched, ...eachDay("2026-10-01", "2026-10-31")]),
    );
    expect(
      await db.usageMemberMonthDays.count({
        where: { workspaceId: f.ws.id, memberKey: b.id, month: "2026-10" },
      }),
    ).toBe(0);
    await expectSameReads(db, f);

    // a day removed (a complete day the provider no longer reports)
    await db.usageRecord.deleteMany({
      where: { workspaceId: f.ws.id, day: addDays("2026-10-01", 6) },
    });
    await db.$transaction((tx) => rebuildDailyRollups(tx, f.ws.id, ["2026-10-07"]));
    await expectSameReads(db, f);
  });
});
