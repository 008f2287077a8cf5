/**
 * One call to the GitHub REST API (§2.0): bearer token, API version header, GitHub's error
 * body `{message}`, and its rate-limit rules (GH-RL): 429 — or 403 with the rate-limit signs
 * (a Retry-After, `x-ratelimit-remaining: 0`, or a "rate limit" message, GitHub's secondary
 * limits) — wait Retry-After if present, else until `x-ratelimit-reset` when the budget is
 * spent, else at least a minute. Failures are VendorErrors (lib/enforce/vendor-http.ts), the
 * kinds the queue and the screens already understand. No hidden retries here: ingestion wraps
 * reads in `withRetries`, enforcement leaves retries to its queue.
 */
import { VendorError } from "../../enforce/vendor-http";
import { parseRetryAfter } from "../../ingest/http";

export const DEFAULT_GITHUB_BASE_URL = "https://api.github.com";
/** The version the budget and cost-center shapes were read for (GH-GHEC 2022-11-28). */
export const GITHUB_API_VERSION = "2022-11-28";
/** GitHub's primary limit is 5,000 requests an hour per token (GH-RL): 80 a minute stays under it. */
export const GITHUB_REQUESTS_PER_MINUTE = 80;
/** Waits after a rate limit with no Retry-After and no spent primary budget: "at least one minute". */
export const SECONDARY_LIMIT_WAIT_MS = 60_000;

export interface GithubCall {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  body?: unknown;
  label: string;
  timeoutMs?: number;
}

export interface GithubResponse {
  status: number;
  body: unknown;
  /** the Link header's rel="next" URL, when GitHub paginates that way */
  next: string | null;
}

export function githubMessage(body: unknown): string {
  if (body && typeof body === "object" && "message" in body) {
    const m = (body as { message?: unknown }).message;
    if (typeof m === "string") return m.slice(0, 300);
  }
  return "";
}

/** `<https://…?page=2>; rel="next", <…>; rel="last"` → the next URL. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (m && m[2]!.split(/\s+/).includes("next")) return m[1]!;
  }
  return null;
}

/** How long GitHub asks us to wait, per GH-RL; null when the answer is not a rate limit. */
export function rateLimitWaitMs(
  status: number,
  headers: Headers,
  body: unknown,
  nowMs: number,
): number | null {
  const retryAfter = parseRetryAfter(headers.get("retry-after"), nowMs);
  const remaining = headers.get("x-ratelimit-remaining");
  const limited =
    status === 429 ||
    (status === 403 &&
      (retryAfter !== null || remaining === "0" || /rate limit/i.test(githubMessage(body))));
  if (!limited) return null;
  if (retryAfter !== null) return retryAfter;
  const reset = Number(headers.get("x-ratelimit-reset"));
  if (remaining === "0" && Number.isFinite(reset) && reset > 0)
    return Math.max(1000, reset * 1000 - nowMs);
  return SECONDARY_LIMIT_WAIT_MS;
}

export async function githubFetch(
  token: string,
  call: GithubCall,
  apiVersion = GITHUB_API_VERSION,
): Promise<GithubResponse> {
  let res: Response;
  try {
    res = await fetch(call.url, {
      method: call.method,
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${token}`,
        "x-github-api-version": apiVersion,
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
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = { raw: text.slice(0, 300) };
    }
  }
  if (res.ok) {
    if (text && body && typeof body === "object" && "raw" in body)
      throw new VendorError(
        `${call.label}: response is not JSON`,
        res.status,
        "invalid_response",
        null,
        body,
      );
    return { status: res.status, body, next: nextLink(res.headers.get("link")) };
  }
  const said = githubMessage(body);
  const detail = `${call.label}: HTTP ${res.status}${said ? ` — ${said}` : ""}`;
  const wait = rateLimitWaitMs(res.status, res.headers, body, Date.now());
  if (wait !== null) throw new VendorError(detail, res.status, "rate_limited", wait, body);
  if (res.status >= 500 || res.status === 408)
    throw new VendorError(
      detail,
      res.status,
      "transient",
      parseRetryAfter(res.headers.get("retry-after")),
      body,
    );
  if (res.status === 401 || res.status === 403)
    throw new VendorError(detail, res.status, "auth", null, body);
  if (res.status === 404) throw new VendorError(detail, res.status, "not_found", null, body);
  throw new VendorError(detail, res.status, "rejected", null, body);
}

export interface ReadRetry {
  /** attempts in total, including the first */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Retries a read on rate limits and server errors (ingestion: a sync should ride out a
 * short storm). Honours the wait GitHub asked for, capped at maxDelayMs; backs off otherwise.
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
      if (!(error instanceof VendorError) || !error.retryable || attempt >= policy.attempts) {
        if (error instanceof VendorError && error.retryable)
          throw new VendorError(
            `${error.message} (gave up after ${attempt} attempts)`,
            error.status,
            error.kind,
            error.retryAfterMs,
            error.body,
          );
        throw error;
      }
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const wait = Math.min(policy.maxDelayMs, error.retryAfterMs ?? backoff);
      opts.log?.(`${error.message}; retry ${attempt}/${policy.attempts - 1} in ${wait} ms`);
      await sleep(wait);
    }
  }
}
