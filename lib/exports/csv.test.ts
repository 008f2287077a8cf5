import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvStream, csvText, Decimal6, Instant, neutralizeCell } from "./csv";

describe("csv writer", () => {
  it("neutralises every formula-starting character and leaves other text alone", () => {
    for (const bad of ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx"]) expect(neutralizeCell(bad)).toBe(`'${bad}`);
    for (const ok of ["Alice", "CC-1000", "2026-01-01", "", " =x"]) expect(neutralizeCell(ok)).toBe(ok);
  });

  it("writes RFC 4180 with CRLF, quotes, plain decimals and ISO instants", () => {
    const text = csvText([
      ["a,b", 'say "hi"', "line\nbreak", new Decimal6(-1234567n), 12345678901234567890n, new Instant(new Date("2026-03-01T00:00:00.000Z")), null, "=1+1"],
    ]);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text).toContain('"a,b","say ""hi""","line\nbreak",-1.234567,12345678901234567890,2026-03-01T00:00:00Z,,\'=1+1');
    const [row] = parse(text) as string[][];
    expect(row).toEqual(["a,b", 'say "hi"', "line\nbreak", "-1.234567", "12345678901234567890", "2026-03-01T00:00:00Z", "", "'=1+1"]);
    // numbers are never neutralised: a negative credit stays a number
    expect(csvText([[new Decimal6(-5n)]])).toBe("-0.000005\r\n");
  });

  it("streams a header and chunks as UTF-8", async () => {
    async function* chunks() {
      yield [["Zoë", 1n]];
      yield [];
      yield [["日本", 2n]];
    }
    const text = await new Response(csvStream(["name", "n"], chunks())).text();
    expect(text).toBe("name,n\r\nZoë,1\r\n日本,2\r\n");
  });
});

describe("csv writer round trip", () => {
  it("parses back to the same text cells for any strings (neutralised ones get their quote)", async () => {
    const fc = await import("fast-check");
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ unit: "binary" }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const width = rows[0]!.length;
        const table = rows.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? ""));
        const back = parse(csvText(table), { relax_column_count: false }) as string[][];
        expect(back).toEqual(table.map((r) => r.map(neutralizeCell)));
      }),
      { numRuns: 300 },
    );
  });
});
