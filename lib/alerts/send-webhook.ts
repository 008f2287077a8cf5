/**
 * POSTs a Slack-compatible JSON message (a readable `text` plus the structured alert) with
 * an HMAC signature, retrying network errors, 429 and 5xx with exponential backoff. Every
 * attempt is reported for the delivery log.
 */
import { SIGNATURE_HEADER, signBody } from "./signature";

export interface Attempt {
  at: string;
  ok: boolean;
  status?: number;
  error?: string;
}

export interface SendResult {
  ok: boolean;
  attempts: Attempt[];
  status?: number;
  error?: string;
  /** the receiver refused for good (HTTP 4xx other than 429, SMTP 5xx): retrying will not help */
  permanent?: boolean;
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, timeoutMs: 10_000 };

/**
 * What a person's request waits for: one attempt, cut off after a few seconds. Anything that
 * fails transiently is retried later by the scheduler (lib/alerts/deliver.ts), never inside a
 * page's request.
 */
export const ONE_QUICK_ATTEMPT: RetryPolicy = { attempts: 1, baseDelayMs: 0, timeoutMs: 5_000 };

/** A message for an attempt that hit its deadline. */
export function timeoutMessage(what: string, timeoutMs: number): string {
  return `${what} did not answer within ${Math.round(timeoutMs / 1000)} s`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function sendWebhook(
  url: string,
  secret: string | null,
  payload: unknown,
  retry: RetryPolicy = DEFAULT_RETRY,
): Promise<SendResult> {
  const body = JSON.stringify(payload);
  const attempts: Attempt[] = [];
  for (let i = 0; i < retry.attempts; i++) {
    if (i > 0) await sleep(retry.baseDelayMs * 2 ** (i - 1));
    const at = new Date();
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "Allotment-Alerts/1",
    };
    if (secret) headers[SIGNATURE_HEADER] = signBody(secret, body, Math.floor(at.getTime() / 1000));
    try {
      const res = await fetch(url, {
        method: "POST",
        headers,
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(retry.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      const ok = res.status >= 200 && res.status < 300;
      attempts.push({ at: at.toISOString(), ok, status: res.status });
      if (ok) return { ok, attempts, status: res.status };
      // 4xx other than 429 will not get better by retrying
      if (res.status < 500 && res.status !== 429)
        return {
          ok: false,
          attempts,
          status: res.status,
          error: `HTTP ${res.status}`,
          permanent: true,
        };
    } catch (error) {
      const timedOut =
        error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      attempts.push({
        at: at.toISOString(),
        ok: false,
        error: timedOut
          ? timeoutMessage("The webhook", retry.timeoutMs)
          : error instanceof Error
            ? error.message
            : "request failed",
      });
    }
  }
  const last = attempts[attempts.length - 1];
  return {
    ok: false,
    attempts,
    status: last?.status,
    error: last?.error ?? (last?.status ? `HTTP ${last.status}` : "failed"),
  };
}
