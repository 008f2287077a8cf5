/**
 * One call to the Cursor Admin API (§3): HTTP Basic with the key as user name and an empty
 * password, JSON bodies on POST, Cursor's error bodies (`{error, message}`, and
 * `{outcome:"error", message}` on user-spend-limit, whose HTTP status is unconfirmed: an
 * error outcome is an error whether it arrives with 200 or 4xx). Failures are VendorErrors
 * (lib/enforce/vendor-http.ts), the kinds the queue and the screens already understand. A 429
 * has no documented Retry-After: when one is sent it is honoured, otherwise the caller backs
 * off 1, 2, 4, 8, 16 s. No hidden retries here: ingestion wraps reads in `withRetries`, the
 * enforcement queue retries writes itself.
 */
import { VendorError } from "../../enforce/vendor-http";
import { parseRetryAfter } from "../../ingest/http";
import { cursorBackoffMs } from "./rate-limits";

export const DEFAULT_CURSOR_BASE_URL = "https://api.cursor.com";

export interface CursorCall {
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  label: string;
  timeoutMs?: number;
}

export interface CursorResponse {
  status: number;
  body: unknown;
}

/** Cursor's message from any of its error shapes. */
export function cursorMessage(body: unknown): string {
  if (!body || typeof body !== "object") return "";
  const b = body as { message?: unknown; error?: unknown };
  const parts = [b.error, b.message].filter((x): x is string => typeof x === "string");
  return parts.join(": ").slice(0, 300);
}

export function basicAuth(apiKey: string): string {
  return `Basic ${Buffer.from(`${apiKey}:`, "utf8").toString("base64")}`;
}

export async function cursorFetch(
  baseUrl: string,
  apiKey: string,
  call: CursorCall,
): Promise<CursorResponse> {
  let res: Response;
  try {
    res = await fetch(`${baseUrl.replace(/\/+$/, "")}${call.path}`, {
      method: call.method,
      headers: {
        accept: "application/json",
        authorization: basicAuth(apiKey),
        ...(call.body !== undefined ? { "content-type": "application/json" } : {}),
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
  const said = cursorMessage(body);
  const detail = `${call.label}: HTTP ${res.status}${said ? ` — ${said}` : ""}`;
  if (res.ok) {
    if (!json)
      throw new VendorError(
        `${call.label}: response is not JSON`,
        res.status,
        "invalid_response",
        null,
        body,
      );
    // user-spend-limit reports a refusal in its body; its HTTP status is unconfirmed (§6.4)
    if (body && typeof body === "object" && (body as { outcome?: unknown }).outcome === "error")
      throw new VendorError(detail, res.status, "rejected", null, body);
    return { status: res.status, body };
  }
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  if (res.status === 429) throw new VendorError(detail, 429, "rate_limited", retryAfter, body);
  if (res.status >= 500 || res.status === 408)
    throw new VendorError(detail, res.status, "transient", retryAfter, body);
  if (res.status === 401 || res.status === 403)
    throw new VendorError(detail, res.status, "auth", null, body);
  if (res.status === 404) throw new VendorError(detail, res.status, "not_found", null, body);
  throw new VendorError(detail, res.status, "rejected", null, body);
}

export interface ReadRetry {
  /** attempts in total, including the first */
  attempts: number;
  /** the first backoff; doubles per attempt (Cursor: 1 s, then 2, 4, 8, 16) */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const CURSOR_READ_RETRY: ReadRetry = { attempts: 6, baseDelayMs: 1000, maxDelayMs: 16_000 };

/**
 * Retries a read on 429 and server errors: the Retry-After when Cursor sends one (capped at
 * maxDelayMs), else Cursor's exponential backoff. Anything else fails at once.
 */
export async function withRetries<T>(
  fn: () => Promise<T>,
  policy: ReadRetry,
  opts: { sleep?: (ms: number) => Promise<void>; log?: (line: string) => void } = {},
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
      const backoff = Math.min(
        policy.maxDelayMs,
        (policy.baseDelayMs * cursorBackoffMs(attempt)) / 1000,
      );
      const wait = Math.min(policy.maxDelayMs, error.retryAfterMs ?? backoff);
      opts.log?.(`${error.message}; retry ${attempt}/${policy.attempts - 1} in ${wait} ms`);
      await sleep(wait);
    }
  }
}
