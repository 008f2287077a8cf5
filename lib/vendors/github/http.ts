/**
 * One call to the GitHub REST API (§2.0): bearer token, API version header, GitHub's error
 * body `{message}`, and its rate-limit rules (GH-RL): 429 — or 403 with the rate-limit signs
 * (a Retry-After, `x-ratelimit-remaining: 0`, or a "rate limit" message, GitHub's secondary
 * limits) — wait Retry-After if present, else until `x-ratelimit-reset` when the budget is
 * spent, else at least a minute. Failures are VendorErrors (lib/vendors/http.ts), the
 * kinds the queue and the screens already understand. No hidden retries here: ingestion wraps
 * reads in `withRetries` (lib/vendors/http.ts), enforcement leaves retries to its queue.
 */
import { gunzipSync } from "node:zlib";

import { parseRetryAfter, sendJson, statusError, VendorError } from "../http";

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
  const res = await sendJson({
    ...call,
    headers: {
      accept: "application/vnd.github+json",
      authorization: `Bearer ${token}`,
      "x-github-api-version": apiVersion,
    },
  });
  if (res.ok) {
    if (!res.json)
      throw new VendorError(
        `${call.label}: response is not JSON`,
        res.status,
        "invalid_response",
        null,
        res.body,
      );
    return { status: res.status, body: res.body, next: nextLink(res.headers.get("link")) };
  }
  const said = githubMessage(res.body);
  const detail = `${call.label}: HTTP ${res.status}${said ? ` — ${said}` : ""}`;
  const wait = rateLimitWaitMs(res.status, res.headers, res.body, Date.now());
  if (wait !== null) throw new VendorError(detail, res.status, "rate_limited", wait, res.body);
  throw statusError(detail, res.status, res.body, parseRetryAfter(res.headers.get("retry-after")));
}

/** The largest report file read (bytes): a month of a large enterprise's rows is far below it. */
export const MAX_REPORT_FILE_BYTES = 512 * 1024 * 1024;

/**
 * Downloads one file of a usage-report export (§2.3 `download_urls`) as text. The URLs are
 * read as pre-signed links: the token goes along only when `token` is given (the client sends
 * it only to the API's own origin). A gzip file is unpacked. Failures are VendorErrors with
 * GitHub's rate-limit rules, like every other call.
 */
export async function githubDownload(
  url: string,
  token: string | null,
  label: string,
  timeoutMs = 120_000,
): Promise<{ status: number; text: string }> {
  let res: Response;
  try {
    res = await fetch(url, {
      headers: {
        accept: "text/csv, application/octet-stream, */*",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new VendorError(
      `${label}: ${error instanceof Error ? error.message : String(error)}`,
      null,
      "transient",
    );
  }
  const bytes = Buffer.from(await res.arrayBuffer());
  if (!res.ok) {
    let body: unknown = null;
    try {
      body = JSON.parse(bytes.toString("utf8"));
    } catch {
      body = { raw: bytes.toString("utf8").slice(0, 300) };
    }
    const said = githubMessage(body);
    const detail = `${label}: HTTP ${res.status}${said ? ` — ${said}` : ""}`;
    const wait = rateLimitWaitMs(res.status, res.headers, body, Date.now());
    if (wait !== null) throw new VendorError(detail, res.status, "rate_limited", wait, body);
    throw statusError(detail, res.status, body, parseRetryAfter(res.headers.get("retry-after")));
  }
  if (bytes.length > MAX_REPORT_FILE_BYTES)
    throw new VendorError(`${label}: file larger than 512 MB`, res.status, "invalid_response");
  const plain = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  return { status: res.status, text: plain.toString("utf8") };
}
