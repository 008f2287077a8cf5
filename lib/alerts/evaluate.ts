/**
 * evaluateAlerts(db, workspaceId, now): the one entry point, run after each sync and from
 * the CLI / cron. It raises new alerts (each fires once per period per rule, subject and
 * threshold: the unique dedupeKey makes a second evaluation a no-op; of a subject's limit
 * alerts only the hard limit or the highest threshold crossed, lib/alerts/supersede.ts),
 * resolves alerts whose condition has passed or that a higher one superseded, notifies
 * owners/admins/finance in-app and delivers new alerts to the workspace's channels.
 */
import "server-only";

import { toJsonText } from "../core/json";
import { formatAmount, type Unit } from "../core/money";
import {
  addDays,
  eachDay,
  periodContaining,
  todayIn,
  type BudgetPeriod,
  type DayKey,
} from "../core/period";
import { overAllowance } from "../enforce/over-allowance";
import { project } from "../forecast/projection";
import { loadWorkspaceLimits } from "../limits/load-effective-limits";
import { MEMBER_LABEL_SELECT, memberLabel } from "../people/member-label";
import { labelSubject, loadServiceAccounts } from "../people/service-labels";
import type { Db } from "../server/db";
import { findAnomaly, type AnomalySettings } from "./anomaly";
import { loadAnomalyInputs } from "./anomaly-data";
import { alertMessageOf, deliverAlert, titleOf } from "./deliver";
import { loadRuleSettings, type AlertKind } from "./rules";
import type { RetryPolicy } from "./send-webhook";
import { supersession } from "./supersede";

export interface Candidate {
  kind: AlertKind;
  subjectType: "MEMBER" | "GROUP" | "WORKSPACE";
  subjectId: string;
  periodKey: string;
  thresholdPct: number | null;
  message: string;
  evidence: unknown;
}

export function dedupeKeyOf(
  c: Pick<Candidate, "kind" | "subjectType" | "subjectId" | "periodKey" | "thresholdPct">,
): string {
  return [c.kind, c.subjectType, c.subjectId, c.periodKey, c.thresholdPct ?? "-"].join(":");
}

export interface EvaluationResult {
  raised: number;
  resolved: number;
  delivered: number;
  failed: number;
}

/** How many recent days are checked for anomalies (data can arrive a few days late). */
const ANOMALY_LOOKBACK_DAYS = 7;

async function anomalyCandidates(
  db: Db,
  workspaceId: string,
  today: DayKey,
  budgetPeriod: BudgetPeriod,
  s: AnomalySettings,
): Promise<{ found: Candidate[]; noisy: Set<string> }> {
  const candidateDays = eachDay(addDays(today, -(ANOMALY_LOOKBACK_DAYS - 1)), today);
  const from = addDays(candidateDays[0]!, -s.baselineDays);
  // only members with a day at or above the floor come back with a series: nobody else can alert
  const { groupOf, groupDaily, memberDaily } = await loadAnomalyInputs(
    db,
    workspaceId,
    { from, checkFrom: candidateDays[0]!, today },
    s.floorMicros,
  );
  const members = memberDaily.size
    ? await db.member.findMany({
        where: { workspaceId, id: { in: [...memberDaily.keys()] } },
        select: { id: true, ...MEMBER_LABEL_SELECT },
        orderBy: { id: "asc" },
      })
    : [];
  const found: Candidate[] = [];
  // noisy = an anomalous day left in the lookback window; an open anomaly alert of anyone else resolves
  const noisy = new Set<string>();
  for (const m of members) {
    const group = groupOf.get(m.id);
    const hit = findAnomaly(
      memberDaily.get(m.id)!,
      (group && groupDaily.get(group.id)) || new Map(),
      candidateDays,
      s,
    );
    if (!hit) continue;
    noisy.add(m.id);
    const self =
      hit.selfBaselineMicros > 0n
        ? `${(Number((hit.spentMicros * 10n) / hit.selfBaselineMicros) / 10).toLocaleString("en-US")}× their ${s.baselineDays}-day average (${formatAmount(hit.selfBaselineMicros, "USD")}/day)`
        : `with no spend in the previous ${s.baselineDays} days`;
    found.push({
      kind: "anomaly",
      subjectType: "MEMBER",
      subjectId: m.id,
      periodKey: periodContaining(hit.day, budgetPeriod).start,
      thresholdPct: null,
      message: `${memberLabel(m)} spent ${formatAmount(hit.spentMicros, "USD")} on ${hit.day}: ${self}; their group ${group?.name ?? "(none)"} averages ${formatAmount(hit.groupBaselineMicros, "USD")} per person per day.`,
      evidence: {
        day: hit.day,
        spentMicros: hit.spentMicros,
        selfBaselineMicros: hit.selfBaselineMicros,
        groupBaselineMicros: hit.groupBaselineMicros,
        group: group?.name ?? null,
        settings: {
          selfFactor: s.selfFactor,
          groupFactor: s.groupFactor,
          floorMicros: s.floorMicros,
          baselineDays: s.baselineDays,
        },
        unit: "USD",
        series: hit.series,
      },
    });
  }
  return { found, noisy };
}

async function limitCandidates(
  db: Db,
  workspaceId: string,
  now: Date,
  thresholds: number[],
  enabled: Record<AlertKind, boolean>,
): Promise<{
  found: Candidate[];
  /** a superseded finding's dedupe key → its superseder's */
  supersededBy: Map<string, string>;
  periodStart: string;
}> {
  const [limits, services] = await Promise.all([
    loadWorkspaceLimits(db, workspaceId, now),
    loadServiceAccounts(db, workspaceId),
  ]);
  const { budget } = limits;
  const unit: Unit = budget.unit;
  const periodKey = budget.period.start;
  const fmt = (v: bigint) => formatAmount(v, unit);
  const found: Candidate[] = [];
  const check = (
    subjectType: Candidate["subjectType"],
    subjectId: string,
    label: string,
    used: bigint,
    limit: bigint | null,
    projected: bigint,
    /** the earliest run-out: the forecast band's high side */
    exhaustionDay: DayKey | null,
    /** the latest run-out: the band's low side (null = maybe not this period) */
    exhaustionLatestDay: DayKey | null,
  ) => {
    if (limit === null || limit <= 0n) return;
    const pct = Number((used * 1000n) / limit) / 10;
    const evidence = {
      usedMicros: used,
      limitMicros: limit,
      percent: pct,
      projectedMicros: projected,
      exhaustionDay,
      exhaustionLatestDay,
      period: budget.period,
      unit,
    };
    if (enabled.threshold) {
      for (const t of thresholds) {
        if (used * 100n < limit * BigInt(t)) continue;
        found.push({
          kind: "threshold",
          subjectType,
          subjectId,
          periodKey,
          thresholdPct: t,
          message: `${label} has used ${pct}% of ${fmt(limit)} this period (${fmt(used)}), past the ${t}% threshold.`,
          evidence,
        });
      }
    }
    if (enabled.hard_limit && used >= limit) {
      found.push({
        kind: "hard_limit",
        subjectType,
        subjectId,
        periodKey,
        thresholdPct: null,
        message: `${label} reached the limit of ${fmt(limit)} (${fmt(used)} used this period).`,
        evidence,
      });
    }
    // fires on the high side: the soonest the band says the limit can run out
    if (enabled.projection && used < limit && exhaustionDay && exhaustionDay < budget.period.end) {
      const when =
        exhaustionLatestDay === exhaustionDay
          ? `on ${exhaustionDay}`
          : `as soon as ${exhaustionDay}${exhaustionLatestDay ? ` (by ${exhaustionLatestDay} at the latest)` : ""}`;
      found.push({
        kind: "projection",
        subjectType,
        subjectId,
        periodKey,
        thresholdPct: null,
        message: `${label} is on pace to use up ${fmt(limit)} ${when}, before the period ends on ${budget.period.end} (projected ${fmt(projected)}).`,
        evidence,
      });
    }
  };
  for (const m of limits.members)
    check(
      "MEMBER",
      m.memberId,
      memberLabel(labelSubject(services, m.memberId, m)),
      m.effective.usedMicros,
      m.effective.limitMicros,
      m.projectedMicros,
      m.exhaustionDay,
      m.exhaustionLatestDay,
    );
  for (const g of limits.groups)
    check(
      "GROUP",
      g.groupId,
      `Group ${g.name}`,
      g.usedMicros,
      g.capMicros,
      g.projectedMicros,
      g.exhaustionDay,
      g.exhaustionLatestDay,
    );
  const wsPool = limits.members
    .flatMap((m) => m.effective.pools)
    .find((p) => p.kind === "WORKSPACE");
  if (wsPool) {
    const used = limits.workspaceUsedMicros;
    const p = project({
      usedMicros: used,
      remainingMicros: wsPool.capMicros - used,
      period: budget.period,
      today: budget.today,
      history: limits.workspaceHistory,
    });
    check(
      "WORKSPACE",
      workspaceId,
      "The workspace",
      used,
      wsPool.capMicros,
      p.projectedMicros,
      p.exhaustionDay,
      p.exhaustionLatestDay,
    );
  }
  // the hard limit supersedes its thresholds, the highest threshold the lower ones: the
  // superseded are neither raised nor kept open (not in `found`, so closed below, naming
  // their superseder)
  const { kept, supersededBy } = supersession(found);
  return {
    found: kept,
    supersededBy: new Map([...supersededBy].map(([f, by]) => [dedupeKeyOf(f), dedupeKeyOf(by)])),
    periodStart: periodKey,
  };
}

/**
 * People for whom the vendors together allow more than Allotment (lib/enforce/over-allowance.ts:
 * vendor state against effective limits). True while it lasts; resolved when the vendors agree.
 */
async function vendorCandidates(
  db: Db,
  workspaceId: string,
  now: Date,
  periodKey: string,
): Promise<Candidate[]> {
  const rows = await overAllowance(db, workspaceId, now);
  return rows.map((r) => ({
    kind: "vendor_over_allowance" as const,
    subjectType: "MEMBER" as const,
    subjectId: r.memberId,
    periodKey,
    thresholdPct: null,
    message: `${memberLabel(r)}: the vendors together allow ${r.vendorsText}, ${r.excessText} more than Allotment's ${r.allotmentText}. ${r.fixing ? "A write to correct it is queued or retrying." : "Nothing is queued to correct it: see Enforcement."}`,
    evidence: {
      allotment: r.allotmentText,
      vendors: r.vendorsText,
      excess: r.excessText,
      fixing: r.fixing,
      perVendor: r.perVendor.map((v) => ({
        vendor: v.vendor,
        allows: v.text,
        readAt: v.readAt.toISOString(),
      })),
    },
  }));
}

/**
 * The alerts to close, by what closes them: under a superseder's id those a higher alert
 * superseded (their condition still holds), under null those whose condition passed.
 */
async function supersededIn(
  db: Db,
  workspaceId: string,
  open: readonly { id: string; dedupeKey: string }[],
  closing: readonly string[],
  supersededBy: ReadonlyMap<string, string>,
): Promise<Map<string | null, string[]>> {
  const ids = new Set(closing);
  const superseded = open.filter((a) => ids.has(a.id) && supersededBy.has(a.dedupeKey));
  const by = superseded.length
    ? await db.alert.findMany({
        where: {
          workspaceId,
          dedupeKey: { in: [...new Set(superseded.map((a) => supersededBy.get(a.dedupeKey)!))] },
        },
        select: { id: true, dedupeKey: true },
      })
    : [];
  const idOf = new Map(by.map((a) => [a.dedupeKey, a.id]));
  const out = new Map<string | null, string[]>([[null, []]]);
  for (const a of open) {
    if (!ids.has(a.id)) continue;
    const byKey = supersededBy.get(a.dedupeKey);
    const key = (byKey && idOf.get(byKey)) ?? null;
    (out.get(key) ?? out.set(key, []).get(key)!).push(a.id);
  }
  return out;
}

export async function evaluateAlerts(
  db: Db,
  workspaceId: string,
  now: Date,
  opts: { retry?: RetryPolicy } = {},
): Promise<EvaluationResult> {
  const workspace = await db.workspace.findUniqueOrThrow({
    where: { id: workspaceId },
    select: { id: true, name: true, budgetPeriod: true, timezone: true },
  });
  const settings = await loadRuleSettings(db, workspaceId);
  const limits = await limitCandidates(db, workspaceId, now, settings.thresholds, settings.enabled);
  const today = todayIn(workspace.timezone, now);
  const anomalies = settings.enabled.anomaly
    ? await anomalyCandidates(
        db,
        workspaceId,
        today,
        workspace.budgetPeriod as BudgetPeriod,
        settings.anomaly,
      )
    : { found: [], noisy: new Set<string>() };
  const vendors = settings.enabled.vendor_over_allowance
    ? await vendorCandidates(db, workspaceId, now, limits.periodStart)
    : [];

  const raised: { id: string; c: Candidate; createdAt: Date }[] = [];
  const recipients = await db.member.findMany({
    where: { workspaceId, active: true, role: { in: ["OWNER", "ADMIN", "FINANCE"] } },
    select: { id: true },
  });
  for (const c of [...anomalies.found, ...limits.found, ...vendors]) {
    const dedupeKey = dedupeKeyOf(c);
    try {
      const alert = await db.$transaction(async (tx) => {
        const a = await tx.alert.create({
          data: {
            workspaceId,
            kind: c.kind,
            subjectType: c.subjectType,
            subjectId: c.subjectId,
            dedupeKey,
            periodKey: c.periodKey,
            thresholdPct: c.thresholdPct,
            message: c.message,
            evidenceJson: toJsonText(c.evidence),
            createdAt: now,
          },
        });
        if (recipients.length) {
          await tx.notification.createMany({
            data: recipients.map((r) => ({
              workspaceId,
              memberId: r.id,
              kind: `alert.${c.kind}`,
              title: titleOf(c),
              body: c.message,
              link: `/alerts?id=${a.id}`,
              createdAt: now,
            })),
          });
        }
        return a;
      });
      raised.push({ id: alert.id, c, createdAt: alert.createdAt });
    } catch (error) {
      if ((error as { code?: string }).code !== "P2002") throw error; // P2002: fired already this period
    }
  }

  // Resolve: limit alerts of earlier periods, limit alerts no longer true, anomalies gone quiet.
  const stillTrue = new Set([...limits.found, ...vendors].map(dedupeKeyOf));
  const open = await db.alert.findMany({
    where: { workspaceId, status: "OPEN" },
    select: { id: true, kind: true, subjectId: true, dedupeKey: true, periodKey: true },
  });
  const toResolve = open
    .filter((a) =>
      a.kind === "anomaly"
        ? !anomalies.noisy.has(a.subjectId) || a.periodKey < limits.periodStart
        : !stillTrue.has(a.dedupeKey),
    )
    .map((a) => a.id);
  const resolvedAt = now;
  // closed as superseded (naming the superseder) or resolved: one update per superseder, one
  // for the rest
  const closing = await supersededIn(db, workspaceId, open, toResolve, limits.supersededBy);
  let resolved = 0;
  for (const [supersededById, ids] of closing)
    if (ids.length)
      resolved += (
        await db.alert.updateMany({
          where: { id: { in: ids }, status: "OPEN" },
          data: { status: "RESOLVED", resolvedAt, supersededById },
        })
      ).count;

  let delivered = 0;
  let failed = 0;
  for (const r of raised) {
    const res = await deliverAlert(
      db,
      workspace,
      alertMessageOf({
        id: r.id,
        kind: r.c.kind,
        subjectType: r.c.subjectType,
        thresholdPct: r.c.thresholdPct,
        message: r.c.message,
        evidenceJson: toJsonText(r.c.evidence),
        createdAt: r.createdAt,
      }),
      opts.retry,
    );
    delivered += res.delivered;
    failed += res.failed;
  }
  return { raised: raised.length, resolved, delivered, failed };
}
