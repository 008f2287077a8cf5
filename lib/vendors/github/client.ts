/**
 * GitHub client for Copilot governance: the seat list, the AI Credit usage report, budgets
 * and cost centers, for an organization or an enterprise (§2). Used by ingestion (reads with
 * retries) and by enforcement (one call per attempt, behind the connector's rate gate).
 * Every response is validated; a page that breaks the documented shape fails naming the field.
 */
import type { z } from "zod";

import { validate } from "../../ingest/http";
import { VendorError, withRetries, type RetryPolicy } from "../http";
import { githubDownload, githubFetch, type GithubCall } from "./http";
import {
  aiCreditUsageSchema,
  budgetDeleteSchema,
  budgetListSchema,
  budgetWriteSchema,
  costCenterListSchema,
  costCenterPageSchema,
  seatPageSchema,
  usageReportSchema,
  type AiCreditUsage,
  type Budget,
  type CostCenter,
  type UsageReport,
} from "./schemas";

export type GithubTargetKind = "organization" | "enterprise";
export interface GithubTarget {
  kind: GithubTargetKind;
  name: string;
}

/** Stored as the connector's vendor workspace id: "org:acme" or "enterprise:acme-corp". */
export function parseGithubTarget(text: string): GithubTarget | null {
  const m = /^(org|organization|enterprise):([A-Za-z0-9][A-Za-z0-9._-]{0,99})$/.exec(text.trim());
  if (!m) return null;
  return { kind: m[1] === "enterprise" ? "enterprise" : "organization", name: m[2]! };
}
export function githubTargetText(t: GithubTarget): string {
  return `${t.kind === "enterprise" ? "enterprise" : "org"}:${t.name}`;
}

export interface GithubClientOptions {
  baseUrl: string;
  token: string;
  target: GithubTarget;
  apiVersion?: string;
  /** the connector's rate gate (enforcement); called before every request with its route */
  beforeCall?: (route: string) => Promise<void>;
  /** retries for reads (ingestion); absent = one attempt */
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

/** The body of a budget write (§2.4 create fields; PATCH takes the same, all optional). */
export interface BudgetBody {
  budget_amount: number;
  prevent_further_usage: boolean;
  budget_alerting: { will_alert: boolean; alert_recipients: string[] };
  budget_scope: string;
  budget_entity_name: string;
  budget_type: "BundlePricing";
  budget_product_sku: "ai_credits";
  user?: string;
  expires_at?: string | null;
}

export interface DayQuery {
  year: number;
  month: number;
  day?: number;
  user?: string;
}

const MAX_PAGES = 1000;

export class GithubClient {
  readonly target: GithubTarget;
  constructor(private readonly opts: GithubClientOptions) {
    this.target = opts.target;
  }

  private get prefix(): string {
    const name = encodeURIComponent(this.target.name);
    return this.target.kind === "enterprise" ? `/enterprises/${name}` : `/organizations/${name}`;
  }

  url(path: string, params: [string, string][] = []): string {
    const url = new URL(this.opts.baseUrl.replace(/\/+$/, "") + path);
    for (const [k, v] of params) url.searchParams.append(k, v);
    return url.toString();
  }

  /** `retryWrite`: a write that may be sent again (asking for a report twice only makes two reports) */
  private async send(route: string, call: GithubCall, retryWrite = false) {
    const once = async () => {
      await this.opts.beforeCall?.(route);
      return githubFetch(this.opts.token, call, this.opts.apiVersion);
    };
    return (call.method === "GET" || retryWrite) && this.opts.retry
      ? withRetries(once, this.opts.retry, { sleep: this.opts.sleep, log: this.opts.log })
      : once();
  }

  private async get<S extends z.ZodType>(route: string, url: string, schema: S, label: string) {
    const r = await this.send(route, { method: "GET", url, label: `GitHub ${label}` });
    return { parsed: validate(schema, r.body, `GitHub ${label}`), next: r.next, raw: r.body };
  }

  /**
   * Follows pages: the Link header's rel="next" when GitHub sends one (same origin only),
   * else `has_next_page` with the next page number (the budget and cost-center lists).
   */
  private async *pages<S extends z.ZodType>(
    route: string,
    path: string,
    params: [string, string][],
    schema: S,
    label: string,
    hasNext: (p: z.output<S>) => boolean,
  ): AsyncIterable<z.output<S>> {
    const origin = new URL(this.opts.baseUrl).origin;
    let url = this.url(path, [...params, ["page", "1"]]);
    for (let n = 1; n <= MAX_PAGES; n++) {
      const r = await this.get(route, url, schema, `${label} page ${n}`);
      yield r.parsed;
      if (r.next && new URL(r.next).origin === origin) url = r.next;
      else if (hasNext(r.parsed)) url = this.url(path, [...params, ["page", String(n + 1)]]);
      else return;
    }
    throw new Error(`GitHub ${label}: more than ${MAX_PAGES} pages`);
  }

  /** Copilot seats: the people GitHub bills AI credits for (logins; email when the token may see it). */
  async seats(): Promise<{ login: string; email: string | null; name: string | null }[]> {
    const name = encodeURIComponent(this.target.name);
    const path =
      this.target.kind === "enterprise"
        ? `/enterprises/${name}/copilot/billing/seats`
        : `/orgs/${name}/copilot/billing/seats`;
    const out = new Map<string, { login: string; email: string | null; name: string | null }>();
    for await (const p of this.pages(
      "seats",
      path,
      [["per_page", "100"]],
      seatPageSchema,
      "Copilot seats",
      () => false,
    )) {
      for (const s of p.seats)
        if (s.assignee)
          out.set(s.assignee.login, {
            login: s.assignee.login,
            email: s.assignee.email ?? null,
            name: s.assignee.name ?? null,
          });
      if (p.seats.length === 0) break;
    }
    return [...out.values()];
  }

  /** The AI Credit usage report (§2.1) for one month or day, optionally of one user. */
  async aiCreditUsage(q: DayQuery): Promise<AiCreditUsage> {
    const params: [string, string][] = [
      ["year", String(q.year)],
      ["month", String(q.month)],
    ];
    if (q.day !== undefined) params.push(["day", String(q.day)]);
    if (q.user) params.push(["user", q.user]);
    const label = `AI credit usage ${q.year}-${String(q.month).padStart(2, "0")}${q.day !== undefined ? `-${String(q.day).padStart(2, "0")}` : ""}${q.user ? ` of ${q.user}` : ""}`;
    return (
      await this.get(
        "usage",
        this.url(`${this.prefix}/settings/billing/ai_credit/usage`, params),
        aiCreditUsageSchema,
        label,
      )
    ).parsed;
  }

  /**
   * Asks for a usage-report export (§2.3, enterprise only) of `reportType` over the days
   * start..end (both inclusive, UTC). GitHub answers 202 with the report "processing".
   */
  async createUsageReport(
    reportType: "ai_credit",
    start: string,
    end: string,
  ): Promise<UsageReport> {
    if (this.target.kind !== "enterprise")
      throw new Error("GitHub usage-report exports exist for enterprises only");
    const label = `GitHub usage report ${reportType} ${start}..${end}`;
    const r = await this.send(
      "reports",
      {
        method: "POST",
        url: this.url(`${this.prefix}/settings/billing/reports`),
        body: { report_type: reportType, start_date: start, end_date: end, send_email: false },
        label,
      },
      true,
    );
    return validate(usageReportSchema, r.body, label);
  }

  /** One usage-report export as it stands now. */
  async usageReport(id: string): Promise<UsageReport> {
    return (
      await this.get(
        "reports",
        this.url(`${this.prefix}/settings/billing/reports/${encodeURIComponent(id)}`),
        usageReportSchema,
        `usage report ${id}`,
      )
    ).parsed;
  }

  /**
   * One file of a completed report, as text. The URLs are read as pre-signed links and fetched
   * without the token; only when the file's host is the API's own and it refuses (401/403) is
   * it asked for again with the token — the token never goes to another host.
   */
  async downloadReportFile(url: string, label: string): Promise<string> {
    const sameOrigin = new URL(url).origin === new URL(this.opts.baseUrl).origin;
    const get = async (withToken: boolean) => {
      await this.opts.beforeCall?.("report-files");
      return (await githubDownload(url, withToken ? this.opts.token : null, `GitHub ${label}`))
        .text;
    };
    const once = async () => {
      try {
        return await get(false);
      } catch (error) {
        if (
          sameOrigin &&
          error instanceof VendorError &&
          error.kind === "auth" &&
          (error.status === 401 || error.status === 403)
        )
          return get(true);
        throw error;
      }
    };
    return this.opts.retry
      ? withRetries(once, this.opts.retry, { sleep: this.opts.sleep, log: this.opts.log })
      : once();
  }

  /** Every budget (page-number pagination; per_page 10 is within both documented maxima). */
  async budgets(): Promise<Budget[]> {
    const out: Budget[] = [];
    for await (const p of this.pages(
      "budgets",
      `${this.prefix}/settings/billing/budgets`,
      [["per_page", "10"]],
      budgetListSchema,
      "budgets",
      (x) => x.has_next_page === true,
    ))
      out.push(...p.budgets);
    return out;
  }

  async createBudget(body: BudgetBody): Promise<{ budget: Budget; raw: unknown }> {
    const r = await this.send("budgets:write", {
      method: "POST",
      url: this.url(`${this.prefix}/settings/billing/budgets`),
      body,
      label: "GitHub create budget",
    });
    return {
      budget: validate(budgetWriteSchema, r.body, "GitHub create budget").budget,
      raw: r.body,
    };
  }

  async updateBudget(
    id: string,
    body: Partial<BudgetBody>,
  ): Promise<{ budget: Budget; raw: unknown }> {
    const r = await this.send("budgets:write", {
      method: "PATCH",
      url: this.url(`${this.prefix}/settings/billing/budgets/${encodeURIComponent(id)}`),
      body,
      label: "GitHub update budget",
    });
    return {
      budget: validate(budgetWriteSchema, r.body, "GitHub update budget").budget,
      raw: r.body,
    };
  }

  async deleteBudget(id: string): Promise<{ raw: unknown }> {
    const r = await this.send("budgets:write", {
      method: "DELETE",
      url: this.url(`${this.prefix}/settings/billing/budgets/${encodeURIComponent(id)}`),
      label: "GitHub delete budget",
    });
    validate(budgetDeleteSchema, r.body ?? {}, "GitHub delete budget");
    return { raw: r.body };
  }

  /** Active cost centers with their user members (enterprise only; an organization has none). */
  async costCenters(): Promise<{ id: string; name: string; users: string[] }[]> {
    if (this.target.kind !== "enterprise") return [];
    const base = `${this.prefix}/settings/billing/cost-centers`;
    const list = (
      await this.get(
        "cost-centers",
        this.url(base, [["state", "active"]]),
        costCenterListSchema,
        "cost centers",
      )
    ).parsed;
    const out: { id: string; name: string; users: string[] }[] = [];
    for (const cc of list.costCenters) {
      if (cc.state && cc.state !== "active") continue;
      const resources: CostCenter["resources"] = [];
      for await (const p of this.pages(
        "cost-centers",
        `${base}/${encodeURIComponent(cc.id)}`,
        [["per_page", "100"]],
        costCenterPageSchema,
        `cost center ${cc.name}`,
        (x) => x.has_next_page === true,
      ))
        resources.push(...p.resources);
      out.push({
        id: cc.id,
        name: cc.name,
        users: [...new Set(resources.filter((r) => r.type === "User").map((r) => r.name))],
      });
    }
    return out;
  }
}
