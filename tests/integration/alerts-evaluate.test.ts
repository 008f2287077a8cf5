import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { sendTest } from "@/lib/alerts/deliver";
import { evaluateAlerts } from "@/lib/alerts/evaluate";
import { listAlerts } from "@/lib/alerts/list";
import { verifySignature } from "@/lib/alerts/signature";
import { memberHistoryWithFallback } from "@/lib/forecast/history";
import { project } from "@/lib/forecast/projection";
import { simulatorAdapter, simulatorConfigSchema } from "@/lib/ingest/adapters/simulator";
import { buildEnterprise } from "@/lib/ingest/simulator/enterprise";
import { runSync } from "@/lib/ingest/sync";
import { loadWorkspaceLimits } from "@/lib/limits/load-effective-limits";

import { makeWorkspace, testDb } from "../helpers/db";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver";

const NOW = new Date("2026-11-22T12:00:00Z");
// short backoff keeps the retries quick; the per-attempt timeout is generous (the receiver is local)
const FAST = { attempts: 4, baseDelayMs: 5, timeoutMs: 15_000 };
let hooks: WebhookReceiver;
let smtp: SmtpSink;

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await hooks.close();
  await smtp.close();
});

async function seeded() {
  const db = await testDb();
  // a fixed simulator (seed + domain) so the people, and so the alerts, are the same every run
  const workspace = await makeWorkspace(db);
  const config = simulatorConfigSchema.parse({
    seed: 11,
    domain: "alerts.example",
    members: 40,
    groups: 4,
    endDay: "2026-11-22",
    demoPeople: true,
  });
  const connection = await db.connection.create({
    data: { workspaceId: workspace.id, kind: "simulator", name: "sim", configJson: "{}" },
  });
  const sim = { workspace, config, connection, adapter: simulatorAdapter(config) };
  const res = await runSync({
    db,
    connectionId: sim.connection.id,
    adapter: sim.adapter,
    window: { start: "2026-10-20", end: "2026-11-22" },
  });
  expect(res.status).toBe("SUCCEEDED");
  const webhook = await db.alertChannel.create({
    data: {
      workspaceId: sim.workspace.id,
      kind: "webhook",
      name: "Slack",
      target: hooks.url,
      signingSecret: "s3cret",
    },
  });
  const email = await db.alertChannel.create({
    data: {
      workspaceId: sim.workspace.id,
      kind: "email",
      name: "Finance mail",
      target: "finops@example.test",
      settingsJson: JSON.stringify({ smtpUrl: smtp.url, from: "alerts@allotment.test" }),
    },
  });
  return { db, ...sim, webhook, email };
}

function hooksFor(alertId: string) {
  return hooks.received.filter(
    (h) => (h.json as { allotment?: { alert?: { id?: string } } }).allotment?.alert?.id === alertId,
  );
}

describe("alert evaluation and delivery", () => {
  it("raises the runaway spike as an anomaly once, delivered once to the webhook and once by email", async () => {
    const { db, workspace, config } = await seeded();
    const runaway = buildEnterprise(config).runawayEmail!;
    const member = await db.member.findFirstOrThrow({
      where: { workspaceId: workspace.id, email: runaway },
    });
    const first = await evaluateAlerts(db, workspace.id, NOW, { retry: FAST });
    expect(first.raised).toBeGreaterThanOrEqual(1);
    const alert = await db.alert.findFirstOrThrow({
      where: { workspaceId: workspace.id, kind: "anomaly", subjectId: member.id },
    });
    expect(alert.status).toBe("OPEN");
    const evidence = JSON.parse(alert.evidenceJson) as {
      day: string;
      spentMicros: string;
      selfBaselineMicros: string;
      series: unknown[];
    };
    expect(evidence.day >= "2026-11-16" && evidence.day <= "2026-11-18").toBe(true);
    expect(BigInt(evidence.spentMicros)).toBeGreaterThan(5n * BigInt(evidence.selfBaselineMicros));
    expect(evidence.series.length).toBeGreaterThanOrEqual(14);
    // no other member of the workspace looks anomalous
    expect(await db.alert.count({ where: { workspaceId: workspace.id, kind: "anomaly" } })).toBe(1);

    await evaluateAlerts(db, workspace.id, NOW, { retry: FAST });
    await evaluateAlerts(db, workspace.id, new Date("2026-11-22T18:00:00Z"), { retry: FAST });
    expect(await db.alert.count({ where: { workspaceId: workspace.id, kind: "anomaly" } })).toBe(1);
    const received = hooksFor(alert.id);
    expect(received).toHaveLength(1);
    const hook = received[0]!;
    expect((hook.json as { text: string }).text).toContain(member.name);
    // checked as the receiver would on arrival: the signature's timestamp is the sender's clock, so is receivedAt
    const arrived = Math.floor(hook.receivedAt / 1000);
    expect(
      verifySignature("s3cret", hook.body, String(hook.headers["x-allotment-signature"]), arrived),
    ).toBe(true);
    expect(
      verifySignature("wrong", hook.body, String(hook.headers["x-allotment-signature"]), arrived),
    ).toBe(false);
    const mails = smtp.messages.filter(
      (m) => m.data.includes(member.email) && m.to.includes("finops@example.test"),
    );
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toContain("anomaly");
    const deliveries = await db.alertDelivery.findMany({ where: { alertId: alert.id } });
    expect(deliveries.map((d) => d.status).sort()).toEqual(["DELIVERED", "DELIVERED"]);
    expect((await db.alert.findUniqueOrThrow({ where: { id: alert.id } })).deliveryState).toBe(
      "DELIVERED",
    );
    const owners = await db.notification.count({
      where: { workspaceId: workspace.id, kind: "alert.anomaly" },
    });
    expect(owners).toBeGreaterThan(0);
  });

  it("fires the highest threshold crossed, then the hard limit that supersedes it, once per period, and resolves them when the limit goes", async () => {
    const { db, workspace } = await seeded();
    await db.alertChannel.updateMany({
      where: { workspaceId: workspace.id },
      data: { enabled: false },
    });
    const spender = await db.usageDailyRollup.groupBy({
      by: ["memberKey"],
      where: { workspaceId: workspace.id, memberKey: { not: "" }, day: { gte: "2026-11-01" } },
      _sum: { creditsMicros: true },
      orderBy: { _sum: { creditsMicros: "desc" } },
      take: 1,
    });
    const memberId = spender[0]!.memberKey;
    const used = spender[0]!._sum.creditsMicros!;
    expect(used).toBeGreaterThan(0n);
    // a limit the member has used 90 % of: 80 fires (50 is behind it), 100 and the hard limit don't
    const policy = await db.limitPolicy.create({
      data: {
        workspaceId: workspace.id,
        scope: "MEMBER",
        memberId,
        target: `MEMBER:${memberId}`,
        amountMicros: (used * 10n) / 9n + 1n,
      },
    });
    await evaluateAlerts(db, workspace.id, NOW, { retry: FAST });
    await evaluateAlerts(db, workspace.id, NOW, { retry: FAST });
    const mine = await db.alert.findMany({
      where: {
        workspaceId: workspace.id,
        subjectId: memberId,
        kind: { in: ["threshold", "hard_limit"] },
      },
      orderBy: { thresholdPct: "asc" },
    });
    expect(mine.map((a) => `${a.kind}:${a.thresholdPct}`)).toEqual(["threshold:80"]);
    expect(mine[0]!.dedupeKey).toBe(`threshold:MEMBER:${memberId}:2026-11-01:80`);
    await db.limitPolicy.update({ where: { id: policy.id }, data: { amountMicros: used / 2n } });
    await evaluateAlerts(db, workspace.id, NOW, { retry: FAST });
    const after = await db.alert.findMany({
      where: {
        workspaceId: workspace.id,
        subjectId: memberId,
        kind: { in: ["threshold", "hard_limit"] },
      },
    });
    // past the limit (200 %): the hard limit opens and the 80 % alert it supersedes closes,
    // naming it (its condition still holds: not "resolved")
    expect(after.map((a) => `${a.kind}:${a.thresholdPct ?? "-"} ${a.status}`).sort()).toEqual([
      "hard_limit:- OPEN",
      "threshold:80 RESOLVED",
    ]);
    const hard = after.find((a) => a.kind === "hard_limit")!;
    expect(after.find((a) => a.kind === "threshold")!.supersededById).toBe(hard.id);
    const listed = await listAlerts(db, workspace.id, { limit: 500 });
    expect(listed.find((a) => a.id === mine[0]!.id)!.supersededBy).toEqual({
      id: hard.id,
      kind: "hard_limit",
      thresholdPct: null,
    });
    expect(listed.find((a) => a.id === hard.id)!.supersededBy).toBeNull();
    await db.limitPolicy.delete({ where: { id: policy.id } });
    const res = await evaluateAlerts(db, workspace.id, NOW, { retry: FAST });
    expect(res.resolved).toBeGreaterThanOrEqual(1);
    // the hard limit resolves because its condition passed: nothing superseded it
    const gone = await db.alert.findUniqueOrThrow({ where: { id: hard.id } });
    expect([gone.status, gone.supersededById]).toEqual(["RESOLVED", null]);
    expect(
      await db.alert.count({
        where: {
          workspaceId: workspace.id,
          subjectId: memberId,
          status: "OPEN",
          kind: { not: "anomaly" },
        },
      }),
    ).toBe(0);
  });

  it("fires the projected run-out on the forecast's high side, before the mid line would reach the limit", async () => {
    const { db, workspace } = await seeded();
    await db.alertChannel.updateMany({
      where: { workspaceId: workspace.id },
      data: { enabled: false },
    });
    // a member and a limit the band's high side reaches before the period ends while the mid
    // line stays under it: a mid-only (or straight-line-only) rule would stay silent
    const { budget, members } = await loadWorkspaceLimits(db, workspace.id, NOW);
    let pick: { memberId: string; limit: bigint } | null = null;
    for (const m of members) {
      const used = m.effective.usedMicros;
      const { history, fallback } = await memberHistoryWithFallback(
        db,
        workspace.id,
        budget.unit,
        budget.today,
        m.memberId,
        "",
        m.groupIds,
      );
      const f = project({
        usedMicros: used,
        remainingMicros: null,
        period: budget.period,
        today: budget.today,
        history,
        fallback,
      }).forecast;
      const n = f.cumulative.high.length;
      if (n < 3) continue;
      const highBeforeEnd = f.cumulative.high[n - 2]!;
      const midAtEnd = f.cumulative.mid[n - 1]!;
      if (highBeforeEnd > midAtEnd + 1n) {
        pick = { memberId: m.memberId, limit: used + midAtEnd + 1n };
        break;
      }
    }
    expect(pick).not.toBeNull();
    const { memberId, limit } = pick!;
    await db.limitPolicy.create({
      data: {
        workspaceId: workspace.id,
        scope: "MEMBER",
        memberId,
        target: `MEMBER:${memberId}`,
        amountMicros: limit,
      },
    });
    const row = (await loadWorkspaceLimits(db, workspace.id, NOW)).members.find(
      (m) => m.memberId === memberId,
    )!;
    expect(row.projectedMicros).toBeLessThan(limit); // the mid stays under the limit…
    expect(row.exhaustionDay! < budget.period.end).toBe(true); // …the high side runs out first
    await evaluateAlerts(db, workspace.id, NOW, { retry: FAST });
    const alerts = await db.alert.findMany({
      where: { workspaceId: workspace.id, subjectId: memberId, kind: "projection" },
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.message).toContain(`as soon as ${row.exhaustionDay}`);
  });

  it("retries a failing webhook with backoff, logs every attempt, and records failures", async () => {
    const { db, workspace, webhook, email } = await seeded();
    hooks.failNext(2);
    const ok = await sendTest(db, workspace, webhook.id, FAST);
    expect(ok?.ok).toBe(true);
    expect(ok?.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    const log = await db.alertDelivery.findFirstOrThrow({
      where: { channelId: webhook.id },
      orderBy: { createdAt: "desc" },
    });
    expect(log.status).toBe("DELIVERED");
    expect(JSON.parse(log.logJson)).toHaveLength(3);
    hooks.failNext(1, 404);
    const bad = await sendTest(db, workspace, webhook.id, FAST);
    expect(bad?.ok).toBe(false);
    expect(bad?.attempts).toHaveLength(1); // a 404 is not retried
    const mail = await sendTest(db, workspace, email.id, FAST);
    expect(mail?.ok).toBe(true);
    expect(smtp.messages.some((m) => m.subject.includes("Test alert"))).toBe(true);
    const other = await seeded();
    expect(await sendTest(db, workspace, other.webhook.id, FAST)).toBeNull(); // another workspace's channel
  });
});
