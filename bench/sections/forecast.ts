/**
 * The forecast's back-test (issue 20; docs/forecast.md): on the simulator's enterprise, for
 * each past budget period inside the data, forecast the period-end spend from its first K days
 * (K = 7 and 14) — exactly as the app would have on that day: from the history through that
 * day only (the member's own, and their first group's per member as the fallback), nothing
 * after it — and compare with what the period actually came to: how often the actual fell
 * inside the band (low–high; nominal 80 %), below it and above it, and the mean absolute error
 * of the mid (absolute, and as a share of the actual spend). Per member (a sample of up to
 * 2,000) and for the workspace as a whole. The band's method has no parameter fitted to this
 * data (it is tuned on nothing; its unit tests use their own generator): every period here is
 * held out.
 *
 * A back-test needs a whole past period with a full lookback before it (~3 months for a
 * monthly budget); the small run's 30 days have none, so when the data is too short the
 * section first extends the history backwards through the same sync path (the simulator
 * connection, earlier days), and says how many days it added.
 */
import { inBudgetUnit, microsToDecimal, type Unit } from "../../lib/core/money";
import {
  addDays,
  daysBetween,
  eachDay,
  periodContaining,
  previousPeriod,
  type BudgetPeriod,
  type DayKey,
  type Period,
} from "../../lib/core/period";
import {
  forecast,
  LOOKBACK_DAYS,
  NOMINAL_COVERAGE_PCT,
  perMember as perMemberOf,
  type PerMemberHistory,
} from "../../lib/forecast/model";
import { simulatorAdapter, simulatorConfigSchema } from "../../lib/ingest/adapters/simulator";
import { runSync } from "../../lib/ingest/sync";
import { round, timed } from "../stats";
import type { BenchContext, Section } from "./index";

const SAMPLE = 2_000;
const KS = [7, 14];

interface Tally {
  n: number;
  inside: number;
  below: number;
  above: number;
  absErr: bigint;
  actual: bigint;
}

const tally = (): Tally => ({ n: 0, inside: 0, below: 0, above: 0, absErr: 0n, actual: 0n });

function score(t: Tally, low: bigint, mid: bigint, high: bigint, actual: bigint) {
  t.n++;
  if (low <= actual && actual <= high) t.inside++;
  if (actual < low) t.below++;
  if (actual > high) t.above++;
  t.absErr += mid > actual ? mid - actual : actual - mid;
  t.actual += actual;
}

function report(t: Tally) {
  return {
    forecasts: t.n,
    insideBandPct: t.n ? round((100 * t.inside) / t.n, 1) : null,
    belowBandPct: t.n ? round((100 * t.below) / t.n, 1) : null,
    aboveBandPct: t.n ? round((100 * t.above) / t.n, 1) : null,
    meanAbsErrorOfMid: t.n ? microsToDecimal(t.absErr / BigInt(t.n), 2) : null,
    // summed |error| over summed actual spend: the mid's error as a share of what was spent
    absErrorPctOfActual:
      t.actual > 0n ? round(Number((t.absErr * 10_000n) / t.actual) / 100, 2) : null,
  };
}

function memberForecasts(results: Record<string, unknown>): number {
  return Object.values(results).reduce<number>(
    (n, r) => n + ((r as { members: ReturnType<typeof report> }).members.forecasts ?? 0),
    0,
  );
}

/**
 * The first day with usage, after syncing the simulator connection's earlier days when the
 * data starts after `needFrom` (the sync path keeps its "synced through" day: an earlier window
 * does not move it back).
 */
async function extendHistory(
  ctx: BenchContext,
  needFrom: DayKey,
): Promise<{ dataStart: DayKey; backfilledDays: number }> {
  const { db, workspaceId } = ctx;
  const first = async () =>
    (
      await db.usageMemberDayTotal.aggregate({
        where: { workspaceId },
        _min: { day: true },
      })
    )._min.day ?? ctx.spec.endDay;
  const dataStart = await first();
  if (dataStart <= needFrom) return { dataStart, backfilledDays: 0 };
  const connection = await db.connection.findFirstOrThrow({
    where: { workspaceId, kind: "simulator" },
  });
  const config = simulatorConfigSchema.parse(JSON.parse(connection.configJson));
  const window = { start: needFrom, end: addDays(dataStart, -1) };
  const days = daysBetween(window.start, window.end) + 1;
  ctx.log(`forecast: the data starts ${dataStart}; syncing ${days} earlier days for the back-test`);
  const { ms, value } = await timed(() =>
    runSync({
      db,
      connectionId: connection.id,
      adapter: simulatorAdapter(config),
      window,
      trigger: "bench",
    }),
  );
  if (value.status !== "SUCCEEDED") throw new Error(`backfill failed: ${value.error}`);
  ctx.log(`forecast: ${value.rowsRead} rows in ${round(ms / 1000)} s`);
  return { dataStart: await first(), backfilledDays: days };
}

export const forecastSection: Section = {
  name: "forecast",
  async run(ctx: BenchContext) {
    const { db, workspaceId, spec } = ctx;
    const ws = await db.workspace.findUniqueOrThrow({
      where: { id: workspaceId },
      select: { budgetUnit: true, budgetPeriod: true },
    });
    const unit = ws.budgetUnit as Unit;
    const kind = ws.budgetPeriod as BudgetPeriod;
    // the latest past period wholly inside the data needs a full lookback before it
    let latest = periodContaining(spec.endDay, kind);
    if (latest.end >= spec.endDay) latest = previousPeriod(latest, kind);
    const extended = await extendHistory(ctx, addDays(latest.start, -LOOKBACK_DAYS));
    const dataStart = extended.dataStart;
    // past periods wholly inside the data, with a full lookback before their K-th day
    const periods: Period[] = [];
    for (let p = latest; addDays(p.start, -LOOKBACK_DAYS) >= dataStart; p = previousPeriod(p, kind))
      periods.push(p);
    const members = await db.member.findMany({
      where: { workspaceId },
      select: { id: true },
      orderBy: { id: "asc" },
      take: SAMPLE,
    });
    const ids = members.map((m) => m.id);
    const { ms: readMs, value: rows } = await timed(() =>
      db.usageMemberDayTotal.findMany({
        where: { workspaceId, memberKey: { in: ids }, day: { gte: dataStart, lte: spec.endDay } },
        select: { memberKey: true, day: true, costMicros: true, creditsMicros: true },
      }),
    );
    const perMember = new Map<string, Map<DayKey, bigint>>();
    const all = new Map<DayKey, bigint>();
    for (const r of rows) {
      const v = inBudgetUnit(unit, r);
      let h = perMember.get(r.memberKey);
      if (!h) perMember.set(r.memberKey, (h = new Map()));
      h.set(r.day, (h.get(r.day) ?? 0n) + v);
      all.set(r.day, (all.get(r.day) ?? 0n) + v);
    }
    // the fallback the app would use: the member's first group (by id), per member
    const sampled = new Set(ids);
    const memberships = await db.groupMember.findMany({
      where: { group: { workspaceId } },
      select: { groupId: true, memberId: true },
      orderBy: { groupId: "asc" },
    });
    const firstGroup = new Map<string, string>();
    for (const m of memberships)
      if (sampled.has(m.memberId) && !firstGroup.has(m.memberId))
        firstGroup.set(m.memberId, m.groupId);
    const groupIds = [...new Set(firstGroup.values())];
    const [groupRows, sizes] = await Promise.all([
      db.usageGroupDayTotal.findMany({
        where: {
          workspaceId,
          groupId: { in: groupIds },
          day: { gte: dataStart, lte: spec.endDay },
        },
        select: { groupId: true, day: true, costMicros: true, creditsMicros: true },
      }),
      db.groupMember.groupBy({
        by: ["groupId"],
        where: { groupId: { in: groupIds } },
        _count: { _all: true },
      }),
    ]);
    const groupDays = new Map<string, Map<DayKey, bigint>>();
    for (const r of groupRows) {
      let h = groupDays.get(r.groupId);
      if (!h) groupDays.set(r.groupId, (h = new Map()));
      h.set(r.day, (h.get(r.day) ?? 0n) + inBudgetUnit(unit, r));
    }
    const size = new Map(sizes.map((g) => [g.groupId, g._count._all]));
    // one fallback object per group and forecast day, holding nothing after that day
    const fallbacks = new Map<string, PerMemberHistory>();
    const fallbackOf = (memberId: string, today: DayKey): PerMemberHistory | null => {
      const gid = firstGroup.get(memberId);
      const h = gid ? groupDays.get(gid) : undefined;
      if (!gid || !h) return null;
      const key = `${gid} ${today}`;
      let f = fallbacks.get(key);
      if (!f) {
        f = perMemberOf(new Map([...h].filter(([d]) => d <= today)), size.get(gid) ?? 1);
        fallbacks.set(key, f);
      }
      return f;
    };
    const sum = (h: Map<DayKey, bigint>, from: DayKey, to: DayKey) =>
      eachDay(from, to).reduce((a, d) => a + (h.get(d) ?? 0n), 0n);
    const results: Record<string, unknown> = {};
    const { ms } = await timed(async () => {
      for (const K of KS) {
        const members = tally();
        const workspace = tally();
        for (const period of periods) {
          const today = addDays(period.start, K - 1);
          if (today > period.end) continue;
          const subjects: [Map<DayKey, bigint>, Tally, PerMemberHistory | null][] = [
            ...ids.map(
              (id) =>
                [
                  perMember.get(id) ?? new Map<DayKey, bigint>(),
                  members,
                  fallbackOf(id, today),
                ] as [Map<DayKey, bigint>, Tally, PerMemberHistory | null],
            ),
            [all, workspace, null],
          ];
          for (const [h, t, fallback] of subjects) {
            // what the app knew on that day: nothing after it
            const known = new Map([...h].filter(([d]) => d <= today));
            const f = forecast({
              history: known,
              spentMicros: sum(h, period.start, today),
              period,
              today,
              fallback,
            });
            const actual = sum(h, period.start, period.end);
            if (f.source === "none" && actual === 0n) continue; // nobody to forecast
            score(t, f.lowMicros, f.midMicros, f.highMicros, actual);
          }
        }
        results[`firstDays${K}`] = { members: report(members), workspace: report(workspace) };
      }
    });
    const line = (k: number) => {
      const r = results[`firstDays${k}`] as {
        members: ReturnType<typeof report>;
        workspace: ReturnType<typeof report>;
      };
      return `K=${k}: members ${r.members.insideBandPct}% inside the band (${r.members.belowBandPct}% below, ${r.members.aboveBandPct}% above; n=${r.members.forecasts}, mid |err| ${r.members.absErrorPctOfActual}% of actual); workspace ${r.workspace.insideBandPct}% (n=${r.workspace.forecasts}, ${r.workspace.absErrorPctOfActual}%)`;
    };
    for (const k of KS) ctx.log(`forecast back-test ${line(k)}`);
    if (!memberForecasts(results)) throw new Error("the forecast back-test measured nothing (n=0)");
    return {
      periods: periods.map((p) => `${p.start}..${p.end}`),
      historyFrom: dataStart,
      backfilledDays: extended.backfilledDays,
      sampledMembers: ids.length,
      band: `nominal ${NOMINAL_COVERAGE_PCT} % inside (10 % below, 10 % above)`,
      readMs: round(readMs, 1),
      backtestMs: round(ms, 1),
      ...results,
    };
  },
};
