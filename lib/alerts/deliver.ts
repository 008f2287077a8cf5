/**
 * Delivery of an alert to every enabled channel of its workspace, exactly once per
 * (alert, channel): a unique AlertDelivery row claims the send before anything goes out,
 * so concurrent evaluators or a re-run never send twice. The row keeps the attempt log.
 */
import "server-only";
import type { Db } from "../db";
import { toJsonText } from "../json";
import { sendEmail } from "./send-email";
import { DEFAULT_RETRY, sendWebhook, type RetryPolicy, type SendResult } from "./send-webhook";
import { openChannel, type OpenChannel } from "./channel-secrets";

export interface AlertMessage {
  id: string;
  kind: string;
  subject: string;
  text: string;
  link: string | null;
  evidence: unknown;
  createdAt: string;
}

type Channel = { id: string; workspaceId: string; kind: string; name: string; target: string; signingSecret: string | null; settingsJson: string };

export function webhookPayload(m: AlertMessage, workspaceName: string) {
  return {
    // Slack (and Mattermost, Teams workflows, …) render `text`; the rest is for machines.
    text: `*${m.subject}*\n${m.text}${m.link ? `\n<${m.link}|Open in Allotment>` : ""}`,
    allotment: { workspace: workspaceName, alert: { id: m.id, kind: m.kind, subject: m.subject, message: m.text, createdAt: m.createdAt, evidence: m.evidence } },
  };
}

/** Sends through one channel; its secrets are opened here, on the server, for this send only. */
export async function sendToChannel(db: Db, channel: Channel, message: AlertMessage, workspaceName: string, retry: RetryPolicy): Promise<SendResult> {
  let secrets: OpenChannel;
  try {
    secrets = await openChannel(db, channel);
  } catch (error) {
    return { ok: false, attempts: [], error: error instanceof Error ? error.message : "channel secrets cannot be read" };
  }
  if (channel.kind === "email") {
    const settings = secrets.email!;
    return sendEmail(settings.smtpUrl, { from: settings.from, to: channel.target.split(","), subject: `[Allotment] ${message.subject}`, text: `${message.text}\n\n${message.link ?? ""}\n\nWorkspace: ${workspaceName}` }, retry);
  }
  return sendWebhook(channel.target, secrets.signingSecret, webhookPayload(message, workspaceName), retry);
}

async function record(db: Db, deliveryId: string, result: SendResult): Promise<void> {
  await db.alertDelivery.update({
    where: { id: deliveryId },
    data: {
      status: result.ok ? "DELIVERED" : "FAILED",
      attempts: result.attempts.length,
      responseCode: result.status ?? null,
      lastError: result.ok ? null : (result.error ?? "failed").slice(0, 500),
      logJson: toJsonText(result.attempts),
      deliveredAt: result.ok ? new Date() : null,
    },
  });
}

/** Sends one alert to every enabled channel that has not had it yet. */
export async function deliverAlert(db: Db, workspace: { id: string; name: string }, message: AlertMessage, retry: RetryPolicy = DEFAULT_RETRY): Promise<{ delivered: number; failed: number }> {
  const channels = await db.alertChannel.findMany({ where: { workspaceId: workspace.id, enabled: true } });
  let delivered = 0;
  let failed = 0;
  await Promise.all(
    channels.map(async (channel) => {
      let deliveryId: string;
      try {
        deliveryId = (await db.alertDelivery.create({ data: { workspaceId: workspace.id, channelId: channel.id, alertId: message.id, dedupeKey: `alert:${message.id}` } })).id;
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
  await db.alert.updateMany({ where: { id: message.id }, data: { deliveryState: channels.length === 0 ? "NO_CHANNELS" : failed > 0 ? "FAILED" : "DELIVERED" } });
  return { delivered, failed };
}

/** "Send test": a sample message through one channel, logged like a real delivery. */
export async function sendTest(db: Db, workspace: { id: string; name: string }, channelId: string, retry: RetryPolicy = DEFAULT_RETRY): Promise<SendResult | null> {
  const channel = await db.alertChannel.findFirst({ where: { id: channelId, workspaceId: workspace.id } });
  if (!channel) return null;
  const at = new Date();
  const delivery = await db.alertDelivery.create({ data: { workspaceId: workspace.id, channelId: channel.id, alertId: null, dedupeKey: `test:${at.getTime()}:${Math.random().toString(36).slice(2)}` } });
  const result = await sendToChannel(db, channel, { id: `test-${delivery.id}`, kind: "test", subject: "Test alert from Allotment", text: `This is a test of the "${channel.name}" channel. If you can read this, alerts will reach you here.`, link: null, evidence: {}, createdAt: at.toISOString() }, workspace.name, retry);
  await record(db, delivery.id, result);
  return result;
}
