/**
 * Email through the channel's SMTP server (nodemailer), retried like webhooks.
 */
import nodemailer from "nodemailer";

import {
  DEFAULT_RETRY,
  timeoutMessage,
  type Attempt,
  type RetryPolicy,
  type SendResult,
} from "./send-webhook";

export interface EmailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function sendEmail(
  smtpUrl: string,
  message: EmailMessage,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<SendResult> {
  const transport = nodemailer.createTransport(smtpUrl, {
    connectionTimeout: retry.timeoutMs,
    greetingTimeout: retry.timeoutMs,
    socketTimeout: retry.timeoutMs,
  });
  const attempts: Attempt[] = [];
  try {
    for (let i = 0; i < retry.attempts; i++) {
      if (i > 0) await sleep(retry.baseDelayMs * 2 ** (i - 1));
      const at = new Date().toISOString();
      // nodemailer's timeouts are per phase (connect, greeting, each socket read): a hard
      // deadline per attempt keeps a server that answers slowly from holding the caller
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(timeoutMessage("The SMTP server", retry.timeoutMs))),
          retry.timeoutMs,
        );
      });
      try {
        await Promise.race([
          transport.sendMail({
            from: message.from,
            to: message.to,
            subject: message.subject,
            text: message.text,
          }),
          deadline,
        ]);
        attempts.push({ at, ok: true });
        return { ok: true, attempts };
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        const phaseTimeout = (error as { code?: string }).code === "ETIMEDOUT";
        attempts.push({
          at,
          ok: false,
          status: code,
          error: phaseTimeout
            ? timeoutMessage("The SMTP server", retry.timeoutMs)
            : error instanceof Error
              ? error.message
              : "send failed",
        });
        // a permanent SMTP rejection (5xx) will not change on retry
        if (code && code >= 500) break;
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    transport.close();
  }
  const last = attempts[attempts.length - 1];
  return {
    ok: false,
    attempts,
    status: last?.status,
    error: last?.error ?? "failed",
    permanent: (last?.status ?? 0) >= 500,
  };
}
