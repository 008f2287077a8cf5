/**
 * One call to the Cursor Admin API (§3): HTTP Basic with the key as user name and an empty
 * password, JSON bodies on POST, Cursor's error bodies (`{error, message}`, and
 * `{outcome:"error", message}` on user-spend-limit, whose HTTP status is unconfirmed: an
 * error outcome is an error whether it arrives with 200 or 4xx). Failures are VendorErrors
 * (lib/vendors/http.ts), the kinds the queue and the screens already understand. A 429
 * has no documented Retry-After: when one is sent it is honoured, otherwise the caller backs
 * off 1, 2, 4, 8, 16 s. No hidden retries here: ingestion wraps reads in `withRetries` (lib/vendors/http.ts), the
 * enforcement queue retries writes itself.
 */
import { parseRetryAfter, sendJson, statusError, VendorError, type RetryPolicy } from "../http";

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
  const res = await sendJson({
    ...call,
    url: `${baseUrl.replace(/\/+$/, "")}${call.path}`,
    headers: { authorization: basicAuth(apiKey) },
  });
  const said = cursorMessage(res.body);
  const detail = `${call.label}: HTTP ${res.status}${said ? ` — ${said}` : ""}`;
  if (res.ok) {
    if (!res.json)
      throw new VendorError(
        `${call.label}: response is not JSON`,
        res.status,
        "invalid_response",
        null,
        res.body,
      );
    // user-spend-limit reports a refusal in its body; its HTTP status is unconfirmed (§6.4)
    const outcome = res.body && typeof res.body === "object" && "outcome" in res.body;
    if (outcome && (res.body as { outcome?: unknown }).outcome === "error")
      throw new VendorError(detail, res.status, "rejected", null, res.body);
    return { status: res.status, body: res.body };
  }
  throw statusError(detail, res.status, res.body, parseRetryAfter(res.headers.get("retry-after")));
}

/** Reads ride out 429s and server errors with Cursor's advised backoff: 1 s, then 2, 4, 8, 16. */
export const CURSOR_READ_RETRY: RetryPolicy = {
  attempts: 6,
  baseDelayMs: 1000,
  maxDelayMs: 16_000,
};
