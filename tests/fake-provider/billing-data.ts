/**
 * The billing scenario (billing-scenario.ts) as the fake provider's pages: raw results per
 * day in the providers' documented shapes. Bills are the truth's (billing-truth.ts) served
 * cost lines: OpenAI dollars as JSON numbers with a lowercase currency (a result without
 * amount has no `amount` at all), Anthropic minor units as decimal strings.
 */
import {
  anthropicEvents,
  claudeCodeRecords,
  OPENAI_USERS,
  openaiEvents,
  SCENARIO_DAYS,
} from "./billing-scenario";
import { servedCosts, type ScenarioOptions } from "./billing-truth";
import type { ProviderData, Result } from "./data";

const unix = (day: string) => Date.parse(`${day}T00:00:00Z`) / 1000;

function push(map: Map<string, Result[]>, day: string, r: Result): void {
  map.set(day, [...(map.get(day) ?? []), r]);
}

/** "1.2345" major → "123.45" minor units, exactly (text shift by two places). */
function toMinor(major: string): string {
  const [w, f = ""] = major.split(".");
  const frac = f.padEnd(2, "0");
  const whole = (BigInt(w!) * 100n + BigInt(frac.slice(0, 2))).toString();
  const rest = frac.slice(2).replace(/0+$/, "");
  return rest ? `${whole}.${rest}` : whole;
}

export function billingScenarioData(o: ScenarioOptions = {}): ProviderData {
  const usage = new Map<string, Result[]>();
  const endpoints = new Map<string, Map<string, Result[]>>();
  const aUsage = new Map<string, Result[]>();
  const claudeCode = new Map<string, Result[]>();
  SCENARIO_DAYS.forEach((day, d) => {
    for (const e of openaiEvents(d)) {
      if (e.kind === "completion") {
        push(usage, day, {
          input_tokens: e.input,
          input_cached_tokens: e.cached,
          input_cache_write_tokens: e.writes,
          output_tokens: e.output,
          num_model_requests: e.requests,
          project_id: e.project,
          user_id: e.user,
          api_key_id: e.key,
          model: e.model,
          batch: e.batch,
          service_tier: e.tier,
        });
      } else {
        const byDay = endpoints.get(e.endpoint) ?? new Map<string, Result[]>();
        endpoints.set(e.endpoint, byDay);
        const ids = ["code_interpreter_sessions", "vector_stores"].includes(e.endpoint)
          ? { project_id: e.project }
          : {
              project_id: e.project,
              user_id: e.user,
              api_key_id: e.key,
              ...(e.endpoint === "file_search_calls" ? {} : { model: e.model }),
            };
        push(byDay, day, { ...ids, ...e.fields });
      }
    }
    for (const e of anthropicEvents(d)) {
      push(aUsage, day, {
        uncached_input_tokens: e.uncached,
        cache_read_input_tokens: e.cacheRead,
        cache_creation: {
          ephemeral_5m_input_tokens: e.write5m,
          ephemeral_1h_input_tokens: e.write1h,
        },
        output_tokens: e.output,
        account_id: e.account,
        service_account_id: e.serviceAccount,
        api_key_id: e.key,
        workspace_id: e.workspace,
        model: e.model,
        service_tier: e.tier,
        context_window: e.context,
        inference_geo: e.geo,
        server_tool_use: { web_search_requests: 0 },
      });
    }
    claudeCode.set(
      day,
      claudeCodeRecords(d).map((r) => ({
        date: `${day}T00:00:00Z`,
        actor: { type: "user_actor", email_address: r.email },
        organization_id: "org-acme",
        customer_type: r.customerType,
        subscription_type: r.customerType === "api" ? null : "enterprise",
        terminal_type: "vscode",
        core_metrics: {
          num_sessions: 3,
          lines_of_code: { added: 10, removed: 2 },
          commits_by_claude_code: 1,
          pull_requests_by_claude_code: 0,
        },
        tool_actions: {},
        is_remote: false,
        model_breakdown: [
          {
            model: r.model,
            tokens: r.tokens,
            estimated_cost: { amount: r.cents, currency: r.currency },
          },
        ],
      })),
    );
  });

  const costs = new Map<string, Result[]>();
  const aCosts = new Map<string, Result[]>();
  for (const c of servedCosts(o)) {
    if (c.provider === "openai") {
      push(costs, c.day, {
        ...(c.amount === null ? {} : { amount: { value: Number(c.amount), currency: c.currency } }),
        line_item: c.lineItem,
        project_id: c.scope,
        api_key_id: null,
        quantity: null,
        quantity_unit: null,
      });
    } else {
      push(aCosts, c.day, {
        currency: c.currency,
        ...(c.amount === null ? {} : { amount: toMinor(c.amount) }),
        workspace_id: c.scope,
        description: c.lineItem,
        cost_type: "tokens",
        model: null,
        service_tier: null,
        context_window: null,
        inference_geo: null,
        token_type: null,
      });
    }
  }
  const projects = ["proj_web", "proj_data", "proj_eu", "proj_empty"].map((id) => ({
    object: "organization.project",
    id,
    name: id.replace("proj_", ""),
    status: "active",
  }));
  return {
    openai: {
      usage,
      costs,
      users: OPENAI_USERS.map((u) => ({ object: "organization.user", ...u, role: "reader" })),
      projects,
      endpoints,
    },
    anthropic: { usage: aUsage, costs: aCosts, claudeCode },
  };
}

export { unix };
