/**
 * The `github_copilot` source: Copilot AI Credit usage per person and day from GitHub's AI
 * Credit usage report (§2.1), for an organization or an enterprise. The report has no bulk
 * per-user form and no pagination: each Copilot seat holder is asked for each day
 * (`user=<login>&year&month&day`). One page per UTC day states the day completely, so a
 * restated day replaces the old rows. Amounts are dollars as JSON numbers, read exactly:
 * `netAmount` is the billed cost, `discountAmount` (the enterprise's pooled included
 * credits) is kept apart like a seat estimate, so gross consumption — what GitHub's
 * user-level budgets count — is their sum. Seat holders become people, cost centers and
 * their user members become groups (source "github").
 */
import { z } from "zod";

import { addDays, eachDay } from "../../core/period";
import { GithubClient, parseGithubTarget } from "../../vendors/github/client";
import { usdNumberToMicros } from "../../vendors/github/money";
import type { AiCreditUsage } from "../../vendors/github/schemas";
import type { RetryPolicy } from "../../vendors/http";
import type {
  Directory,
  FetchContext,
  IdentityRef,
  SourceAdapter,
  SyncWindow,
  UsagePage,
  UsageRow,
} from "../types";

export const githubCopilotConfigSchema = z.object({
  /** "org:acme" or "enterprise:acme-corp" */
  target: z
    .string()
    .refine((v) => parseGithubTarget(v) !== null, "expected org:<name> or enterprise:<slug>"),
  /** days before the last synced day that are read again (GitHub may restate) */
  trailingDays: z.number().int().min(0).max(31).default(3),
});
export type GithubCopilotConfig = z.infer<typeof githubCopilotConfigSchema>;

export interface GithubCopilotAdapterOptions {
  baseUrl: string;
  token: string;
  config: GithubCopilotConfig;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
}

// GitHub asks for at least a minute after a secondary limit without Retry-After (GH-RL)
const DEFAULT_READ_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 120_000 };

export function githubIdentity(login: string, email?: string | null): IdentityRef {
  return {
    provider: "github",
    kind: "user_id",
    externalId: login,
    ...(email ? { email: email.toLowerCase() } : {}),
  };
}

/** One report (one user, one day) → one row per model, amounts exact. */
export function rowsForReport(
  report: AiCreditUsage,
  day: string,
  login: string,
  email: string | null,
): UsageRow[] {
  const byModel = new Map<string, { net: bigint; discount: bigint; gross: bigint }>();
  for (const item of report.usageItems) {
    const model = item.model ?? "";
    const x = byModel.get(model) ?? { net: 0n, discount: 0n, gross: 0n };
    x.net += usdNumberToMicros(item.netAmount);
    x.discount += usdNumberToMicros(item.discountAmount);
    x.gross += usdNumberToMicros(item.grossAmount);
    byModel.set(model, x);
  }
  return [...byModel.entries()]
    .filter(([, x]) => x.gross !== 0n || x.net !== 0n)
    .map(([model, x]) => ({
      day,
      provider: "github",
      identity: githubIdentity(login, email),
      product: "copilot",
      model,
      project: "",
      apiKey: "",
      lineItem: "",
      inputTokens: 0n,
      cachedInputTokens: 0n,
      outputTokens: 0n,
      requests: 0n,
      estimatedCostMicros: x.gross,
      costMicros: x.net,
      // GitHub AI credits are not the workspace's credit unit: derived from cost with the workspace rate
      creditsMicros: null,
      seatEstimateMicros: x.discount,
      unpriced: false,
    }));
}

export function githubCopilotAdapter(opts: GithubCopilotAdapterOptions): SourceAdapter {
  const target = parseGithubTarget(opts.config.target)!;
  const clientFor = (ctx: FetchContext) =>
    new GithubClient({
      baseUrl: opts.baseUrl,
      token: opts.token,
      target,
      retry: { ...DEFAULT_READ_RETRY, ...opts.retry },
      sleep: opts.sleep,
      log: ctx.log,
    });
  return {
    kind: "github_copilot",
    async testConnection(ctx) {
      const seats = await clientFor(ctx).seats();
      return {
        ok: true,
        detail: `GitHub ${target.kind} ${target.name} answers (${seats.length} Copilot seat(s))`,
      };
    },
    async directory(ctx): Promise<Directory> {
      const client = clientFor(ctx);
      const seats = await client.seats();
      const emailOf = new Map(
        seats.filter((s) => s.email).map((s) => [s.login, s.email!.toLowerCase()]),
      );
      const centers = await client.costCenters();
      return {
        source: "github",
        // GitHub shows an email only when the token may see it; people without one are mapped by login later
        people: seats
          .filter((s) => s.email)
          .map((s) => ({
            email: s.email!.toLowerCase(),
            name: s.name || s.login,
            identities: [githubIdentity(s.login, s.email)],
          })),
        groups: centers.map((cc) => ({
          name: cc.name,
          costCenter: cc.name,
          memberEmails: cc.users.map((u) => emailOf.get(u)).filter((e): e is string => !!e),
          managerEmails: [],
          externalId: cc.id,
        })),
      };
    },
    async *pages(
      window: SyncWindow,
      cursor: string | null,
      ctx: FetchContext,
    ): AsyncIterable<UsagePage> {
      const client = clientFor(ctx);
      const seats = await client.seats();
      const first = cursor && cursor > window.start ? cursor : window.start;
      for (const day of eachDay(first, window.end)) {
        const [y, m, d] = day.split("-").map(Number) as [number, number, number];
        const rows: UsageRow[] = [];
        for (const s of seats) {
          const report = await client.aiCreditUsage({ year: y, month: m, day: d, user: s.login });
          rows.push(...rowsForReport(report, day, s.login, s.email));
        }
        yield {
          completeDays: [day],
          rows,
          nextCursor: day < window.end ? addDays(day, 1) : null,
          label: `github copilot ${day}`,
        };
      }
    },
  };
}
