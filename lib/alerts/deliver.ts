/**
 * Delivery of an alert to every enabled channel of its workspace, exactly once per
 * (alert, channel): a unique AlertDelivery row claims the send before anything goes out,
 * so concurrent evaluators or a re-run never send twice. The row keeps the attempt log.
 */
import "server-only";

import { toJsonText } from "../core/json";
import type { Db } from "../server/db";
import { env } from "../server/env";
import { openChannel, type OpenChannel } from "./channel-secrets";
import type { AlertKind } from "./rules";
import { sendEmail } from "./send-email";
import {
  ONE_QUICK_ATTEMPT,
  sendWebhook,
  type Attempt,
  type RetryPolicy,
  type SendResult,
} from "./send-webhook";

export interface AlertMessage {
  id: string;
  kind: string;
  subject: string;
  text: string;
  link: string | null;
  evidence: unknown;
  createdAt: string;
}

export function titleOf(c: {
  kind: AlertKind | string;
  thresholdPct: number | null;
  subjectType: string;
}): string {
  const who =
    c.subjectType === "MEMBER" ? "Member" : c.subjectType === "GROUP" ? "Group" : "Workspace";
  switch (c.kind) {
    case "anomaly":
      return `${who} spend anomaly`;
    case "threshold":
      return `${who} budget ${c.thresholdPct}% used`;
    case "hard_limit":
      return `${who} budget limit reached`;
    case "projection":
      return `${who} budget projected to run out`;
    case "vendor_over_allowance":
      return `Vendor allows more than Allotment`;
    default:
      return `${who} alert`;
  }
}

/** The message every channel gets for an alert row (first delivery and background retries alike). */
export function alertMessageOf(a: {
  id: string;
  kind: string;
  subjectType: string;
  thresholdPct: number | null;
  message: string;
  evidenceJson: string;
  createdAt: Date;
}): AlertMessage {
  const base = env().NEXTAUTH_URL?.replace(/\/$/, "") ?? "";
  return {
    id: a.id,
    kind: a.kind,
    subject: titleOf(a),
    text: a.message,
    link: base ? `${base}/alerts?id=${a.id}` : null,
    evidence: JSON.parse(a.evidenceJson) as unknown,
    createdAt: a.createdAt.toISOString(),
  };
}

/**
 * Background retries of a delivery that failed for a reason that may pass (timeout, 5xx, 429):
 * the scheduler tries again 1, 2, 4, 8 and 16 minutes after the previous attempt, then gives up.
 */
export const RETRY_SCHEDULE = { maxAttempts: 6, firstDelayMs: 60_000 } as const;

export function nextAttemptDue(attempts: number, lastAttemptAt: Date): Date | null {
  if (attempts >= RETRY_SCHEDULE.maxAttempts) return null;
  return new Date(
    lastAttemptAt.getTime() + RETRY_SCHEDULE.firstDelayMs * 2 ** Math.max(0, attempts - 1),
  );
}

type Channel = {
  id: string;
  workspaceId: string;
  kind: string;
  name: string;
  target: string;
  signingSecret: string | null;
  settingsJson: string;
};

export function webhookPayload(m: AlertMessage, workspaceName: string) {
  return {
    // Slack (and Mattermost, Teams workflows, …) render `text`; the rest is for machines.
    text: `*${m.subject}*\n${m.text}${m.link ? `\n<${m.link}|Open in Allotment>` : ""}`,
    allotment: {
      workspace: workspaceName,
      alert: {
        id: m.id,
        kind: m.kind,
        subject: m.subject,
        message: m.text,
        createdAt: m.createdAt,
        evidence: m.evidence,
      },
    },
  };
}

/** Sends through one channel; its secrets are opened here, on the server, for this send only. */
export async function sendToChannel(
  db: Db,
  channel: Channel,
  message: AlertMessage,
  workspaceName: string,
  retry: RetryPolicy,
): Promise<SendResult> {
  let secrets: OpenChannel;
  try {
    secrets = await openChannel(db, channel);
  } catch (error) {
    return {
      ok: false,
      attempts: [],
      error: error instanceof Error ? error.message : "channel secrets cannot be read",
    };
  }
  if (channel.kind === "email") {
    const settings = secrets.email!;
    return sendEmail(
      settings.smtpUrl,
      {
        from: settings.from,
        to: channel.target.split(","),
        subject: `[Allotment] ${message.subject}`,
        text: `${message.text}\n\n${message.link ?? ""}\n\nWorkspace: ${workspaceName}`,
      },
      retry,
    );
  }
  return sendWebhook(
    channel.target,
    secrets.signingSecret,
    webhookPayload(message, workspaceName),
    retry,
  );
}

/** DELIVERED, RETRYING (the scheduler tries again) or FAILED (permanent, or out of retries). */
function statusAfter(
  result: SendResult,
  attemptsSoFar: number,
  retries: boolean,
): "DELIVERED" | "RETRYING" | "FAILED" {
  if (result.ok) return "DELIVERED";
  if (!retries || result.permanent || attemptsSoFar >= RETRY_SCHEDULE.maxAttempts) return "FAILED";
  return "RETRYING";
}

async function record(
  db: Db,
  deliveryId: string,
  result: SendResult,
  earlier: Attempt[] = [],
  retries = true,
): Promise<"DELIVERED" | "RETRYING" | "FAILED"> {
  const log = [...earlier, ...result.attempts];
  const status = statusAfter(result, log.length, retries);
  await db.alertDelivery.update({
    where: { id: deliveryId },
    data: {
      status,
      attempts: log.length,
      responseCode: result.status ?? null,
      lastError: result.ok ? null : (result.error ?? "failed").slice(0, 500),
      logJson: toJsonText(log),
      deliveredAt: result.ok ? new Date() : null,
    },
  });
  return status;
}

async function refreshAlertState(db: Db, alertId: string): Promise<void> {
  const rows = await db.alertDelivery.findMany({ where: { alertId }, select: { status: true } });
  const state =
    rows.length === 0
      ? "NO_CHANNELS"
      : rows.some((r) => r.status === "FAILED")
        ? "FAILED"
        : rows.some((r) => r.status !== "DELIVERED")
          ? "RETRYING"
          : "DELIVERED";
  await db.alert.updateMany({ where: { id: alertId }, data: { deliveryState: state } });
}

/**
 * Sends one alert to every enabled channel that has not had it yet: one quick attempt each
 * (in parallel); what fails transiently is left RETRYING for retryDueDeliveries.
 */
export async function deliverAlert(
  db: Db,
  workspace: { id: string; name: string },
  message: AlertMessage,
  retry: RetryPolicy = ONE_QUICK_ATTEMPT,
): Promise<{ delivered: number; failed: number }> {
  const channels = await db.alertChannel.findMany({
    where: { workspaceId: workspace.id, enabled: true },
  });
  let delivered = 0;
  let failed = 0;
  await Promise.all(
    channels.map(async (channel) => {
      let deliveryId: string;
      try {
        deliveryId = (
          await db.alertDelivery.create({
            data: {
              workspaceId: workspace.id,
              channelId: channel.id,
              alertId: message.id,
              dedupeKey: `alert:${message.id}`,
            },
          })
        ).id;
      } catch (error) {
        if ((error as { code?: string }).code === "P2002") return; // someone already sent it
        throw error;
      }
      const result = await sendToChannel(db, channel, message, workspace.name, retry);
      await record(db, deliveryId, result);
      if (result.ok) delivered++;
      else failed++;
    }),
  );
  await refreshAlertState(db, message.id);
  return { delivered, failed };
}

/** Scheduler step: one more attempt for every RETRYING delivery whose time has come. */
export async function retryDueDeliveries(
  db: Db,
  workspaceId: string,
  now: Date,
): Promise<{ retried: number; delivered: number }> {
  const pending = await db.alertDelivery.findMany({
    where: { workspaceId, status: "RETRYING", alertId: { not: null } },
    include: { channel: true, alert: true, workspace: { select: { name: true } } },
    orderBy: { createdAt: "asc" },
    take: 50,
  });
  let retried = 0;
  let delivered = 0;
  for (const d of pending) {
    const earlier = JSON.parse(d.logJson) as Attempt[];
    const last = earlier[earlier.length - 1];
    const due = nextAttemptDue(d.attempts, last ? new Date(last.at) : d.createdAt);
    if (!d.alert || !d.channel.enabled || due === null) {
      await db.alertDelivery.update({
        where: { id: d.id },
        data: {
          status: "FAILED",
          lastError: !d.channel.enabled ? "channel disabled before the retry" : d.lastError,
        },
      });
      if (d.alertId) await refreshAlertState(db, d.alertId);
      continue;
    }
    if (due.getTime() > now.getTime()) continue;
    retried++;
    const result = await sendToChannel(
      db,
      d.channel,
      alertMessageOf(d.alert),
      d.workspace.name,
      ONE_QUICK_ATTEMPT,
    );
    if ((await record(db, d.id, result, earlier)) === "DELIVERED") delivered++;
    await refreshAlertState(db, d.alert.id);
  }
  return { retried, delivered };
}

/** "Send test": a sample message through one channel, logged like a real delivery. */
export async function sendTest(
  db: Db,
  workspace: { id: string; name: string },
  channelId: string,
  retry: RetryPolicy = ONE_QUICK_ATTEMPT,
): Promise<SendResult | null> {
  const channel = await db.alertChannel.findFirst({
    where: { id: channelId, workspaceId: workspace.id },
  });
  if (!channel) return null;
  const at = new Date();
  const delivery = await db.alertDelivery.create({
    data: {
      workspaceId: workspace.id,
      channelId: channel.id,
      alertId: null,
      dedupeKey: `test:${at.getTime()}:${Math.random().toString(36).slice(2)}`,
    },
  });
  const result = await sendToChannel(
    db,
    channel,
    {
      id: `test-${delivery.id}`,
      kind: "test",
      subject: "Test alert from Allotment",
      text: `This is a test of the "${channel.name}" channel. If you can read this, alerts will reach you here.`,
      link: null,
      evidence: {},
      createdAt: at.toISOString(),
    },
    workspace.name,
    retry,
  );
  await record(db, delivery.id, result, [], false); // a test answers now; it is never retried
  return result;
}
