/**
 * ChatGPT Admin API client (ChatGPT Enterprise / Edu, Codex included), built strictly to the
 * documented shapes in shared/VENDOR-LIMIT-APIS.md. Group/workspace default bodies and the
 * built-in "Pending requests" queue are unconfirmed there, so this client has no methods
 * for them: Allotment stays read-only on those and says so.
 */
import { z } from "zod";

import { validate } from "../ingest/http";
import { parseChatgptAmount, type VendorUnit } from "./units";
import { vendorFetch, type VendorResponse } from "./vendor-http";

export const DEFAULT_CHATGPT_BASE_URL = "https://api.chatgpt.com/v1";

const amountSchema = z.object({
  amount: z.string().regex(/^\d+(\.\d+)?$/, "a decimal string"),
  unit: z.enum(["credit", "usd"]),
});

export const limitRuleSchema = z.object({
  type: z.enum(["limited", "unlimited"]),
  /** older form: whole credits */
  limit: z.number().int().nonnegative().nullable().optional(),
  limit_amount: amountSchema.nullable().optional(),
  temporary: z.boolean().optional(),
  limit_expires_at: z.union([z.string(), z.number()]).nullable().optional(),
});
export type LimitRule = z.infer<typeof limitRuleSchema>;

const sourceSchema = z
  .object({
    kind: z.string(),
    group_id: z.string().optional(),
    group_name: z.string().optional(),
    seat_type: z.string().optional(),
  })
  .loose();

const effectiveSchema = z.object({ limit: limitRuleSchema.nullable(), source: sourceSchema });

export const userLimitSchema = z.object({
  object: z.literal("workspace.user.usage_limit"),
  id: z.string(),
  account_user_id: z.string(),
  override_monthly_usage_limit: z.union([
    z.null(),
    limitRuleSchema,
    z.array(limitRuleSchema).max(1),
  ]),
  effective_monthly_usage_limit: effectiveSchema.nullable(),
  inherited_monthly_usage_limit: effectiveSchema.nullable().optional(),
});
export type UserLimit = z.infer<typeof userLimitSchema>;

export const monthlyUsageSchema = z.object({
  id: z.string(),
  account_user_id: z.string(),
  current_month_usage: z.number().nonnegative(),
  current_month_usage_unit: z.enum(["credit", "usd"]),
  effective_monthly_usage_limit: z.unknown().optional(),
});

/** Roster rows: the documented route; only id and email are relied on. */
const userRowSchema = z
  .object({ id: z.string(), email: z.string().email(), name: z.string().nullable().optional() })
  .loose();
const userListSchema = z
  .object({
    data: z.array(userRowSchema),
    has_more: z.boolean(),
    last_id: z.string().nullable().optional(),
  })
  .loose();
export type RosterUser = z.infer<typeof userRowSchema>;

const groupSchema = z.object({ id: z.string(), name: z.string() }).loose();
const groupUsersSchema = z
  .object({
    data: z.array(z.object({ id: z.string(), email: z.string().email().optional() }).loose()),
    has_more: z.boolean(),
    next_cursor: z.string().nullable().optional(),
  })
  .loose();

const numberish = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]);
export const usageResultSchema = z.object({
  object: z.literal("workspace.usage.result"),
  user_id: z.string().nullable().optional(),
  actor: z
    .object({ type: z.string(), user_id: z.string().nullable().optional() })
    .loose()
    .nullable()
    .optional(),
  start_time: z.union([z.number(), z.string()]),
  end_time: z.union([z.number(), z.string()]),
  totals: z
    .object({
      credits: numberish.nullable().optional(),
      cost_usd: numberish.nullable().optional(),
      estimated_cost_usd: numberish.nullable().optional(),
    })
    .loose(),
  clients: z.array(z.unknown()).optional(),
});
export type UsageResult = z.infer<typeof usageResultSchema>;
export const usagePageSchema = z.object({
  object: z.literal("page"),
  data: z.array(usageResultSchema),
  has_more: z.boolean(),
  next_page: z.string().nullable().optional(),
});

/** A rule → micro-units of its unit; null = unlimited. */
export function ruleAmount(rule: LimitRule): { micros: bigint | null; unit: VendorUnit | null } {
  if (rule.type === "unlimited") return { micros: null, unit: null };
  if (rule.limit_amount)
    return { micros: parseChatgptAmount(rule.limit_amount.amount), unit: rule.limit_amount.unit };
  if (typeof rule.limit === "number")
    return { micros: BigInt(rule.limit) * 1_000_000n, unit: "credit" };
  // "limited" without an amount is not a shape the reference shows: refuse to guess
  throw new Error("usage limit rule is limited but carries neither limit_amount nor limit");
}

/** The override as one rule or none (`null`, `[]` and `[rule]` are all documented). */
export function overrideRule(u: UserLimit): LimitRule | null {
  const o = u.override_monthly_usage_limit;
  if (o === null) return null;
  if (Array.isArray(o)) return o[0] ?? null;
  return o;
}

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
