/**
 * What every vendor client shares: one HTTP call (JSON in and out, a timeout, keys only in
 * headers and never in a message), the status → failure-kind table the queue and the screens
 * understand, and the one retry loop with backoff. A call itself never retries: ingestion
 * wraps its reads in `withRetries`, while the enforcement queue retries writes itself, because
 * a write retried behind the queue's back would escape its rate limit and its audit trail.
 */

export class VendorError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly kind:
      "rate_limited" | "transient" | "rejected" | "auth" | "not_found" | "invalid_response",
    readonly retryAfterMs: number | null = null,
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = "VendorError";
  }
  get retryable(): boolean {
    return this.kind === "rate_limited" || this.kind === "transient";
  }
}

/** Seconds or an HTTP date → ms; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

export interface VendorCall {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  label: string;
  timeoutMs?: number;
}

export interface SentResponse {
  status: number;
  ok: boolean;
  headers: Headers;
  /** the parsed JSON; `{raw}` (the first 300 characters) when the text is not JSON; null when empty */
  body: unknown;
  /** false when there was text that is not JSON */
  json: boolean;
}

/** Sends one request and reads its body; only a failure to get an answer throws (transient). */
export async function sendJson(call: VendorCall): Promise<SentResponse> {
  let res: Response;
  try {
    res = await fetch(call.url, {
      method: call.method,
      headers: {
        accept: "application/json",
        ...(call.body !== undefined ? { "content-type": "application/json" } : {}),
        ...call.headers,
      },
      body: call.body !== undefined ? JSON.stringify(call.body) : undefined,
      signal: AbortSignal.timeout(call.timeoutMs ?? 20_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new VendorError(
      `${call.label}: ${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause})` : ""}`,
      null,
      "transient",
    );
  }
  const text = await res.text();
  let body: unknown = null;
  let json = true;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      json = false;
      body = { raw: text.slice(0, 300) };
    }
  }
  return { status: res.status, ok: res.ok, headers: res.headers, body, json };
}

/** The failure an unsuccessful status means, for every vendor: what may be retried and what not. */
export function statusError(
  detail: string,
  status: number,
  body: unknown,
  retryAfterMs: number | null,
): VendorError {
  if (status === 429) return new VendorError(detail, 429, "rate_limited", retryAfterMs, body);
  if (status >= 500 || status === 408)
    return new VendorError(detail, status, "transient", retryAfterMs, body);
  if (status === 401 || status === 403) return new VendorError(detail, status, "auth", null, body);
  if (status === 404) return new VendorError(detail, status, "not_found", null, body);
  return new VendorError(detail, status, "rejected", null, body);
}

export interface RetryPolicy {
  /** attempts in total, including the first */
  attempts: number;
  /** the first backoff; doubles per attempt */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface RetryOptions {
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
  /** spread each backoff over its upper half, so concurrent clients do not retry in lock-step */
  jitter?: boolean;
}

/**
 * Retries `fn` on retryable VendorErrors (rate limits, server errors, no answer): waits the
 * Retry-After the vendor asked for when the error carries one, else backs off exponentially,
 * both capped at maxDelayMs. Anything else fails at once; the last failure after the last
 * attempt says how many attempts were made.
 */
export async function withRetries<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  opts: RetryOptions = {},
): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof VendorError) || !error.retryable) throw error;
      if (attempt >= policy.attempts)
        throw new VendorError(
          `${error.message} (gave up after ${attempt} attempts)`,
          error.status,
          error.kind,
          error.retryAfterMs,
          error.body,
        );
      const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const backoff = opts.jitter ? Math.round(exp / 2 + (Math.random() * exp) / 2) : exp;
      const wait = Math.min(policy.maxDelayMs, error.retryAfterMs ?? backoff);
      opts.log?.(`${error.message}; retry ${attempt}/${policy.attempts - 1} in ${wait} ms`);
      await sleep(wait);
    }
  }
}

export interface VendorResponse {
  status: number;
  body: unknown;
  /** from Retry-After on 429/503, in ms */
  retryAfterMs: number | null;
}

/** The error body ChatGPT (`{error:{message}}`) and Claude (`{error:{type,message}}`) share. */
export function vendorMessage(body: unknown): string {
  if (body && typeof body === "object" && "error" in body) {
    const e = (body as { error?: { message?: unknown; type?: unknown } }).error;
    if (e && typeof e.message === "string") return e.message.slice(0, 300);
  }
  return "";
}

/** One call to the ChatGPT or Claude admin API: the answer, or the VendorError its status means. */
export async function vendorFetch(call: VendorCall): Promise<VendorResponse> {
  const res = await sendJson(call);
  const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
  if (res.ok) return { status: res.status, body: res.body, retryAfterMs };
  const said = vendorMessage(res.body);
  const detail = `${call.label}: HTTP ${res.status}${said ? ` — ${said}` : ""}`;
  throw statusError(detail, res.status, res.body, retryAfterMs);
}
