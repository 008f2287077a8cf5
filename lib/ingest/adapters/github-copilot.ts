/**
 * The `github_copilot` source: Copilot AI Credit usage per person and day, for an
 * organization or an enterprise, read one of two ways (docs/vendor-github.md "Usage"):
 *  - per user (§2.1): the AI Credit usage report has no bulk per-user form and no
 *    pagination, so each Copilot seat holder is asked for each day
 *    (`user=<login>&year&month&day`) — seats × days calls;
 *  - the enterprise usage-report export (§2.3): one `ai_credit` report per 31 days at most,
 *    polled until GitHub has made it, its CSV files downloaded and read
 *    (lib/vendors/github/usage-report-csv.ts). Enterprises use it when the per-user path
 *    would take more than EXPORT_MIN_CALLS calls (`usageSource: "auto"`), or always/never
 *    (`"export"` / `"per_user"`).
 * One page per UTC day states the day completely, so a restated day replaces the old rows;
 * the export is read and checked whole before the first page is written. Amounts are read exactly:
 * `netAmount` is the billed cost, `discountAmount` (the enterprise's pooled included
 * credits) is kept apart like a seat estimate, so gross consumption — what GitHub's
 * user-level budgets count — is their sum. Seat holders become people, cost centers and
 * their user members become groups (source "github").
 */
import { z } from "zod";

import { addDays, daysBetween, eachDay } from "../../core/period";
import { sleep as clockSleep } from "../../server/clock";
import { GithubClient, parseGithubTarget, type GithubTarget } from "../../vendors/github/client";
import { usdNumberToMicros } from "../../vendors/github/money";
import type { AiCreditUsage, UsageReport } from "../../vendors/github/schemas";
import { REPORT_PLACEHOLDER_MODEL, ReportUsageSums } from "../../vendors/github/usage-report-csv";
import { VendorError, type RetryPolicy } from "../../vendors/http";
import type {
  Directory,
  FetchContext,
  IdentityRef,
  SourceAdapter,
  SyncWindow,
  UsagePage,
  UsageRow,
} from "../types";
import { usageRowOf } from "../usage-row";

export const githubCopilotConfigSchema = z.object({
  /** "org:acme" or "enterprise:acme-corp" */
  target: z
    .string()
    .refine((v) => parseGithubTarget(v) !== null, "expected org:<name> or enterprise:<slug>"),
  /** days before the last synced day that are read again (GitHub may restate) */
  trailingDays: z.number().int().min(0).max(31).default(3),
  /**
   * how usage is read: "per_user" (the AI Credit report per seat holder and day), "export"
   * (the enterprise usage-report export), or "auto": the export for an enterprise when the
   * per-user path would take more than EXPORT_MIN_CALLS calls, falling back to per user if
   * GitHub refuses the export (the token lacks enterprise administration write)
   */
  usageSource: z.enum(["auto", "per_user", "export"]).default("auto"),
});
export type GithubCopilotConfig = z.infer<typeof githubCopilotConfigSchema>;

export interface GithubCopilotAdapterOptions {
  baseUrl: string;
  token: string;
  /** the stored config (defaults filled in here) */
  config: z.input<typeof githubCopilotConfigSchema>;
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  /** how the export is polled (defaults: EXPORT_POLL) */
  exportPoll?: Partial<ExportPoll>;
}

/** Above this many per-user calls (seats × days) an enterprise reads the export instead. */
export const EXPORT_MIN_CALLS = 300;
/** A detailed (and ai_credit) report covers at most 31 days (§2.3). */
export const REPORT_MAX_DAYS = 31;

export interface ExportPoll {
  /** the first wait between polls; doubles up to maxMs */
  firstMs: number;
  maxMs: number;
  /** the most waited for one report before the sync gives up */
  giveUpMs: number;
}
export const EXPORT_POLL: ExportPoll = { firstMs: 1_000, maxMs: 30_000, giveUpMs: 15 * 60_000 };

/** Which path reads usage: see `usageSource` above. */
export function chooseUsageSource(
  source: GithubCopilotConfig["usageSource"],
  target: GithubTarget,
  seats: number,
  days: number,
): "per_user" | "export" {
  if (target.kind !== "enterprise") {
    if (source === "export")
      throw new Error("GitHub usage-report exports exist for enterprises only: use per_user");
    return "per_user";
  }
  if (source !== "auto") return source;
  return seats * days > EXPORT_MIN_CALLS ? "export" : "per_user";
}

/** The window as report ranges of at most REPORT_MAX_DAYS days each, in order. */
export function reportRanges(start: string, end: string): { start: string; end: string }[] {
  const out: { start: string; end: string }[] = [];
  for (let s = start; s <= end; s = addDays(s, REPORT_MAX_DAYS)) {
    const e = addDays(s, REPORT_MAX_DAYS - 1);
    out.push({ start: s, end: e < end ? e : end });
  }
  return out;
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

/** One Copilot usage row: billed (net), the pool's share (discount) and gross consumption. */
function copilotRow(
  day: string,
  identity: IdentityRef | null,
  model: string,
  x: { net: bigint; discount: bigint; gross: bigint },
): UsageRow {
  // GitHub AI credits are not the workspace's credit unit: creditsMicros stays null (derived
  // from cost with the workspace rate)
  return usageRowOf({
    day,
    provider: "github",
    identity,
    product: "copilot",
    model,
    estimatedCostMicros: x.gross,
    costMicros: x.net,
    seatEstimateMicros: x.discount,
  });
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
    .map(([model, x]) => copilotRow(day, githubIdentity(login, email), model, x));
}

/** GitHub refused to make a report at all (403/404: no enterprise administration write, or no export). */
export class ExportRefusedError extends Error {
  override name = "ExportRefusedError";
}

export interface ExportRead {
  rowsByDay: Map<string, UsageRow[]>;
  reports: UsageReport[];
  warnings: string[];
}

/**
 * Reads start..end through the usage-report export: asks for one `ai_credit` report per
 * range of at most 31 days, polls each until GitHub has made it (waits double from
 * `poll.firstMs` up to `poll.maxMs`; a report still unfinished after `poll.giveUpMs` of
 * waiting fails the sync, as does a "failed" one, naming it), downloads every file and
 * reads it whole. Nothing is returned — so nothing is written — unless every file is good.
 * Logins become identities as on the per-user path (email from the seat list when known);
 * rows without a username are kept unattributed.
 */
export async function readUsageExport(
  client: GithubClient,
  start: string,
  end: string,
  seats: { login: string; email: string | null }[],
  opts: { poll: ExportPoll; sleep: (ms: number) => Promise<void>; log?: (l: string) => void },
): Promise<ExportRead> {
  const ranges = reportRanges(start, end);
  // asked for all at once: GitHub makes them while we wait for the first
  const asked: { range: { start: string; end: string }; report: UsageReport }[] = [];
  for (const range of ranges) {
    const report = await client
      .createUsageReport("ai_credit", range.start, range.end)
      .catch((error: unknown) => {
        if (error instanceof VendorError && (error.kind === "auth" || error.kind === "not_found"))
          throw new ExportRefusedError(error.message);
        throw error;
      });
    asked.push({ range, report });
  }
  const sums = new ReportUsageSums();
  const reports: UsageReport[] = [];
  for (const { range, report: created } of asked) {
    const name = `GitHub usage report ${created.id} (ai_credit ${range.start}..${range.end})`;
    let report = created;
    let waited = 0;
    let wait = opts.poll.firstMs;
    while (report.status !== "completed") {
      if (report.status === "failed") throw new Error(`${name} failed at GitHub`);
      if (waited >= opts.poll.giveUpMs)
        throw new Error(
          `${name} is still "${report.status}" after ${Math.round(waited / 1000)} s of waiting: gave up; the next sync asks again`,
        );
      await opts.sleep(wait);
      waited += wait;
      wait = Math.min(wait * 2, opts.poll.maxMs);
      report = await client.usageReport(created.id);
    }
    const urls = report.download_urls ?? [];
    opts.log?.(`${name}: completed, ${urls.length} file(s)`);
    for (const [n, url] of urls.entries()) {
      const label = `${name} file ${n + 1}`;
      const text = await client.downloadReportFile(url, `usage report ${created.id} file ${n + 1}`);
      sums.add(label, text, (day) => day >= range.start && day <= range.end);
    }
    reports.push(report);
  }
  const emailOf = new Map(seats.map((s) => [s.login, s.email]));
  const rowsByDay = new Map<string, UsageRow[]>();
  for (const u of sums.totals()) {
    if (u.grossMicros === 0n && u.netMicros === 0n) continue;
    const identity = u.login ? githubIdentity(u.login, emailOf.get(u.login) ?? null) : null;
    const rows = rowsByDay.get(u.day) ?? [];
    rows.push(
      copilotRow(u.day, identity, u.model, {
        net: u.netMicros,
        discount: u.discountMicros,
        gross: u.grossMicros,
      }),
    );
    rowsByDay.set(u.day, rows);
  }
  const warnings =
    sums.filesWithoutModel > 0
      ? [
          `GitHub's ai_credit report had no model column in ${sums.filesWithoutModel} file(s): that usage is under the model "${REPORT_PLACEHOLDER_MODEL}"`,
        ]
      : [];
  return { rowsByDay, reports, warnings };
}

export function githubCopilotAdapter(opts: GithubCopilotAdapterOptions): SourceAdapter {
  const config = githubCopilotConfigSchema.parse(opts.config);
  const target = parseGithubTarget(config.target)!;
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
      const source = chooseUsageSource(
        config.usageSource,
        target,
        seats.length,
        daysBetween(first, window.end) + 1,
      );
      if (source === "export") {
        const read = await readUsageExport(client, first, window.end, seats, {
          poll: { ...EXPORT_POLL, ...opts.exportPoll },
          sleep: opts.sleep ?? clockSleep,
          log: ctx.log,
        }).catch((error: unknown) => {
          // "auto" falls back when GitHub refuses the export itself (no enterprise administration write)
          if (config.usageSource === "auto" && error instanceof ExportRefusedError) {
            ctx.log?.(`${error.message}: reading usage per user and day instead`);
            return null;
          }
          throw error;
        });
        if (read) {
          let warnings: string[] | undefined = read.warnings.length ? read.warnings : undefined;
          for (const day of eachDay(first, window.end)) {
            yield {
              completeDays: [day],
              rows: read.rowsByDay.get(day) ?? [],
              nextCursor: day < window.end ? addDays(day, 1) : null,
              label: `github copilot ${day} (usage report export)`,
              ...(warnings ? { warnings } : {}),
            };
            warnings = undefined;
          }
          return;
        }
      }
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
