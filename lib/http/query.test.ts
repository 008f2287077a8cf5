import { describe, expect, it } from "vitest";
import { ZodError } from "zod";

import { rangeSpecSchema } from "../analytics/range";
import { parseAnalyticsQuery, parseAnalyticsSearch } from "../analytics/url-state";
import { exportQuerySchema, queryFromSearchParams } from "../exports/params";
import { dayKeyParam, dayOrUnixSecondsParam, MAX_UNIX_SECONDS, MIN_UNIX_SECONDS } from "./query";

const sp = (q: string) => new URLSearchParams(q);

function zodField(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ZodError);
    return (e as ZodError).issues[0]!.path.join(".");
  }
  throw new Error("expected a ZodError");
}

describe("dayKeyParam / dayOrUnixSecondsParam", () => {
  it("takes real calendar days only", () => {
    for (const ok of ["2026-02-28", "2028-02-29", "2026-12-31"])
      expect(dayKeyParam.safeParse(ok).success, ok).toBe(true);
    for (const bad of [
      "2026-02-31",
      "2026-02-29",
      "2026-13-01",
      "x",
      "",
      "2026-1-1",
      "1e10000000",
      "2026-02-28x",
      " 2026-02-28",
    ])
      expect(dayKeyParam.safeParse(bad).success, bad).toBe(false);
  });
  it("unix seconds within 2000..2100, never a date arithmetic blows up on", () => {
    expect(dayOrUnixSecondsParam.parse(String(MIN_UNIX_SECONDS))).toBe("2000-01-01");
    expect(dayOrUnixSecondsParam.parse(String(MAX_UNIX_SECONDS))).toBe("2100-01-01");
    expect(dayOrUnixSecondsParam.parse("2026-03-01")).toBe("2026-03-01");
    for (const bad of [
      "253402300800",
      "999999999999",
      String(MIN_UNIX_SECONDS - 1),
      "0",
      "-1",
      "1e10000000",
      "1.5",
      "2026-02-31",
      "x",
    ])
      expect(dayOrUnixSecondsParam.safeParse(bad).success, bad).toBe(false);
  });
});

describe("analytics range in a query string", () => {
  it("the APIs refuse a non-date, naming the field, before any arithmetic (no RangeError)", () => {
    expect(zodField(() => parseAnalyticsQuery(sp("range=custom&from=2026-12-01&to=x")))).toBe("to");
    expect(zodField(() => parseAnalyticsQuery(sp("range=custom&from=x&to=2026-12-01")))).toBe(
      "from",
    );
    expect(
      zodField(() => parseAnalyticsQuery(sp("range=custom&from=2026-02-31&to=2026-03-01"))),
    ).toBe("from");
    expect(zodField(() => parseAnalyticsQuery(sp("range=custom&from=x&to=y")))).toBe("from");
    expect(zodField(() => parseAnalyticsQuery(sp("range=custom&from=2026-12-01")))).toBe("to");
    expect(zodField(() => parseAnalyticsQuery(sp("from=1e10000000")))).toBe("from");
    expect(zodField(() => parseAnalyticsQuery(sp("range=forever")))).toBe("range");
    expect(
      zodField(() => parseAnalyticsQuery(sp("range=custom&from=2026-03-02&to=2026-03-01"))),
    ).toBe("from");
    expect(
      zodField(() => parseAnalyticsQuery(sp("range=custom&from=2020-01-01&to=2026-03-01"))),
    ).toBe("to");
    expect(parseAnalyticsQuery(sp("range=custom&from=2026-03-01&to=2026-03-31")).spec).toEqual({
      range: "custom",
      from: "2026-03-01",
      to: "2026-03-31",
    });
  });
  it("pages fall back to the default range and say why", () => {
    const s = parseAnalyticsSearch(sp("range=custom&from=2026-12-01&to=x"));
    expect(s.spec).toEqual({ range: "period" });
    expect(s.rangeProblem).toMatch(/^to: must be a real date/);
    expect(parseAnalyticsSearch(sp("range=30d")).rangeProblem).toBeUndefined();
  });
  it("the schema's cross-field checks never run date math on a bad day", () => {
    expect(() =>
      rangeSpecSchema.safeParse({ range: "custom", from: "2026-12-01", to: "x" }),
    ).not.toThrow();
  });
});

describe("export query", () => {
  it("refuses non-dates and impossible days by field (no RangeError)", () => {
    expect(zodField(() => queryFromSearchParams(sp("period=custom&start=x&end=y")))).toBe("start");
    expect(zodField(() => queryFromSearchParams(sp("period=custom&start=2026-01-01&end=x")))).toBe(
      "end",
    );
    expect(
      zodField(() => queryFromSearchParams(sp("period=custom&start=2026-02-31&end=2026-03-01"))),
    ).toBe("start");
    expect(zodField(() => queryFromSearchParams(sp("start=1e10000000")))).toBe("start");
    expect(zodField(() => queryFromSearchParams(sp("period=custom&start=2026-01-01")))).toBe("end");
    expect(
      exportQuerySchema.parse({ period: "custom", start: "2026-01-01", end: "2026-01-31" }).start,
    ).toBe("2026-01-01");
  });
});
