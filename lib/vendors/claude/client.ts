/**
 * Claude Enterprise Spend Limits API client (Admin API, beta), strictly the documented
 * routes and shapes of shared/VENDOR-LIMIT-APIS.md. Only per-user limits are writable;
 * there are no temporary overrides (Allotment reverts expiring grants itself).
 */
import { validate } from "../../ingest/http";
import { vendorFetch, type VendorResponse } from "../http";
import {
  deletedSchema,
  effectiveRowSchema,
  increaseRequestSchema,
  pageOf,
  spendLimitSchema,
  type EffectiveRow,
  type IncreaseRequest,
  type SpendLimit,
} from "./schemas";

export const DEFAULT_CLAUDE_BASE_URL = "https://api.anthropic.com";

export interface ClaudeClientOptions {
  baseUrl: string;
  apiKey: string;
  beforeCall?: (route: string) => Promise<void>;
}

/** `resolved_by` is not given a shape in the reference: show what can be read, nothing more. */
export function resolvedByLabel(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") {
    const v = value as Record<string, unknown>;
    for (const k of ["email_address", "name", "user_id", "id"])
      if (typeof v[k] === "string") return v[k] as string;
  }
  return null;
}

export class ClaudeSpendClient {
  constructor(private readonly o: ClaudeClientOptions) {}

  private async call(
    method: "GET" | "POST" | "DELETE",
    path: string,
    label: string,
    body?: unknown,
  ): Promise<VendorResponse> {
    await this.o.beforeCall?.(`${method} ${path.split("?")[0]}`);
    return vendorFetch({
      method,
      url: `${this.o.baseUrl.replace(/\/+$/, "")}${path}`,
      headers: { "x-api-key": this.o.apiKey, "anthropic-version": "2023-06-01" },
      body,
      label: `Claude ${label}`,
    });
  }

  /** Every member's effective limit (all pages), optionally for some users only. */
  async effective(userIds: string[] = [], pageSize = 1000): Promise<EffectiveRow[]> {
    const rows: EffectiveRow[] = [];
    let page: string | null = null;
    for (let n = 1; ; n++) {
      const qs = new URLSearchParams({ limit: String(pageSize) });
      for (const id of userIds) qs.append("user_ids[]", id);
      if (page) qs.set("page", page);
      const r = await this.call(
        "GET",
        `/v1/organizations/spend_limits/effective?${qs}`,
        `effective limits page ${n}`,
      );
      const p = validate(pageOf(effectiveRowSchema), r.body, `Claude effective limits page ${n}`);
      rows.push(...p.data);
      if (!p.next_page || p.has_more === false) return rows;
      page = p.next_page;
    }
  }

  /** One small read (first page of effective limits, one row): proves the key and the base URL. */
  async probe(): Promise<void> {
    const r = await this.call(
      "GET",
      `/v1/organizations/spend_limits/effective?limit=1`,
      "effective limits (connection check)",
    );
    validate(pageOf(effectiveRowSchema), r.body, "Claude effective limits (connection check)");
  }

  async upsertUserLimit(
    userId: string,
    amountCents: string | null,
  ): Promise<{ parsed: SpendLimit; raw: unknown }> {
    const r = await this.call("POST", `/v1/organizations/spend_limits`, `limit of ${userId}`, {
      scope: { type: "user", user_id: userId },
      amount: amountCents,
      period: "monthly",
    });
    return { parsed: validate(spendLimitSchema, r.body, `Claude limit of ${userId}`), raw: r.body };
  }

  async deleteLimit(splId: string): Promise<{ raw: unknown }> {
    const r = await this.call(
      "DELETE",
      `/v1/organizations/spend_limits/${encodeURIComponent(splId)}`,
      `delete limit ${splId}`,
    );
    validate(deletedSchema, r.body, `Claude delete limit ${splId}`);
    return { raw: r.body };
  }

  async increaseRequests(status: "pending" | null, pageSize = 100): Promise<IncreaseRequest[]> {
    const out: IncreaseRequest[] = [];
    let page: string | null = null;
    for (let n = 1; ; n++) {
      const qs = new URLSearchParams({ limit: String(pageSize) });
      if (status) qs.append("status[]", status);
      if (page) qs.set("page", page);
      const r = await this.call(
        "GET",
        `/v1/organizations/spend_limit_increase_requests?${qs}`,
        `increase requests page ${n}`,
      );
      const p = validate(
        pageOf(increaseRequestSchema),
        r.body,
        `Claude increase requests page ${n}`,
      );
      out.push(...p.data);
      if (!p.next_page || p.has_more === false) return out;
      page = p.next_page;
    }
  }

  async increaseRequest(id: string): Promise<IncreaseRequest> {
    const r = await this.call(
      "GET",
      `/v1/organizations/spend_limit_increase_requests/${encodeURIComponent(id)}`,
      `increase request ${id}`,
    );
    return validate(increaseRequestSchema, r.body, `Claude increase request ${id}`);
  }

  /** Approve writes the user's limit to `amount` (cents). The reference shows no response body, so
   * the caller re-reads the request (a documented shape) to confirm; the raw answer is audited. */
  async approve(id: string, amountCents: string): Promise<{ raw: unknown }> {
    const r = await this.call(
      "POST",
      `/v1/organizations/spend_limit_increase_requests/${encodeURIComponent(id)}/approve`,
      `approve ${id}`,
      { amount: amountCents, suppress_notification: true },
    );
    return { raw: r.body };
  }

  async deny(id: string): Promise<{ raw: unknown }> {
    const r = await this.call(
      "POST",
      `/v1/organizations/spend_limit_increase_requests/${encodeURIComponent(id)}/deny`,
      `deny ${id}`,
      { suppress_notification: true },
    );
    return { raw: r.body };
  }
}
