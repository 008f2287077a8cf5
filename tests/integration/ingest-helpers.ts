/** Shared setup for the ingestion tests: a workspace, a connection and an adapter at the fake provider. */
import { anthropicAdapter } from "@/lib/ingest/adapters/anthropic";
import {
  githubCopilotAdapter,
  type GithubCopilotConfig,
} from "@/lib/ingest/adapters/github-copilot";
import { openaiAdapter } from "@/lib/ingest/adapters/openai";
import type { SourceAdapter, UsageRow } from "@/lib/ingest/types";
import { seedRateCard } from "@/lib/ratecard/rate-card";
import type { Db } from "@/lib/server/db";

import type { FakeProvider } from "../fake-provider/server";
import { makeWorkspace } from "../helpers/db";

export const FIXTURE_WINDOW = { start: "2026-11-01", end: "2026-11-10" };
/**
 * Short backoff so fault tests stay quick (Retry-After is still honoured). The per-request
 * timeout is generous: a local fake answers in milliseconds, but a busy 2-core machine must
 * never turn a slow answer into a spurious timeout. The timeout fault holds its answer far
 * longer (TIMEOUT_FAULT_MS), so it is always the timeout that ends it.
 */
export const FAST_RETRY = { attempts: 4, baseDelayMs: 10, maxDelayMs: 2_000, timeoutMs: 5_000 };
export const TIMEOUT_FAULT_MS = 120_000;

export async function providerWorkspace(
  db: Db,
  fake: FakeProvider,
  kind: "openai" | "anthropic",
  opts: { pageLimit?: number; attempts?: number } = {},
) {
  const workspace = await makeWorkspace(db, { budgetUnit: "USD", usdPerCreditMicros: 1_000_000n });
  const baseUrl = kind === "openai" ? fake.openaiBase : fake.anthropicBase;
  const connection = await db.connection.create({
    data: { workspaceId: workspace.id, kind, name: `${kind}-test`, baseUrl },
  });
  const common = {
    baseUrl,
    pageLimit: opts.pageLimit ?? 7,
    rateCard: seedRateCard(),
    retry: { ...FAST_RETRY, ...(opts.attempts ? { attempts: opts.attempts } : {}) },
  };
  const adapter =
    kind === "openai"
      ? openaiAdapter({ ...common, apiKey: "sk-admin-fake-openai" })
      : anthropicAdapter({ ...common, apiKey: "sk-ant-admin-fake" });
  return { workspace, connection, adapter };
}

/**
 * A USD workspace with a GitHub Copilot connection to the fake GitHub's enterprise "acme";
 * the adapter's waits (rate limits, report polling) are recorded in `waits`, not slept.
 */
export async function copilotWorkspace(
  db: Db,
  fakeUrl: string,
  waits: number[],
  usageSource?: GithubCopilotConfig["usageSource"],
) {
  const workspace = await makeWorkspace(db, { budgetUnit: "USD", usdPerCreditMicros: 1_000_000n });
  const connection = await db.connection.create({
    data: { workspaceId: workspace.id, kind: "github_copilot", name: "Copilot", baseUrl: fakeUrl },
  });
  const adapter = githubCopilotAdapter({
    baseUrl: fakeUrl,
    token: "ghp_test_token_0001",
    config: { target: "enterprise:acme", trailingDays: 3, ...(usageSource ? { usageSource } : {}) },
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  return { workspace, connection, adapter };
}

/** Wraps an adapter so a test can see every row it produced. */
export function tap(adapter: SourceAdapter): { adapter: SourceAdapter; rows: UsageRow[] } {
  const rows: UsageRow[] = [];
  return {
    rows,
    adapter: {
      ...adapter,
      kind: adapter.kind,
      testConnection: (ctx) => adapter.testConnection(ctx),
      async *pages(window, cursor, ctx) {
        for await (const page of adapter.pages(window, cursor, ctx)) {
          rows.push(...page.rows);
          yield page;
        }
      },
    },
  };
}

export function addTo(map: Record<string, bigint>, key: string, v: bigint): void {
  map[key] = (map[key] ?? 0n) + v;
}

export function asBigInts(obj: Record<string, number>): Record<string, bigint> {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, BigInt(v)]));
}
