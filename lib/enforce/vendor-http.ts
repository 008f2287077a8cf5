/**
 * One HTTP call to a vendor admin API, without hidden retries: the caller (plan reader or
 * the job queue) decides what a 429 or 5xx means, because a write retried behind the
 * queue's back would escape its rate limit and its audit trail. Keys travel only in
 * headers and never appear in an error message.
 */
import { parseRetryAfter } from "../ingest/http";

export interface VendorResponse {
  status: number;
  body: unknown;
  /** from Retry-After on 429/503, in ms */
  retryAfterMs: number | null;
}

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

export interface VendorCall {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  label: string;
  timeoutMs?: number;
}

/** Vendor error bodies: Claude `{error:{type,message}}`, ChatGPT `{error:{message}}`. */
export function vendorMessage(body: unknown): string {
  if (body && typeof body === "object" && "error" in body) {
    const e = (body as { error?: { message?: unknown; type?: unknown } }).error;
    if (e && typeof e.message === "string") return e.message.slice(0, 300);
  }
  return "";
}

export async function vendorFetch(call: VendorCall): Promise<VendorResponse> {
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
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = { raw: text.slice(0, 300) };
    }
  }
  const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
  if (res.ok) return { status: res.status, body, retryAfterMs };
  const detail = `${call.label}: HTTP ${res.status}${vendorMessage(body) ? ` — ${vendorMessage(body)}` : ""}`;
  if (res.status === 429) throw new VendorError(detail, 429, "rate_limited", retryAfterMs, body);
  if (res.status >= 500 || res.status === 408)
    throw new VendorError(detail, res.status, "transient", retryAfterMs, body);
  if (res.status === 401 || res.status === 403)
    throw new VendorError(detail, res.status, "auth", null, body);
  if (res.status === 404) throw new VendorError(detail, res.status, "not_found", null, body);
  throw new VendorError(detail, res.status, "rejected", null, body);
}
