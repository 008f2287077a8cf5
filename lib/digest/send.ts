/**
 * The weekly manager digest job (scheduler): once per manager and week (UTC Monday key,
 * lib/digest/week.ts) per channel. Each send is claimed first as an AlertDelivery row with
 * the key `digest:<manager>:<week>` — unique per channel — so any number of scheduler passes
 * and processes send it once; the row keeps the outcome (shown as the channel's last
 * delivery). A failed digest is not re-sent that week.
 */
import "server-only";

import { openChannel } from "../alerts/channel-secrets";
import { sendEmail } from "../alerts/send-email";
import { DEFAULT_RETRY, sendWebhook, type SendResult } from "../alerts/send-webhook";
import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import { managedMembersWhere } from "../auth/scope";
import { ConflictError, NotFoundError } from "../core/errors";
import { toJsonText } from "../core/json";
import type { Unit } from "../core/money";
import { addDays, toDayKey } from "../core/period";
import { limitInputsFor, loadMemberLimit } from "../limits/load-effective-limits";
import { isServiceAccount, MEMBER_LABEL_SELECT, memberLabel } from "../people/member-label";
import type { Db } from "../server/db";
import { requestsUrl } from "../slack/announce";
import { buildDigest, type DigestInput, type DigestPerson } from "./content";
import { digestWeek } from "./week";

export function digestKey(managerId: string, weekStart: string): string {
  return `digest:${managerId}:${weekStart}`;
}

/** Spend per member over a range of UTC days (the daily rollup, in the workspace's unit). */
async function spendByMember(
  db: Db,
  workspaceId: string,
  memberIds: string[],
  from: string,
  to: string,
  unit: Unit,
): Promise<Map<string, bigint>> {
  const rows = await db.usageDailyRollup.groupBy({
    by: ["memberKey"],
    where: { workspaceId, memberKey: { in: memberIds }, day: { gte: from, lte: to } },
    _sum: { costMicros: true, creditsMicros: true },
  });
  return new Map(
    rows.map((r) => [
      r.memberKey,
      (unit === "USD" ? r._sum.costMicros : r._sum.creditsMicros) ?? 0n,
    ]),
  );
}

/** Everything one manager's digest says, as of now. */
export async function loadDigestInput(
  db: Db,
  workspaceId: string,
  managerId: string,
  now: Date,
  /** the app's origin as a request told it (appOrigin), for links when NEXTAUTH_URL is unset (demo) */
  origin: string | null = null,
): Promise<DigestInput | null> {
  const manager = await db.member.findFirst({
    where: { id: managerId, workspaceId, active: true },
    select: {
      name: true,
      email: true,
      workspace: { select: { name: true, budgetUnit: true } },
      managedGroups: {
        where: { group: { workspaceId } },
        select: { group: { select: { id: true, name: true } } },
      },
    },
  });
  if (!manager || manager.managedGroups.length === 0) return null;
  const unit = manager.workspace.budgetUnit as Unit;
  const groupIds = manager.managedGroups.map((g) => g.group.id);
  const people = await db.member.findMany({
    where: {
      ...managedMembersWhere({ workspaceId, managedGroupIds: groupIds }),
      active: true,
      id: { not: managerId },
    },
    select: { id: true, ...MEMBER_LABEL_SELECT },
    orderBy: { name: "asc" },
  });
  const ids = people.map((p) => p.id);
  const week = digestWeek(now);
  const inputs = await limitInputsFor(db, workspaceId);
  const [thisWeek, weekBefore, pending] = await Promise.all([
    spendByMember(db, workspaceId, ids, week.covered.start, week.covered.end, unit),
    spendByMember(
      db,
      workspaceId,
      ids,
      addDays(week.covered.start, -7),
      addDays(week.covered.end, -7),
      unit,
    ),
    db.creditRequest.findMany({
      where: { workspaceId, status: "PENDING", requesterId: { in: ids } },
      orderBy: { createdAt: "asc" },
      select: {
        id: true,
        amountMicros: true,
        product: true,
        neededUntil: true,
        createdAt: true,
        requester: { select: { name: true } },
      },
    }),
  ]);
  let period = { start: week.covered.start, end: week.covered.end };
  const rows: DigestPerson[] = [];
  for (const p of people) {
    const l = await loadMemberLimit(db, workspaceId, p.id, "", now, { inputs });
    period = l.budget.period;
    rows.push({
      // a service account in the group reads as automation and whose it is
      name: isServiceAccount(p) ? memberLabel(p) : p.name,
      email: isServiceAccount(p) ? null : p.email,
      usedMicros: l.effective.usedMicros,
      limitMicros: l.effective.limitMicros,
      projectedMicros: l.projectedMicros,
      runsOutOn: l.exhaustionDay,
      weekMicros: thisWeek.get(p.id) ?? 0n,
      previousWeekMicros: weekBefore.get(p.id) ?? 0n,
    });
  }
  return {
    workspaceName: manager.workspace.name,
    unit,
    manager: { name: manager.name, email: manager.email },
    groups: manager.managedGroups.map((g) => g.group.name).sort(),
    weekStart: week.weekStart,
    covered: week.covered,
    period,
    people: rows,
    pending: pending.map((r) => ({
      id: r.id,
      requester: r.requester.name,
      amountMicros: r.amountMicros,
      product: r.product,
      neededUntil: r.neededUntil,
      filedOn: toDayKey(r.createdAt),
    })),
    requestsUrl: requestsUrl() ?? (origin ? `${origin}/requests` : null),
  };
}

export interface DigestRun {
  weekStart: string;
  sent: number;
  failed: number;
}

/** Scheduler step: this week's digest to every manager who has not had it on each channel. */
export async function runWeeklyDigests(
  db: Db,
  workspaceId: string,
  now: Date,
  opts: { origin?: string | null } = {},
): Promise<DigestRun> {
  const { weekStart } = digestWeek(now);
  const run: DigestRun = { weekStart, sent: 0, failed: 0 };
  const setting = await db.digestSetting.findUnique({ where: { workspaceId } });
  if (!setting?.enabled) return run;
  const channelIds = [setting.emailChannelId, setting.webhookChannelId].filter(
    (id): id is string => id !== null,
  );
  const channels = await db.alertChannel.findMany({
    where: { workspaceId, id: { in: channelIds }, enabled: true },
  });
  if (channels.length === 0) return run;
  const managers = await db.groupManager.findMany({
    where: { group: { workspaceId }, member: { active: true } },
    select: { memberId: true },
    distinct: ["memberId"],
  });
  // one read of what this week already has, so a pass after the first writes nothing
  const done = new Set(
    (
      await db.alertDelivery.findMany({
        where: {
          workspaceId,
          channelId: { in: channels.map((c) => c.id) },
          dedupeKey: { in: managers.map((m) => digestKey(m.memberId, weekStart)) },
        },
        select: { channelId: true, dedupeKey: true },
      })
    ).map((d) => `${d.channelId}|${d.dedupeKey}`),
  );
  for (const { memberId } of managers) {
    const key = digestKey(memberId, weekStart);
    const todo = channels.filter((c) => !done.has(`${c.id}|${key}`));
    if (todo.length === 0) continue;
    const input = await loadDigestInput(db, workspaceId, memberId, now, opts.origin ?? null);
    if (!input) continue;
    const digest = buildDigest(input);
    for (const channel of todo) {
      let deliveryId: string;
      try {
        deliveryId = (
          await db.alertDelivery.create({
            data: { workspaceId, channelId: channel.id, alertId: null, dedupeKey: key },
          })
        ).id;
      } catch (error) {
        if ((error as { code?: string }).code === "P2002") continue; // another pass has it
        throw error;
      }
      let result: SendResult;
      try {
        const secrets = await openChannel(db, channel);
        result =
          channel.kind === "email"
            ? await sendEmail(
                secrets.email!.smtpUrl,
                {
                  from: secrets.email!.from,
                  to: [input.manager.email],
                  subject: digest.subject,
                  text: digest.text,
                },
                DEFAULT_RETRY,
              )
            : await sendWebhook(
                channel.target,
                secrets.signingSecret,
                digest.payload,
                DEFAULT_RETRY,
              );
      } catch (error) {
        result = {
          ok: false,
          attempts: [],
          error: error instanceof Error ? error.message : "the digest could not be sent",
        };
      }
      await db.alertDelivery.update({
        where: { id: deliveryId },
        data: {
          status: result.ok ? "DELIVERED" : "FAILED",
          attempts: result.attempts.length,
          responseCode: result.status ?? null,
          lastError: result.ok ? null : (result.error ?? "failed").slice(0, 500),
          logJson: toJsonText(result.attempts),
          deliveredAt: result.ok ? now : null,
        },
      });
      if (result.ok) run.sent++;
      else run.failed++;
    }
  }
  return run;
}

export interface DigestSendNow extends DigestRun {
  /** digests of this week that had already gone out (by the scheduler or an earlier click) */
  alreadySent: number;
}

/**
 * The owner's "send this week's digests now" (Settings): the very scheduler step, at once —
 * each manager gets this week's digest on each channel at most once, so the Monday run (or a
 * second click) sends nothing more. Audited, like the setting itself.
 */
export async function sendDigestsNow(
  db: Db,
  actor: Actor,
  now: Date,
  origin: string | null = null,
): Promise<DigestSendNow> {
  const workspaceId = actor.workspaceId;
  const setting = await db.digestSetting.findUnique({ where: { workspaceId } });
  if (!setting?.enabled)
    throw new ConflictError("Turn the weekly digest on and save it before sending it");
  const run = await runWeeklyDigests(db, workspaceId, now, { origin });
  const total = await db.alertDelivery.count({
    where: { workspaceId, dedupeKey: { startsWith: "digest:", endsWith: `:${run.weekStart}` } },
  });
  const result = { ...run, alreadySent: Math.max(0, total - run.sent - run.failed) };
  await writeAudit(db, {
    workspaceId,
    actor: auditActor(actor),
    action: "digest.send_now",
    targetType: "DigestSetting",
    targetId: workspaceId,
    after: result,
  });
  return result;
}

/** One manager's digest as it would be sent now (subject and text), for the owner's preview. */
export async function previewDigest(
  db: Db,
  workspaceId: string,
  managerId: string,
  now: Date,
  origin: string | null = null,
): Promise<{ subject: string; text: string; weekStart: string }> {
  const input = await loadDigestInput(db, workspaceId, managerId, now, origin);
  if (!input) throw new NotFoundError("group manager");
  const d = buildDigest(input);
  return { subject: d.subject, text: d.text, weekStart: input.weekStart };
}
