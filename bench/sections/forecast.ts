/**
 * The forecast's back-test (issue 20; docs/forecast.md): on the simulator's enterprise, for
 * each past budget period inside the data, forecast the period-end spend from its first K days
 * (K = 7 and 14) — exactly as the app would have on that day, from the history before it —
 * and compare with what the period actually came to: how often the actual fell inside the
 * band (low–high), and the mean absolute error of the mid (absolute, and as a share of the
 * actual spend). Per member (a sample of up to 2,000) and for the workspace as a whole.
 */
import { inBudgetUnit, microsToDecimal, type Unit } from "../../lib/core/money";
import {
  addDays,
  eachDay,
  periodContaining,
  type BudgetPeriod,
  type DayKey,
  type Period,
} from "../../lib/core/period";
import { forecast, LOOKBACK_DAYS } from "../../lib/forecast/model";
import { round, timed } from "../stats";
import type { BenchContext, Section } from "./index";

const SAMPLE = 2_000;
const KS = [7, 14];

interface Tally {
  n: number;
  inside: number;
  absErr: bigint;
  actual: bigint;
}

const tally = (): Tally => ({ n: 0, inside: 0, absErr: 0n, actual: 0n });

function score(t: Tally, low: bigint, mid: bigint, high: bigint, actual: bigint) {
  t.n++;
  if (low <= actual && actual <= high) t.inside++;
  t.absErr += mid > actual ? mid - actual : actual - mid;
  t.actual += actual;
}

function report(t: Tally) {
  return {
    forecasts: t.n,
    insideBandPct: t.n ? round((100 * t.inside) / t.n, 1) : null,
    meanAbsErrorOfMid: t.n ? microsToDecimal(t.absErr / BigInt(t.n), 2) : null,
    // summed |error| over summed actual spend: the mid's error as a share of what was spent
    absErrorPctOfActual:
      t.actual > 0n ? round(Number((t.absErr * 10_000n) / t.actual) / 100, 2) : null,
  };
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
    const dataStart = addDays(spec.endDay, -(spec.days - 1));
    // past periods wholly inside the data, with a full lookback before their K-th day
    const periods: Period[] = [];
    for (let p = periodContaining(addDays(spec.endDay, 1), kind); ;) {
      p = periodContaining(addDays(p.start, -1), kind);
      if (addDays(p.start, -LOOKBACK_DAYS) < dataStart) break;
      if (p.end < spec.endDay) periods.push(p);
    }
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
          const subjects: [Map<DayKey, bigint>, Tally][] = [
            ...ids.map(
              (id) =>
                [perMember.get(id) ?? new Map<DayKey, bigint>(), members] as [
                  Map<DayKey, bigint>,
                  Tally,
                ],
            ),
            [all, workspace],
          ];
          for (const [h, t] of subjects) {
            // what the app knew on that day: nothing after it
            const known = new Map([...h].filter(([d]) => d <= today));
            const f = forecast({
              history: known,
              spentMicros: sum(h, period.start, today),
              period,
              today,
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
      return `K=${k}: members ${r.members.insideBandPct}% inside the band (n=${r.members.forecasts}, mid |err| ${r.members.absErrorPctOfActual}% of actual); workspace ${r.workspace.insideBandPct}% (n=${r.workspace.forecasts}, ${r.workspace.absErrorPctOfActual}%)`;
    };
    for (const k of KS) ctx.log(`forecast back-test ${line(k)}`);
    return {
      periods: periods.map((p) => `${p.start}..${p.end}`),
      sampledMembers: ids.length,
      band: "10th–90th percentile (target: ~80 % inside)",
      readMs: round(readMs, 1),
      backtestMs: round(ms, 1),
      ...results,
    };
  },
};
