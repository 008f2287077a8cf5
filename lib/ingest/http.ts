/**
 * HTTP for provider adapters: bounded retries with backoff that honour Retry-After on 429,
 * retry 5xx and timeouts, and zod validation whose error names the failing field path.
 * Keys travel only in headers and are never part of an error message.
 */
import type { z } from "zod";

export class ProviderHttpError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "ProviderHttpError";
  }
}

export class ProviderValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProviderValidationError";
  }
}

export interface RetryPolicy {
  /** attempts in total, including the first */
  attempts: number;
  /** first backoff; doubles per attempt */
  baseDelayMs: number;
  maxDelayMs: number;
  /** per-attempt timeout */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  timeoutMs: 30_000,
};

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  /** what the request is, for messages: "openai usage page 2" */
  label: string;
  signal?: AbortSignal;
  retry?: Partial<RetryPolicy>;
  log?: (line: string) => void;
  /** injectable for tests */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds or an HTTP date → ms; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

function backoff(policy: RetryPolicy, attempt: number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // full jitter keeps concurrent clients from retrying in lock-step
  return Math.round(exp / 2 + (Math.random() * exp) / 2);
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/** GET JSON with retries; returns the parsed body (unknown — validate it next). */
export async function getJson(req: HttpRequest): Promise<unknown> {
  const policy = { ...DEFAULT_RETRY, ...req.retry };
  const sleep = req.sleep ?? defaultSleep;
  let lastError = "";
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (req.signal?.aborted) throw new ProviderHttpError(`${req.label}: aborted`, null);
    let delay: number | null = null;
    try {
      const signals = [AbortSignal.timeout(policy.timeoutMs), ...(req.signal ? [req.signal] : [])];
      const res = await fetch(req.url, {
        headers: { accept: "application/json", ...req.headers },
        signal: AbortSignal.any(signals),
      });
      if (res.ok) {
        const text = await res.text();
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new ProviderValidationError(`${req.label}: response is not JSON`);
        }
      }
      const body = (await res.text().catch(() => "")).slice(0, 300);
      const detail = `${req.label}: HTTP ${res.status}${providerMessage(body)}`;
      if (!isRetryableStatus(res.status)) throw new ProviderHttpError(detail, res.status);
      lastError = detail;
      delay = res.status === 429 ? parseRetryAfter(res.headers.get("retry-after")) : null;
    } catch (error) {
      if (error instanceof ProviderHttpError || error instanceof ProviderValidationError)
        throw error;
      if (req.signal?.aborted) throw new ProviderHttpError(`${req.label}: aborted`, null);
      const name = error instanceof Error ? error.name : "";
      lastError =
        name === "TimeoutError"
          ? `${req.label}: timed out after ${policy.timeoutMs} ms`
          : `${req.label}: ${networkMessage(error)}`;
    }
    if (attempt < policy.attempts) {
      const wait = Math.min(policy.maxDelayMs, delay ?? backoff(policy, attempt));
      req.log?.(`${lastError}; retry ${attempt}/${policy.attempts - 1} in ${wait} ms`);
      await sleep(wait);
    }
  }
  throw new ProviderHttpError(`${lastError} (gave up after ${policy.attempts} attempts)`, null);
}

function providerMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } };
    const m = parsed?.error?.message;
    return typeof m === "string" ? ` — ${m.slice(0, 200)}` : "";
  } catch {
    return "";
  }
}

function networkMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${error.message} (${cause.code})` : error.message;
}

/** `data[3].results[0].input_tokens` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(root)";
}

/** Parses with a schema or throws an error naming the label, the field path and the problem. */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  label: string,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const more = parsed.error.issues.length > 1 ? ` (+${parsed.error.issues.length - 1} more)` : "";
  throw new ProviderValidationError(`${label}: ${formatPath(issue.path)}: ${issue.message}${more}`);
}
