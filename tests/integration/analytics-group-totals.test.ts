/**
 * The group and cost-center totals (lib/rollups/group-totals.ts) follow every write that
 * moves them: after a sync, after the directory sync moves a member with usage to another
 * group and takes another out of their only group, and after a sync restates a day, the
 * group and cost-center breakdowns of the whole workspace (read from those totals) equal a
 * plain recomputation from the daily rollup and today's memberships, for every key.
 */
import { beforeAll, describe, expect, it } from "vitest";

import { explorerBreakdown, exportBreakdown } from "@/lib/analytics/breakdown";
import { NONE } from "@/lib/analytics/filters";
import { resolveRange, type RangeSpec } from "@/lib/analytics/range";
import { sourceFor } from "@/lib/analytics/sql-builder";
import { SYSTEM_ACTOR } from "@/lib/audit/audit";
import type { SpendScope } from "@/lib/auth/scope";
import { todayIn } from "@/lib/core/period";
import { USAGE_SUM_KEYS } from "@/lib/core/usage-sums";
import { applyDirectory } from "@/lib/ingest/directory";
import { runSync } from "@/lib/ingest/sync";
import type { Directory, SourceAdapter } from "@/lib/ingest/types";
import type { Db } from "@/lib/server/db";

import { testDb } from "../helpers/db";
import { simulatedWorkspace } from "../helpers/simulator";

const NOW = new Date("2026-11-05T12:00:00Z");
const WINDOW = { start: "2026-09-20", end: "2026-11-05" };
const RESTATED = "2026-10-14";
const RANGES: RangeSpec[] = [
  { range: "period" },
  { range: "last-period" },
  { range: "30d" },
  { range: "90d" },
  { range: "custom", from: "2026-09-28", to: "2026-10-16" },
];
/** A breakdown row's figures: the usage sums and the unpriced requests. */
const FIGURES = [...USAGE_SUM_KEYS, "unpricedRequests"] as const;

let db: Db;

/** Every key's figures over a range, summed in JS from the daily rollup and today's groups / cost centers. */
async function recomputed(
  workspaceId: string,
  dimension: "group" | "costCenter",
  range: { start: string; end: string },
) {
  const members = await db.member.findMany({ where: { workspaceId }, include: { groups: true } });
  const keysOf = new Map(
    members.map((m) => [
      m.id,
      dimension === "group"
        ? m.groups.length
          ? m.groups.map((g) => g.groupId)
          : [NONE]
        : [m.costCenter ?? NONE],
    ]),
  );
  const out = new Map<string, Record<(typeof FIGURES)[number], bigint>>();
  for (const r of await db.usageDailyRollup.findMany({
    where: { workspaceId, day: { gte: range.start, lte: range.end } },
  }))
    for (const key of r.memberKey === "" ? [""] : (keysOf.get(r.memberKey) ?? [NONE])) {
      const sums = out.get(key) ?? Object.fromEntries(FIGURES.map((f) => [f, 0n]));
      for (const f of FIGURES) sums[f] += r[f];
      out.set(key, sums as Record<(typeof FIGURES)[number], bigint>);
    }
  return out;
}

async function expectBreakdownsMatch(workspaceId: string) {
  const scope: SpendScope = { workspaceId, kind: "workspace", memberIds: null, label: "ws" };
  for (const dimension of ["group", "costCenter"] as const) {
    expect(sourceFor(dimension, {}, scope).perKey?.dimension).toBe(dimension);
    for (const spec of RANGES) {
      const range = resolveRange(spec, "MONTHLY", todayIn("UTC", NOW));
      const label = `${dimension} ${JSON.stringify(spec)}`;
      const want = await recomputed(workspaceId, dimension, range);
      const previous = await recomputed(workspaceId, dimension, range.previous);
      const all = await exportBreakdown(
        { db, scope, now: NOW },
        spec,
        {},
        { dimension, sort: "amount", dir: "desc", page: 1, pageSize: 200 },
      );
      expect(all.rows.map((r) => r.key).sort(), label).toEqual(
        [...want.keys()].filter((k) => want.get(k)!.requests > 0n).sort(),
      );
      // a page (lean sums, then the page's figures, previous range and sparklines) as well as every row
      const page = await explorerBreakdown(
        { db, scope, now: NOW },
        spec,
        {},
        { dimension, sort: "amount", dir: "desc", page: 1, pageSize: 3 },
      );
      for (const row of [...all.rows, ...page.rows]) {
        const w = want.get(row.key)!;
        expect(
          FIGURES.map((f) =>
            f === "creditsMicros"
              ? row.amountMicros
              : f === "unpricedRequests"
                ? row.unpricedRequests
                : row[f],
          ),
          `${label} ${row.key}`,
        ).toEqual(FIGURES.map((f) => w[f]));
        expect(row.previousAmountMicros, `${label} ${row.key} previous`).toBe(
          previous.get(row.key)?.creditsMicros ?? 0n,
        );
      }
      for (const row of page.rows)
        expect(
          row.sparkline.reduce((a, v) => a + v, 0n),
          `${label} ${row.key} sparkline`,
        ).toBe(row.amountMicros);
    }
  }
}

beforeAll(async () => {
  db = await testDb();
});

describe("group and cost-center totals", () => {
  it("follow a sync, the directory sync moving and removing members with usage, and a restated day", async () => {
    const sim = await simulatedWorkspace(db, { members: 16, endDay: WINDOW.end, seed: 9 });
    const workspaceId = sim.workspace.id;
    const sync = (adapter: SourceAdapter, window = WINDOW) =>
      runSync({
        db,
        connectionId: sim.connection.id,
        adapter,
        window,
      });
    expect((await sync(sim.adapter)).status).toBe("SUCCEEDED");
    await expectBreakdownsMatch(workspaceId);

    // people with usage in exactly one group: one moves to another group, one leaves theirs
    const directory: Directory = await sim.adapter.directory!({});
    const spenders = await db.usageDailyRollup.groupBy({
      by: ["memberKey"],
      where: { workspaceId, memberKey: { not: "" } },
      _sum: { creditsMicros: true },
    });
    const members = await db.member.findMany({
      where: { workspaceId, id: { in: spenders.map((s) => s.memberKey) } },
      include: { groups: { include: { group: true } } },
    });
    const single = members.filter((m) => m.groups.length === 1);
    const mover = single[0]!;
    const leaver =
      single.find((m) => m.id !== mover.id && m.groups[0]!.groupId !== mover.groups[0]!.groupId) ??
      single[1]!;
    const from = mover.groups[0]!.group.name;
    const to = directory.groups.find((g) => g.name !== from)!.name;
    const left = leaver.groups[0]!.group.name;
    const changed: Directory = {
      ...directory,
      groups: directory.groups.map((g) => ({
        ...g,
        memberEmails: [
          ...g.memberEmails.filter(
            (e) =>
              !(g.name === from && e === mover.email) && !(g.name === left && e === leaver.email),
          ),
          ...(g.name === to ? [mover.email] : []),
        ],
      })),
    };
    const counts = await db.$transaction((tx) =>
      applyDirectory(tx, workspaceId, changed, SYSTEM_ACTOR),
    );
    expect(counts.membershipsChanged).toBe(3);
    expect(await db.groupMember.count({ where: { memberId: leaver.id } })).toBe(0);
    await expectBreakdownsMatch(workspaceId);
    // the leaver's usage is now "No group"
    const period = await explorerBreakdown(
      { db, scope: { workspaceId, kind: "workspace", memberIds: null, label: "ws" }, now: NOW },
      { range: "90d" },
      {},
      { dimension: "group", sort: "amount", dir: "desc", page: 1, pageSize: 200 },
    );
    expect(period.rows.some((r) => r.key === NONE)).toBe(true);

    // the leaver joins a group again: "No group" gives their usage back
    const rejoined: Directory = {
      ...changed,
      groups: changed.groups.map((g) =>
        g.name === to ? { ...g, memberEmails: [...g.memberEmails, leaver.email] } : g,
      ),
    };
    expect(
      (await db.$transaction((tx) => applyDirectory(tx, workspaceId, rejoined, SYSTEM_ACTOR)))
        .membershipsChanged,
    ).toBe(1);
    await expectBreakdownsMatch(workspaceId);

    // a sync restates one day: some rows dropped, the others' figures changed
    const restating: SourceAdapter = {
      ...sim.adapter,
      async *pages(window, cursor, ctx) {
        for await (const page of sim.adapter.pages(window, cursor, ctx))
          yield {
            ...page,
            rows: page.rows
              .filter((_, i) => i % 3 !== 0)
              .map((r) =>
                r.day === RESTATED
                  ? {
                      ...r,
                      costMicros: r.costMicros * 2n + 1n,
                      creditsMicros: r.creditsMicros === null ? null : r.creditsMicros * 3n,
                      requests: r.requests + 1n,
                    }
                  : r,
              ),
          };
      },
    };
    const before = await db.usageDailyRollup.aggregate({
      where: { workspaceId, day: RESTATED },
      _sum: { costMicros: true },
    });
    const restated = await sync(restating, { start: RESTATED, end: RESTATED });
    expect(restated.status).toBe("SUCCEEDED");
    expect(restated.rowsRemoved + restated.rowsUpdated).toBeGreaterThan(0);
    const after = await db.usageDailyRollup.aggregate({
      where: { workspaceId, day: RESTATED },
      _sum: { costMicros: true },
    });
    expect(after._sum.costMicros).not.toBe(before._sum.costMicros);
    await expectBreakdownsMatch(workspaceId);
  }, 120_000);
});
