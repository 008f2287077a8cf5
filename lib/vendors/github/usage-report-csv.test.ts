import { describe, expect, it } from "vitest";

import {
  chooseUsageSource,
  EXPORT_MIN_CALLS,
  reportRanges,
} from "../../ingest/adapters/github-copilot";
import { REPORT_PLACEHOLDER_MODEL, ReportUsageSums } from "./usage-report-csv";

const HEADER =
  "date,product,sku,model,quantity,unit_type,applied_cost_per_quantity,gross_amount,discount_amount,net_amount,username,organization,repository,workflow_path,cost_center_name";
const all = () => true;

describe("the usage-report CSV", () => {
  it("sums rows per day, person and model exactly, rounding each total once half-even", () => {
    const sums = new ReportUsageSums();
    // 3 × $0.0000005 = $0.0000015 → 2 micro-dollars (half-even on the sum; per row it would be 0+0+0)
    const rows = [1, 2, 3].map(
      (i) =>
        `2026-11-01,Copilot,AI,GPT-5,0.00005,ai-credits,0.01,0.0000005,0,0.0000005,ada,acme,acme/r${i},,`,
    );
    expect(sums.add("f", [HEADER, ...rows].join("\n"), all)).toBe(3);
    expect(sums.totals()).toEqual([
      {
        day: "2026-11-01",
        login: "ada",
        model: "GPT-5",
        grossMicros: 2n,
        discountMicros: 0n,
        netMicros: 2n,
      },
    ]);
  });

  it("reads a leading $, a date-time, quoted cells; without model and discount columns uses the placeholder and gross − net", () => {
    const sums = new ReportUsageSums();
    const csv = [
      "date,username,gross_amount,net_amount,repository",
      '2026-11-02T00:00:00Z,bob,$12.345678,$10.000001,"acme/a,b"',
    ].join("\r\n");
    sums.add("f", csv, all);
    expect(sums.filesWithoutModel).toBe(1);
    expect(sums.totals()).toEqual([
      {
        day: "2026-11-02",
        login: "bob",
        model: REPORT_PLACEHOLDER_MODEL,
        grossMicros: 12_345_678n,
        discountMicros: 2_345_677n,
        netMicros: 10_000_001n,
      },
    ]);
  });

  it("names the row and column of a bad cell, and a missing column", () => {
    const bad = `${HEADER}\n2026-11-31,Copilot,AI,GPT-5,1,c,0.01,0.01,0,0.01,ada,acme,r,,`;
    expect(() => new ReportUsageSums().add("file 1", bad, all)).toThrow(
      "file 1: row 2, column date: expected a date YYYY-MM-DD",
    );
    const float = `${HEADER}\n2026-11-01,Copilot,AI,GPT-5,1,c,0.01,0.01,0,1e400,ada,acme,r,,`;
    expect(() => new ReportUsageSums().add("file 1", float, all)).toThrow(
      /^file 1: row 2, column net_amount: exponent out of range/,
    );
    expect(() => new ReportUsageSums().add("file 1", "date,username,net_amount\n", all)).toThrow(
      "file 1: row 1, column gross_amount: missing from the header",
    );
  });
});

describe("the export's ranges and when it is used", () => {
  it("cuts a window into ranges of at most 31 days", () => {
    expect(reportRanges("2026-09-20", "2026-11-05")).toEqual([
      { start: "2026-09-20", end: "2026-10-20" },
      { start: "2026-10-21", end: "2026-11-05" },
    ]);
    expect(reportRanges("2026-11-05", "2026-11-05")).toEqual([
      { start: "2026-11-05", end: "2026-11-05" },
    ]);
  });

  it("auto: enterprises above EXPORT_MIN_CALLS per-user calls read the export; organizations never", () => {
    const ent = { kind: "enterprise" as const, name: "acme" };
    const org = { kind: "organization" as const, name: "acme" };
    expect(chooseUsageSource("auto", ent, EXPORT_MIN_CALLS, 1)).toBe("per_user");
    expect(chooseUsageSource("auto", ent, EXPORT_MIN_CALLS + 1, 1)).toBe("export");
    expect(chooseUsageSource("auto", org, 10_000, 31)).toBe("per_user");
    expect(chooseUsageSource("per_user", ent, 10_000, 31)).toBe("per_user");
    expect(() => chooseUsageSource("export", org, 1, 1)).toThrow(/enterprises only/);
  });
});
