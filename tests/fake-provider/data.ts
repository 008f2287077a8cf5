/** The fake provider's data: the shared fixture pages flattened to results per day. */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export type Result = Record<string, unknown>;

export interface ProviderData {
  openai: {
    usage: Map<string, Result[]>;
    costs: Map<string, Result[]>;
    users: Result[];
    projects: Result[];
    /** the other /organization/usage/<endpoint> results by endpoint name, then day (absent = empty) */
    endpoints?: Map<string, Map<string, Result[]>>;
  };
  anthropic: {
    usage: Map<string, Result[]>;
    costs: Map<string, Result[]>;
    claudeCode: Map<string, Result[]>;
  };
}

export const FIXTURES_DIR = path.join(import.meta.dirname, "fixtures");

function read(file: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, file), "utf8"));
}

function byDay(files: string[], dayOf: (bucket: Result) => string): Map<string, Result[]> {
  const out = new Map<string, Result[]>();
  for (const f of files) {
    for (const bucket of (read(f) as { data: Result[] }).data) {
      const day = dayOf(bucket);
      out.set(day, [...(out.get(day) ?? []), ...(bucket.results as Result[])]);
    }
  }
  return out;
}

const unixDay = (b: Result) => new Date((b.start_time as number) * 1000).toISOString().slice(0, 10);
const isoDay = (b: Result) => String(b.starting_at).slice(0, 10);

/** A fresh, mutable copy of the fixture data (tests restate days by editing it). */
export function loadFixtureData(): ProviderData {
  const claudeCode = new Map<string, Result[]>();
  for (const f of readdirSync(path.join(FIXTURES_DIR, "anthropic/claude-code"))) {
    claudeCode.set(
      f.replace(".json", ""),
      (read(`anthropic/claude-code/${f}`) as { data: Result[] }).data,
    );
  }
  return {
    openai: {
      usage: byDay(
        ["openai/usage-completions.page-1.json", "openai/usage-completions.page-2.json"],
        unixDay,
      ),
      costs: byDay(["openai/costs.page-1.json", "openai/costs.page-2.json"], unixDay),
      users: (read("openai/users.json") as { data: Result[] }).data,
      projects: (read("openai/projects.json") as { data: Result[] }).data,
    },
    anthropic: {
      usage: byDay(
        [
          "anthropic/usage-report-messages.page-1.json",
          "anthropic/usage-report-messages.page-2.json",
        ],
        isoDay,
      ),
      costs: byDay(
        ["anthropic/cost-report.page-1.json", "anthropic/cost-report.page-2.json"],
        isoDay,
      ),
      claudeCode,
    },
  };
}

export function expectedFigures(): Record<string, unknown> {
  return read("expected.json") as Record<string, unknown>;
}
