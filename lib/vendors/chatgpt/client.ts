/**
 * ChatGPT Admin API client (ChatGPT Enterprise / Edu, Codex included), built strictly to the
 * documented shapes in shared/VENDOR-LIMIT-APIS.md. Group/workspace default bodies and the
 * built-in "Pending requests" queue are unconfirmed there, so this client has no methods
 * for them: Allotment stays read-only on those and says so.
 */
import { validate } from "../../ingest/http";
import { vendorFetch, type VendorResponse } from "../http";
import type { VendorUnit } from "../units";
import {
  groupSchema,
  groupUsersSchema,
  monthlyUsageSchema,
  usagePageSchema,
  userLimitSchema,
  userListSchema,
  type RosterUser,
  type UserLimit,
} from "./schemas";

export const DEFAULT_CHATGPT_BASE_URL = "https://api.chatgpt.com/v1";

export type OverrideBody =
  | { type: "limited"; limit_amount: { unit: VendorUnit; amount: string }; temporary?: true }
  | { type: "unlimited" }
  | null;

export interface ChatgptClientOptions {
  baseUrl: string;
  apiKey: string;
  workspaceId: string;
  /** awaited before every call: the connector's shared rate gate */
  beforeCall?: (route: string) => Promise<void>;
}

export class ChatgptAdminClient {
  constructor(private readonly o: ChatgptClientOptions) {}

  private url(path: string): string {
    return `${this.o.baseUrl.replace(/\/+$/, "")}${path}`;
  }

  private ws(): string {
    return `/manage/workspaces/${encodeURIComponent(this.o.workspaceId)}`;
  }

  private async call(
    method: "GET" | "PATCH",
    path: string,
    label: string,
    body?: unknown,
  ): Promise<VendorResponse> {
    await this.o.beforeCall?.(`${method} ${path.replace(/users\/[^/]+/, "users/{id}")}`);
    return vendorFetch({
      method,
      url: this.url(path),
      headers: { authorization: `Bearer ${this.o.apiKey}` },
      body,
      label: `ChatGPT ${label}`,
    });
  }

  async userLimit(userId: string): Promise<UserLimit> {
    const r = await this.call(
      "GET",
      `${this.ws()}/usage_limits/users/${encodeURIComponent(userId)}`,
      `usage limit of ${userId}`,
    );
    return validate(userLimitSchema, r.body, `ChatGPT usage limit of ${userId}`);
  }

  /** Sets (absolute amount), makes unlimited, or clears (null) a user override; returns the vendor's answer. */
  async patchUserLimit(
    userId: string,
    override: OverrideBody,
  ): Promise<{ parsed: UserLimit; raw: unknown }> {
    const r = await this.call(
      "PATCH",
      `${this.ws()}/usage_limits/users/${encodeURIComponent(userId)}`,
      `override of ${userId}`,
      { override_monthly_usage_limit: override },
    );
    return {
      parsed: validate(userLimitSchema, r.body, `ChatGPT override of ${userId}`),
      raw: r.body,
    };
  }

  async monthlyUsage(userId: string) {
    const r = await this.call(
      "GET",
      `${this.ws()}/usage_limits/users/${encodeURIComponent(userId)}/monthly-usage`,
      `monthly usage of ${userId}`,
    );
    return validate(monthlyUsageSchema, r.body, `ChatGPT monthly usage of ${userId}`);
  }

  async *users(pageSize = 100): AsyncIterable<RosterUser> {
    let after: string | null = null;
    for (let page = 1; ; page++) {
      const qs = new URLSearchParams({ limit: String(pageSize), ...(after ? { after } : {}) });
      const r = await this.call("GET", `${this.ws()}/users?${qs}`, `users page ${page}`);
      const p = validate(userListSchema, r.body, `ChatGPT users page ${page}`);
      for (const u of p.data) yield u;
      if (!p.has_more || p.data.length === 0) return;
      after = p.last_id ?? p.data[p.data.length - 1]!.id;
    }
  }

  /** One small read (first roster page, one user): proves the key, the workspace id and the base URL. */
  async probe(): Promise<void> {
    const r = await this.call("GET", `${this.ws()}/users?limit=1`, "users (connection check)");
    validate(userListSchema, r.body, "ChatGPT users (connection check)");
  }

  async group(groupId: string) {
    const r = await this.call(
      "GET",
      `${this.ws()}/groups/${encodeURIComponent(groupId)}`,
      `group ${groupId}`,
    );
    return validate(groupSchema, r.body, `ChatGPT group ${groupId}`);
  }

  async groupUserIds(groupId: string, pageSize = 100): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 1; ; page++) {
      const qs = new URLSearchParams({ limit: String(pageSize), ...(cursor ? { cursor } : {}) });
      const r = await this.call(
        "GET",
        `${this.ws()}/groups/${encodeURIComponent(groupId)}/users?${qs}`,
        `group ${groupId} users page ${page}`,
      );
      const p = validate(groupUsersSchema, r.body, `ChatGPT group ${groupId} users page ${page}`);
      ids.push(...p.data.map((u) => u.id));
      if (!p.has_more || !p.next_cursor) return ids;
      cursor = p.next_cursor;
    }
  }

  /** One page of the daily usage history (all users; the API has no user filter). */
  async usagePage(startTime: number, endTime: number, page: string | null, limit = 100) {
    const qs = new URLSearchParams({
      start_time: String(startTime),
      end_time: String(endTime),
      limit: String(limit),
      ...(page ? { page } : {}),
    });
    const path = `/analytics/workspaces/${encodeURIComponent(this.o.workspaceId)}/usage?${qs}`;
    await this.o.beforeCall?.("GET /analytics/usage");
    const r = await vendorFetch({
      method: "GET",
      url: this.url(path),
      headers: { authorization: `Bearer ${this.o.apiKey}` },
      label: "ChatGPT usage history",
    });
    return validate(usagePageSchema, r.body, `ChatGPT usage history page`);
  }
}
