/**
 * The fake GitHub's usage-report exports (shared/VENDOR-APIS.md §2.3): `POST
 * /enterprises/{e}/settings/billing/reports` answers 202 with a report "processing"; `GET
 * …/reports/{id}` turns it "completed" (or "failed") after a set number of polls, and a
 * completed report lists `download_urls` the fake serves as CSV files — pre-signed, so
 * no bearer token is needed unless the test asks for the other reading. The CSV has the
 * documented columns (GH-RPT), `model` only when the test says the ai_credit report has one
 * (unconfirmed), and every usage fact split over two repositories, so a reader must sum.
 * Detailed and ai_credit reports cover at most 31 days: a longer range is refused (422).
 */
import { randomUUID } from "node:crypto";

import { costCenterOf, type FakeCostCenter, type FakeUsage } from "./github-state";
import type { FakeRequest, FakeResponse } from "./http";

export const REPORT_TYPES = ["detailed", "summarized", "premium_request", "ai_credit"] as const;
export const DETAILED_MAX_DAYS = 31;

export interface FakeReport {
  id: string;
  report_type: string;
  start_date: string;
  end_date: string;
  status: "processing" | "completed" | "failed";
  created_at: string;
  actor: string;
  polls: number;
  /** the CSV files, made when the report completes */
  files: string[];
  sig: string;
}

export interface FakeReportOptions {
  /** GETs of a report that still answer "processing" */
  pollsUntilDone: number;
  /** how new reports end */
  outcome: "completed" | "failed";
  /** the ai_credit CSV has a `model` column (unconfirmed: both readings are testable) */
  modelColumn: boolean;
  /** data rows per CSV file: more make several download_urls */
  rowsPerFile: number;
  /** false: the enterprise refuses exports (403: the token lacks enterprise administration write) */
  enabled: boolean;
  /** the download URLs want the bearer token as well (unconfirmed; pre-signed URLs need none) */
  downloadNeedsToken: boolean;
  /** rewrites file `n` (0-based) before it is served: malformed-CSV tests */
  mutate?: (csv: string, n: number) => string;
}

export function defaultReportOptions(): FakeReportOptions {
  return {
    pollsUntilDone: 2,
    outcome: "completed",
    modelColumn: true,
    rowsPerFile: 10_000,
    enabled: true,
    downloadNeedsToken: false,
  };
}

export interface ReportDownload {
  path: string;
  withToken: boolean;
}

/** Hundredths of a credit as dollar text ($0.0001 each), exact. */
export function centiDollarText(centi: number): string {
  const s = String(centi).padStart(5, "0");
  return `${s.slice(0, -4)}.${s.slice(-4)}`;
}
function centiCreditText(centi: number): string {
  const s = String(centi).padStart(3, "0");
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

const days = (start: string, end: string) =>
  Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000) + 1;
const isDay = (v: unknown): v is string =>
  typeof v === "string" &&
  /^\d{4}-\d{2}-\d{2}$/.test(v) &&
  new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

/** The CSV GitHub would write for these facts (documented columns; model when asked). */
export function reportCsv(
  usage: FakeUsage[],
  centers: FakeCostCenter[],
  org: string,
  start: string,
  end: string,
  modelColumn: boolean,
): string {
  const header = [
    "date",
    "product",
    "sku",
    ...(modelColumn ? ["model"] : []),
    "quantity",
    "unit_type",
    "applied_cost_per_quantity",
    "gross_amount",
    "discount_amount",
    "net_amount",
    "username",
    "organization",
    "repository",
    "workflow_path",
    "cost_center_name",
  ];
  const rows: string[][] = [];
  const facts = usage
    .filter((u) => u.day >= start && u.day <= end)
    .sort((a, b) =>
      `${a.day}|${a.login}|${a.model}`.localeCompare(`${b.day}|${b.login}|${b.model}`),
    );
  for (const u of facts) {
    // each fact over two repositories: a reader has to sum rows per person, day and model
    const c1 = Math.floor(u.centiCredits / 2);
    const d1 = Math.floor(u.discountCentiCredits / 2);
    const parts = [
      { c: c1, d: d1, repo: `${org}/web` },
      { c: u.centiCredits - c1, d: u.discountCentiCredits - d1, repo: `${org}/api` },
    ].filter((p) => p.c > 0);
    for (const p of parts)
      rows.push([
        u.day,
        "Copilot",
        "Copilot AI Credits",
        ...(modelColumn ? [u.model] : []),
        centiCreditText(p.c),
        "ai-credits",
        "0.01",
        centiDollarText(p.c),
        centiDollarText(p.d),
        centiDollarText(p.c - p.d),
        u.login,
        org,
        p.repo,
        "",
        costCenterOf(centers, u.login)?.name ?? "",
      ]);
  }
  const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [header, ...rows].map((r) => r.map(cell).join(",")).join("\n") + "\n";
}

export interface ReportState {
  reports: Map<string, FakeReport>;
  reportOptions: FakeReportOptions;
  reportDownloads: ReportDownload[];
}

/**
 * Answers the report routes (`rest` is the path after `/enterprises/{e}`), or null when the
 * request is not one of them. `facts` gives the usage, cost centers and the enterprise name.
 */
export function handleReportRoute(
  state: ReportState,
  req: FakeRequest,
  rest: string,
  now: Date,
  facts: () => { usage: FakeUsage[]; centers: FakeCostCenter[]; org: string },
  gh: (status: number, message: string) => FakeResponse,
): FakeResponse | null {
  const host = `http://${String(req.headers.host)}`;
  const view = (r: FakeReport) => ({
    id: r.id,
    report_type: r.report_type,
    start_date: r.start_date,
    end_date: r.end_date,
    status: r.status,
    created_at: r.created_at,
    actor: r.actor,
    ...(r.status === "completed"
      ? { download_urls: r.files.map((_, n) => `${host}/__report-files/${r.id}/${n}?sig=${r.sig}`) }
      : {}),
  });
  if (rest === "/settings/billing/reports") {
    if (!state.reportOptions.enabled)
      return gh(403, "Resource not accessible by personal access token");
    if (req.method === "GET")
      return { status: 200, body: { usage_report_exports: [...state.reports.values()].map(view) } };
    if (req.method !== "POST") return gh(404, "Not Found");
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (!REPORT_TYPES.includes(b.report_type as (typeof REPORT_TYPES)[number]))
      return gh(422, "report_type must be one of detailed, summarized, premium_request, ai_credit");
    if (!isDay(b.start_date)) return gh(422, "start_date must be a date YYYY-MM-DD");
    const end = b.end_date === undefined ? now.toISOString().slice(0, 10) : b.end_date;
    if (!isDay(end)) return gh(422, "end_date must be a date YYYY-MM-DD");
    if (end < b.start_date) return gh(422, "end_date must not be before start_date");
    const max = b.report_type === "summarized" ? 366 : DETAILED_MAX_DAYS;
    if (days(b.start_date, end) > max)
      return gh(422, `A ${String(b.report_type)} report covers at most ${max} days`);
    const r: FakeReport = {
      id: randomUUID(),
      report_type: String(b.report_type),
      start_date: b.start_date,
      end_date: end,
      status: "processing",
      created_at: now.toISOString(),
      actor: "allotment-bot",
      polls: 0,
      files: [],
      sig: randomUUID().replace(/-/g, ""),
    };
    state.reports.set(r.id, r);
    return { status: 202, body: view(r) };
  }
  const one = /^\/settings\/billing\/reports\/([^/]+)$/.exec(rest);
  if (!one || req.method !== "GET") return null;
  if (!state.reportOptions.enabled)
    return gh(403, "Resource not accessible by personal access token");
  const r = state.reports.get(decodeURIComponent(one[1]!));
  if (!r) return gh(404, "Report not found");
  r.polls++;
  if (r.status === "processing" && r.polls > state.reportOptions.pollsUntilDone) {
    r.status = state.reportOptions.outcome;
    if (r.status === "completed") {
      const f = facts();
      const csv = reportCsv(
        f.usage,
        f.centers,
        f.org,
        r.start_date,
        r.end_date,
        state.reportOptions.modelColumn,
      );
      // several files when there are more rows than one file holds (each with the header)
      const [header, ...lines] = csv.trimEnd().split("\n");
      const per = state.reportOptions.rowsPerFile;
      const files: string[] = [];
      for (let i = 0; i < Math.max(1, lines.length); i += per)
        files.push([header, ...lines.slice(i, i + per)].join("\n") + "\n");
      r.files = files.map((t, n) => state.reportOptions.mutate?.(t, n) ?? t);
    }
  }
  return { status: 200, body: view(r) };
}

/** A download of a report file: `/__report-files/{id}/{n}?sig=…` (no bearer token needed). */
export function handleReportDownload(
  state: ReportState,
  req: FakeRequest,
  tokenValid: boolean,
): FakeResponse | null {
  const m = /^\/__report-files\/([^/]+)\/(\d+)$/.exec(req.path);
  if (!m || req.method !== "GET") return null;
  const withToken = typeof req.headers.authorization === "string";
  state.reportDownloads.push({ path: req.path, withToken });
  const r = state.reports.get(m[1]!);
  const file = r?.files[Number(m[2])];
  if (!r || file === undefined || req.query.get("sig") !== r.sig)
    return { status: 403, body: null, text: "<Error><Code>AccessDenied</Code></Error>" };
  if (state.reportOptions.downloadNeedsToken && !tokenValid)
    return { status: 401, body: { message: "Requires authentication" } };
  return { status: 200, body: null, text: file };
}
