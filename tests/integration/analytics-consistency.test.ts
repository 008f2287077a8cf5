/**
 * Random (seeded) filters → overview, every breakdown dimension, member pages and the JSON
 * the UI reads agree to the micro-unit, and all equal an independent oracle: plain sums
 * over the fact rows in JS. Run under TZ=UTC and a far-off TZ: the figures are identical.
 */
import { beforeAll, describe, expect, it } from "vitest";

import { explorerBreakdown, exportBreakdown } from "@/lib/analytics/breakdown";
import { SORTS, type BreakdownQuery } from "@/lib/analytics/breakdown-query";
import { getFacets } from "@/lib/analytics/facets";
import { DIMENSIONS, NONE, type Dimension, type Filters } from "@/lib/analytics/filters";
import { getGroupSummary } from "@/lib/analytics/group";
import { getMemberSummary } from "@/lib/analytics/member";
import { getMyUsage } from "@/lib/analytics/my-usage";
import { getOverview } from "@/lib/analytics/overview";
import { resolveRange, type RangeSpec } from "@/lib/analytics/range";
import { sourceFor } from "@/lib/analytics/sql-builder";
import { SYSTEM_ACTOR } from "@/lib/audit/audit";
import type { SpendScope } from "@/lib/auth/scope";
import { NotFoundError } from "@/lib/core/errors";
import { toJsonText } from "@/lib/core/json";
import { addDays, todayIn } from "@/lib/core/period";
import { applyDirectory } from "@/lib/ingest/directory";
import { rng } from "@/lib/ingest/simulator/random";
import { runSync } from "@/lib/ingest/sync";
import type { Db } from "@/lib/server/db";

import { makeWorkspace, testDb } from "../helpers/db";
import { simulatedWorkspace } from "../helpers/simulator";

const NOW = new Date("2026-11-20T10:30:00Z");
const WINDOW = { start: "2026-09-15", end: "2026-11-20" };

interface Fact {
  day: string;
  member: string;
  product: string;
  model: string;
  provider: string;
  project: string;
  apiKey: string;
  costMicros: bigint;
  creditsMicros: bigint;
  requests: bigint;
  inputTokens: bigint;
}

let db: Db;
let workspaceId: string;
let facts: Fact[];
let groupsOf: Map<string, Set<string>>;
let costCenterOf: Map<string, string | null>;
let memberIds: string[];
let groupIds: string[];
let managerScope: SpendScope;
let workspaceScope: SpendScope;
const values: Partial<Record<Dimension, string[]>> = {};

function matches(f: Fact, scope: SpendScope, filters: Filters): boolean {
  if (scope.memberIds && !scope.memberIds.includes(f.member)) return false;
  for (const d of ["product", "model", "provider", "project", "apiKey", "member"] as const) {
    const v = filters[d];
    if (v?.length && !v.includes(f[d])) return false;
  }
  if (filters.group?.length) {
    const mine = groupsOf.get(f.member) ?? new Set<string>();
    const ok = filters.group.some((g) =>
      g === "" ? f.member === "" : g === NONE ? f.member !== "" && mine.size === 0 : mine.has(g),
    );
    if (!ok) return false;
  }
  if (filters.costCenter?.length) {
    const cc = f.member === "" ? "" : (costCenterOf.get(f.member) ?? NONE);
    if (!filters.costCenter.includes(cc)) return false;
  }
  return true;
}

function oracle(scope: SpendScope, filters: Filters, range: { start: string; end: string }) {
  let credits = 0n;
  let cost = 0n;
  let requests = 0n;
  for (const f of facts) {
    if (f.day < range.start || f.day > range.end || !matches(f, scope, filters)) continue;
    credits += f.creditsMicros;
    cost += f.costMicros;
    requests += f.requests;
  }
  return { credits, cost, requests };
}

function pick<T>(r: () => number, items: readonly T[], max: number): T[] {
  const n = 1 + Math.floor(r() * Math.min(max, items.length));
  const pool = [...items];
  const out: T[] = [];
  for (let i = 0; i < n && pool.length; i++)
    out.push(pool.splice(Math.floor(r() * pool.length), 1)[0]!);
  return out;
}

beforeAll(async () => {
  db = await testDb();
  const sim = await simulatedWorkspace(db, { members: 30, endDay: WINDOW.end, seed: 5 });
  workspaceId = sim.workspace.id;
  const res = await runSync({
    db,
    connectionId: sim.connection.id,
    adapter: sim.adapter,
    window: WINDOW,
  });
  expect(res.status).toBe("SUCCEEDED");
  const members = await db.member.findMany({ where: { workspaceId }, include: { groups: true } });
  // one person in two groups, so group rows overlap and totals must not double count
  const groups = await db.group.findMany({ where: { workspaceId }, orderBy: { name: "asc" } });
  const busy = members.find((m) => m.groups.length === 1)!;
  const other = groups.find((g) => g.id !== busy.groups[0]!.groupId)!;
  // through the directory sync, the one writer of memberships (it keeps the group totals)
  const current = await db.groupMember.findMany({
    where: { groupId: other.id },
    include: { member: true },
  });
  const managers = await db.groupManager.findMany({
    where: { groupId: other.id },
    include: { member: true },
  });
  const directory = {
    source: other.source,
    people: [],
    groups: [
      {
        name: other.name,
        costCenter: other.costCenter,
        memberEmails: [...current.map((l) => l.member.email), busy.email],
        managerEmails: managers.map((l) => l.member.email),
      },
    ],
  };
  const moved = await db.$transaction((tx) =>
    applyDirectory(tx, workspaceId, directory, SYSTEM_ACTOR),
  );
  expect(moved.membershipsChanged).toBe(1);
  const links = await db.groupMember.findMany({ where: { group: { workspaceId } } });
  groupsOf = new Map();
  for (const l of links)
    groupsOf.set(l.memberId, (groupsOf.get(l.memberId) ?? new Set()).add(l.groupId));
  costCenterOf = new Map(members.map((m) => [m.id, m.costCenter]));
  memberIds = members.map((m) => m.id);
  groupIds = groups.map((g) => g.id);
  const rows = await db.usageRecord.findMany({ where: { workspaceId } });
  facts = rows.map((r) => ({
    day: r.day,
    member: r.memberId ?? "",
    product: r.product,
    model: r.model,
    provider: r.provider,
    project: r.project,
    apiKey: r.apiKey,
    costMicros: r.costMicros,
    creditsMicros: r.creditsMicros,
    requests: r.requests,
    inputTokens: r.inputTokens,
  }));
  for (const d of ["product", "model", "provider", "project", "apiKey"] as const)
    values[d] = [...new Set(facts.map((f) => f[d]))].sort();
  values.costCenter = [...new Set(members.map((m) => m.costCenter ?? NONE)), ""];
  values.group = [...groupIds, ""];
  values.member = [...memberIds.slice(0, 12), ""];
  workspaceScope = { workspaceId, kind: "workspace", memberIds: null, label: "ws" };
  const managed = [groups[0]!.id, groups[1]!.id];
  const managedMembers = [
    ...new Set(links.filter((l) => managed.includes(l.groupId)).map((l) => l.memberId)),
  ];
  managerScope = {
    workspaceId,
    kind: "groups",
    memberIds: managedMembers,
    label: "mgr",
    managedGroupIds: managed,
  };
  expect(facts.some((f) => f.member === "")).toBe(true);
  // the workspace day totals (maintained by the sync) equal the fact rows
  const dayTotals = await db.usageDayTotal.aggregate({
    where: { workspaceId },
    _sum: { creditsMicros: true, costMicros: true, requests: true },
  });
  expect(dayTotals._sum.creditsMicros).toBe(facts.reduce((s, f) => s + f.creditsMicros, 0n));
  expect(dayTotals._sum.costMicros).toBe(facts.reduce((s, f) => s + f.costMicros, 0n));
}, 120_000);

const RANGES: RangeSpec[] = [
  { range: "period" },
  { range: "last-period" },
  { range: "7d" },
  { range: "30d" },
  { range: "90d" },
  { range: "custom", from: "2026-10-03", to: "2026-11-11" },
];

describe("analytics consistency", () => {
  it("overview, every breakdown and the JSON agree with the fact rows under random filters", async () => {
    const r = rng(20261120);
    let nonEmpty = 0;
    for (let iter = 0; iter < 12; iter++) {
      const spec = RANGES[Math.floor(r() * RANGES.length)]!;
      const scope = r() < 0.7 ? workspaceScope : managerScope;
      const filters: Filters = {};
      for (const d of pick(r, DIMENSIONS, 2))
        if (r() < 0.8) filters[d] = pick(r, values[d] ?? [], 3);
      const range = resolveRange(spec, "MONTHLY", todayIn("UTC", NOW));
      const want = oracle(scope, filters, range);
      const label = JSON.stringify({ iter, spec, scope: scope.kind, filters });
      if (want.credits > 0n) nonEmpty++;

      const overview = await getOverview(db, scope, NOW, {
        range: spec,
        filters,
        stackBy: (["product", "model", "provider", "group"] as const)[iter % 4],
      });
      expect(overview.totals.creditsMicros, label).toBe(want.credits);
      expect(overview.totals.costMicros, label).toBe(want.cost);
      expect(overview.spentMicros, label).toBe(want.credits);
      if (overview.stackBy !== "group") {
        const stacked = overview.daily.reduce(
          (s, d) => s + Object.values(d.byProduct).reduce((a, b) => a + b, 0n),
          0n,
        );
        expect(stacked, label).toBe(want.credits);
      }
      expect(
        overview.daily.reduce((s, d) => s + d.totalMicros, 0n),
        label,
      ).toBe(want.credits);
      const prev = oracle(scope, filters, range.previous);
      expect(overview.previousAmountMicros, label).toBe(prev.credits);

      for (const dimension of DIMENSIONS) {
        const q: BreakdownQuery = {
          dimension,
          sort: "amount",
          dir: "desc",
          page: 1,
          pageSize: 200,
        };
        const b = await explorerBreakdown({ db, scope, now: NOW }, spec, filters, q);
        expect(b.totals.amountMicros, `${label} ${dimension}`).toBe(want.credits);
        expect(b.totals.requests, `${label} ${dimension}`).toBe(want.requests);
        expect(b.totalRows).toBe(b.rows.length);
        if (dimension === "group") expect(b.rowsSumMicros >= want.credits, label).toBe(true);
        else expect(b.rowsSumMicros, `${label} ${dimension}`).toBe(want.credits);
        for (const row of b.rows) {
          expect(
            row.sparkline.reduce((s, v) => s + v, 0n),
            `${label} ${dimension} ${row.key}`,
          ).toBe(row.amountMicros);
          // each row equals the oracle with that key added as a filter
          const rowFilters = { ...filters, [dimension]: [row.key] };
          const intersect = filters[dimension] ? filters[dimension]!.includes(row.key) : true;
          if (intersect)
            expect(row.amountMicros, `${label} ${dimension} ${row.key}`).toBe(
              oracle(scope, rowFilters, range).credits,
            );
          expect(row.previousAmountMicros, `${label} ${dimension} ${row.key} prev`).toBe(
            intersect
              ? oracle(scope, rowFilters, range.previous).credits
              : row.previousAmountMicros,
          );
        }
        // the JSON the UI reads carries the same exact figures
        const wire = JSON.parse(toJsonText(b)) as {
          totals: { amountMicros: string };
          rows: { amountMicros: string }[];
        };
        expect(BigInt(wire.totals.amountMicros)).toBe(want.credits);
        expect(wire.rows.map((x) => BigInt(x.amountMicros))).toEqual(
          b.rows.map((x) => x.amountMicros),
        );
      }
    }
    // the random filters must not all select nothing (a vacuous pass)
    expect(nonEmpty).toBeGreaterThan(6);
  }, 120_000);

  it("group and cost-center breakdowns of the whole workspace (read from their own totals) equal the fact rows, every range", async () => {
    const ctx = { db, scope: workspaceScope, now: NOW };
    const cases: Filters[] = [
      {},
      { group: [groupIds[1]!, NONE, ""] },
      { costCenter: [values.costCenter![0]!, ""] },
    ];
    for (const spec of RANGES)
      for (const dimension of ["group", "costCenter"] as const)
        for (const filters of cases) {
          if (Object.keys(filters).some((d) => d !== dimension)) continue;
          // the path under test: the per-key totals, not the member-grain sums
          expect(sourceFor(dimension, filters, workspaceScope).perKey?.dimension).toBe(dimension);
          const range = resolveRange(spec, "MONTHLY", todayIn("UTC", NOW));
          const label = JSON.stringify({ spec, dimension, filters });
          const all = await exportBreakdown(ctx, spec, filters, {
            dimension,
            sort: "amount",
            dir: "desc",
            page: 1,
            pageSize: 200,
          });
          const keys = new Set(all.rows.map((r) => r.key));
          // every key with usage in the range is a row, with exactly its usage
          const expected = (values[dimension] ?? [])
            .concat(NONE)
            .filter(
              (k) =>
                (!filters[dimension] || filters[dimension]!.includes(k)) &&
                oracle(workspaceScope, { ...filters, [dimension]: [k] }, range).requests > 0n,
            );
          expect([...keys].sort(), label).toEqual([...new Set(expected)].sort());
          for (const page of [1, 2]) {
            const b = await explorerBreakdown(ctx, spec, filters, {
              dimension,
              sort: "amount",
              dir: "desc",
              page,
              pageSize: 4,
            });
            expect(
              b.rows.map((r) => r.key),
              label,
            ).toEqual(all.rows.slice((page - 1) * 4, page * 4).map((r) => r.key));
            for (const row of b.rows) {
              const rowFilters = { ...filters, [dimension]: [row.key] };
              const want = oracle(workspaceScope, rowFilters, range);
              expect(
                [row.amountMicros, row.costMicros, row.requests],
                `${label} ${row.key}`,
              ).toEqual([want.credits, want.cost, want.requests]);
              expect(row.previousAmountMicros, `${label} ${row.key} prev`).toBe(
                oracle(workspaceScope, rowFilters, range.previous).credits,
              );
              expect(
                row.sparkline.reduce((a, v) => a + v, 0n),
                `${label} ${row.key} sparkline`,
              ).toBe(row.amountMicros);
            }
          }
        }
  });

  it("pagination and sorting are server-side and stable", async () => {
    const ctx = { db, scope: workspaceScope, now: NOW };
    const all = await explorerBreakdown(
      ctx,
      { range: "30d" },
      {},
      { dimension: "member", sort: "amount", dir: "desc", page: 1, pageSize: 200 },
    );
    const p1 = await explorerBreakdown(
      ctx,
      { range: "30d" },
      {},
      { dimension: "member", sort: "amount", dir: "desc", page: 1, pageSize: 7 },
    );
    const p2 = await explorerBreakdown(
      ctx,
      { range: "30d" },
      {},
      { dimension: "member", sort: "amount", dir: "desc", page: 2, pageSize: 7 },
    );
    expect([...p1.rows, ...p2.rows].map((x) => x.key)).toEqual(
      all.rows.slice(0, 14).map((x) => x.key),
    );
    expect(p1.totalRows).toBe(all.totalRows);
    const asc = await explorerBreakdown(
      ctx,
      { range: "30d" },
      {},
      { dimension: "member", sort: "label", dir: "asc", page: 1, pageSize: 200 },
    );
    const labels = asc.rows.map((x) => x.label);
    expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b, "en")));
    expect(asc.rows.some((x) => x.label === "Unattributed")).toBe(true);
  });

  it("pages (sorted in the database or lean, then read in full) equal the full list sorted in JS (every sort, both directions, past the end)", async () => {
    const cases: { scope: SpendScope; filters: Filters; spec: RangeSpec }[] = [
      { scope: workspaceScope, filters: {}, spec: { range: "period" } },
      {
        scope: workspaceScope,
        filters: { product: values.product!.slice(0, 1) },
        spec: { range: "custom", from: "2026-10-03", to: "2026-11-11" },
      },
      { scope: managerScope, filters: {}, spec: { range: "last-period" } },
    ];
    for (const { scope, filters, spec } of cases)
      for (const dimension of ["member", "group", "costCenter"] as const)
        for (const sort of SORTS)
          for (const dir of ["asc", "desc"] as const) {
            const ctx = { db, scope, now: NOW };
            const label = JSON.stringify({
              scope: scope.kind,
              filters,
              spec,
              dimension,
              sort,
              dir,
            });
            // `all` takes the JS path: every row, sorted in JS
            const all = await exportBreakdown(ctx, spec, filters, {
              dimension,
              sort,
              dir,
              page: 1,
              pageSize: 200,
            });
            expect(all.rows.length, label).toBeGreaterThan(1);
            for (const page of [1, 2, 50]) {
              const b = await explorerBreakdown(ctx, spec, filters, {
                dimension,
                sort,
                dir,
                page,
                pageSize: 3,
              });
              const want = all.rows.slice((page - 1) * 3, page * 3);
              // every figure of a page row, also those a lean sort leaves to the page's second read
              const figures = (r: (typeof want)[number]) => [
                r.key,
                r.amountMicros,
                r.requests,
                r.previousAmountMicros,
                r.costMicros,
                r.creditsMicros,
                r.estimatedCostMicros,
                r.inputTokens,
                r.cachedInputTokens,
                r.outputTokens,
                r.unpricedRequests,
              ];
              expect(b.rows.map(figures), `${label} page ${page}`).toEqual(want.map(figures));
              expect(b.totalRows, label).toBe(all.totalRows);
              expect(b.rowsSumMicros, label).toBe(all.rowsSumMicros);
            }
          }
  }, 120_000);

  it("member, group and my-usage pages match the breakdown rows", async () => {
    const period = await explorerBreakdown(
      { db, scope: workspaceScope, now: NOW },
      { range: "period" },
      {},
      { dimension: "member", sort: "amount", dir: "desc", page: 1, pageSize: 200 },
    );
    for (const row of period.rows.filter((x) => x.key !== "").slice(0, 5)) {
      const m = await getMemberSummary(db, workspaceScope, row.key, NOW);
      expect(m.usage.totals.creditsMicros).toBe(row.creditsMicros);
      const self: SpendScope = {
        workspaceId,
        kind: "self",
        memberIds: [row.key],
        label: "me",
        selfMemberId: row.key,
      };
      const mine = await getMyUsage(db, self, NOW);
      expect(mine.spentMicros).toBe(row.amountMicros);
      expect(mine.byProduct.reduce((s, x) => s + x.amountMicros, 0n)).toBe(row.amountMicros);
    }
    const groups = await explorerBreakdown(
      { db, scope: workspaceScope, now: NOW },
      { range: "period" },
      {},
      { dimension: "group", sort: "amount", dir: "desc", page: 1, pageSize: 200 },
    );
    for (const g of groups.rows.filter((x) => x.href)) {
      const s = await getGroupSummary(db, workspaceScope, g.key, NOW);
      expect(s.pooledMicros).toBe(g.amountMicros);
      expect(s.members.reduce((a, m) => a + m.amountMicros, 0n)).toBe(g.amountMicros);
      // the daily trend is the members' days (a person in the list read once)
      expect(s.usage.totals.creditsMicros).toBe(g.creditsMicros);
      expect(s.usage.daily.reduce((a, d) => a + d.totalMicros, 0n)).toBe(g.amountMicros);
    }
  });

  it("filter pickers offer the products, models and providers used in the scope and range", async () => {
    for (const scope of [workspaceScope, managerScope]) {
      const spec: RangeSpec = { range: "90d" };
      const facets = await getFacets(db, scope, NOW, spec);
      const range = resolveRange(spec, "MONTHLY", todayIn("UTC", NOW));
      const inScope = facts.filter(
        (f) =>
          f.day >= range.start &&
          f.day <= range.end &&
          (scope.memberIds === null || scope.memberIds.includes(f.member)),
      );
      for (const col of ["product", "model", "provider"] as const) {
        expect(
          facets[col]!.map((v) => v.value),
          `${scope.kind} ${col}`,
        ).toEqual([...new Set(inScope.map((f) => f[col]))].sort());
      }
    }
  });

  it("scope is enforced in the query layer: out of scope or another workspace is not found", async () => {
    const outsider = memberIds.find((id) => !managerScope.memberIds!.includes(id))!;
    await expect(getMemberSummary(db, managerScope, outsider, NOW)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const unmanaged = groupIds.find((g) => !managerScope.managedGroupIds!.includes(g))!;
    await expect(getGroupSummary(db, managerScope, unmanaged, NOW)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const self: SpendScope = {
      workspaceId,
      kind: "self",
      memberIds: [memberIds[0]!],
      label: "me",
      selfMemberId: memberIds[0]!,
    };
    await expect(getGroupSummary(db, self, groupIds[0]!, NOW)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    // an engineer's breakdown only ever contains themselves
    const b = await explorerBreakdown(
      { db, scope: self, now: NOW },
      { range: "90d" },
      {},
      { dimension: "member", sort: "amount", dir: "desc", page: 1, pageSize: 200 },
    );
    expect(b.rows.every((x) => x.key === memberIds[0])).toBe(true);
    // another workspace's scope sees none of these rows and none of these members
    const otherWs = await makeWorkspace(db);
    const foreign: SpendScope = {
      workspaceId: otherWs.id,
      kind: "workspace",
      memberIds: null,
      label: "other",
    };
    await expect(getMemberSummary(db, foreign, memberIds[0]!, NOW)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(getGroupSummary(db, foreign, groupIds[0]!, NOW)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const empty = await getOverview(db, foreign, NOW);
    expect(empty.spentMicros).toBe(0n);
    expect(addDays(empty.period.start, 0)).toBe("2026-11-01");
  });
});
