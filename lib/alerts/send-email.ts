/**
 * Email through the channel's SMTP server (nodemailer), retried like webhooks.
 */
import nodemailer from "nodemailer";
import type { Attempt, RetryPolicy, SendResult } from "./send-webhook";
import { DEFAULT_RETRY } from "./send-webhook";

export interface EmailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function sendEmail(smtpUrl: string, message: EmailMessage, retry: RetryPolicy = DEFAULT_RETRY): Promise<SendResult> {
  const transport = nodemailer.createTransport(smtpUrl, { connectionTimeout: retry.timeoutMs, greetingTimeout: retry.timeoutMs, socketTimeout: retry.timeoutMs });
  const attempts: Attempt[] = [];
  try {
    for (let i = 0; i < retry.attempts; i++) {
      if (i > 0) await sleep(retry.baseDelayMs * 2 ** (i - 1));
      const at = new Date().toISOString();
      try {
        await transport.sendMail({ from: message.from, to: message.to, subject: message.subject, text: message.text });
        attempts.push({ at, ok: true });
        return { ok: true, attempts };
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        attempts.push({ at, ok: false, status: code, error: error instanceof Error ? error.message : "send failed" });
        // a permanent SMTP rejection (5xx) will not change on retry
        if (code && code >= 500) break;
      }
    }
  } finally {
    transport.close();
  }
  const last = attempts[attempts.length - 1];
  return { ok: false, attempts, status: last?.status, error: last?.error ?? "failed" };
}
