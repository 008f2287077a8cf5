/**
 * HTTP for provider adapters: bounded retries (the vendors' one loop) that honour Retry-After
 * on 429 and retry 5xx and timeouts, and zod validation whose error names the failing field path.
 * Keys travel only in headers and are never part of an error message.
 */
import type { z } from "zod";

import {
  parseRetryAfter,
  VendorError,
  withRetries,
  type RetryPolicy as VendorRetryPolicy,
} from "../vendors/http";

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

export interface RetryPolicy extends VendorRetryPolicy {
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

/**
 * GET JSON with retries; returns the parsed body (unknown — validate it next). One attempt
 * answers a retryable status or a missing answer with a VendorError, which the shared loop
 * (lib/vendors/http.ts, with jitter) retries; a Retry-After counts on 429 only.
 */
export async function getJson(req: HttpRequest): Promise<unknown> {
  const policy = { ...DEFAULT_RETRY, ...req.retry };
  const aborted = () => new ProviderHttpError(`${req.label}: aborted`, null);
  const once = async (): Promise<unknown> => {
    if (req.signal?.aborted) throw aborted();
    let res: Response;
    try {
      const signals = [AbortSignal.timeout(policy.timeoutMs), ...(req.signal ? [req.signal] : [])];
      res = await fetch(req.url, {
        headers: { accept: "application/json", ...req.headers },
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      if (req.signal?.aborted) throw aborted();
      const name = error instanceof Error ? error.name : "";
      throw new VendorError(
        name === "TimeoutError"
          ? `${req.label}: timed out after ${policy.timeoutMs} ms`
          : `${req.label}: ${networkMessage(error)}`,
        null,
        "transient",
      );
    }
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
    if (res.status === 429)
      throw new VendorError(
        detail,
        429,
        "rate_limited",
        parseRetryAfter(res.headers.get("retry-after")),
      );
    if (res.status === 408 || res.status >= 500)
      throw new VendorError(detail, res.status, "transient");
    throw new ProviderHttpError(detail, res.status);
  };
  try {
    return await withRetries(once, policy, { sleep: req.sleep, log: req.log, jitter: true });
  } catch (error) {
    // after the last attempt: the message says how many were made; there is no one status
    if (error instanceof VendorError) throw new ProviderHttpError(error.message, null);
    throw error;
  }
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
