import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";

import { microsToDecimal } from "../core/money";
import {
  BlockWriter,
  csvStream,
  csvText,
  Decimal6,
  Instant,
  intField,
  microsField,
  neutralizeCell,
  PUT_FIELD_MAX,
  putIntField,
  putMicrosField,
  textField,
  type IntValue,
} from "./csv";

/** property tests: every fc.assert states its runs; this bound holds on a busy 2-core machine */
const PROPERTY_TIMEOUT_MS = 60_000;

describe("csv writer", () => {
  it("neutralises every formula-starting character and leaves other text alone", () => {
    for (const bad of ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
      expect(neutralizeCell(bad)).toBe(`'${bad}`);
    for (const ok of ["Alice", "CC-1000", "2026-01-01", "", " =x"])
      expect(neutralizeCell(ok)).toBe(ok);
  });

  it("writes RFC 4180 with CRLF, quotes, plain decimals and ISO instants", () => {
    const text = csvText([
      [
        "a,b",
        'say "hi"',
        "line\nbreak",
        new Decimal6(-1234567n),
        12345678901234567890n,
        new Instant(new Date("2026-03-01T00:00:00.000Z")),
        null,
        "=1+1",
      ],
    ]);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text).toContain(
      '"a,b","say ""hi""","line\nbreak",-1.234567,12345678901234567890,2026-03-01T00:00:00Z,,\'=1+1',
    );
    const [row] = parse(text) as string[][];
    expect(row).toEqual([
      "a,b",
      'say "hi"',
      "line\nbreak",
      "-1.234567",
      "12345678901234567890",
      "2026-03-01T00:00:00Z",
      "",
      "'=1+1",
    ]);
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
  it(
    "parses back to the same text cells for any strings (neutralised ones get their quote)",
    async () => {
      const fc = await import("fast-check");
      fc.assert(
        fc.property(
          fc.array(fc.array(fc.string({ unit: "binary" }), { minLength: 1, maxLength: 6 }), {
            minLength: 1,
            maxLength: 5,
          }),
          (rows) => {
            const width = rows[0]!.length;
            const table = rows.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? ""));
            const back = parse(csvText(table), { relax_column_count: false }) as string[][];
            expect(back).toEqual(table.map((r) => r.map(neutralizeCell)));
          },
        ),
        { numRuns: 300 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe("text-level cells (database JSON chunks)", () => {
  it("writes micro-units exactly from safe numbers, big decimal text and bigints, as microsToDecimal does", () => {
    const cases: bigint[] = [
      0n,
      1n,
      -1n,
      999_999n,
      1_000_000n,
      -1_000_001n,
      123_456_789n,
      9_007_199_254_740_991n,
      -9_007_199_254_740_991n,
      9_007_199_254_740_993n,
      12_345_678_901_234_567_890n,
    ];
    for (const c of cases) {
      const expected = microsToDecimal(c);
      expect(microsField(c)).toBe(expected);
      expect(microsField(c.toString())).toBe(expected);
      if (c >= -9_007_199_254_740_991n && c <= 9_007_199_254_740_991n)
        expect(microsField(Number(c))).toBe(expected);
    }
    expect(intField("12345678901234567890")).toBe("12345678901234567890");
    expect(intField(42)).toBe("42");
    expect(() => microsField(2 ** 60)).toThrow(RangeError);
    expect(() => intField("1.5")).toThrow(RangeError);
    expect(() => microsField(0.5)).toThrow(RangeError);
  });

  it(
    "putIntField and putMicrosField write the bytes of intField and microsField, in place",
    async () => {
      const fc = await import("fast-check");
      const buf = new Uint8Array(8 + PUT_FIELD_MAX);
      const same = (v: IntValue) => {
        for (const [put, text] of [
          [putIntField, intField],
          [putMicrosField, microsField],
        ] as const) {
          buf.fill(0x7e);
          const end = put(buf, 3, v);
          expect(Buffer.from(buf.subarray(3, end)).toString("latin1"), String(v)).toBe(text(v));
          expect(buf[2]).toBe(0x7e); // nothing written outside
          expect(buf[end]).toBe(0x7e);
        }
      };
      const safe = 9_007_199_254_740_991;
      for (const n of [0, -0, 1, -1, 9, 10, 99, 100, 999_999, 1_000_000, -1_000_001, safe, -safe])
        same(n);
      // around the integer-division fast path's end and the 8-digit split above it
      for (const base of [2 ** 31, 1e8, 1e14, 2 ** 52, 1e15])
        for (let d = -3; d <= 3; d++) {
          same(base + d);
          same(-(base + d));
        }
      // every digit count, either side of each power of ten (the digit counter's branches)
      for (let k = 0, p = 1; k <= 15; k++, p *= 10)
        for (const n of [p - 1, p, p + 1, 2 * p - 1, 5 * p]) {
          same(n);
          same(-n);
        }
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 15 }),
          fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          (k, r) => same((r % 10 ** Math.min(k, 9)) * (k > 9 ? 10 ** (k - 9) : 1) + (r % 7)),
        ),
        { numRuns: 2000 },
      );
      for (const b of [-(2n ** 63n), 2n ** 63n - 1n, 9_007_199_254_740_993n]) {
        same(b);
        same(b.toString());
      }
      fc.assert(
        fc.property(fc.integer({ min: -safe, max: safe }), (n) => same(n)),
        { numRuns: 2000 },
      );
      fc.assert(
        fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (b) =>
          same(b.toString()),
        ),
        { numRuns: 500 },
      );
      // the same refusals as the text writers
      expect(() => putMicrosField(buf, 0, 2 ** 60)).toThrow(RangeError);
      expect(() => putIntField(buf, 0, 0.5)).toThrow(RangeError);
      expect(() => putIntField(buf, 0, "1".repeat(PUT_FIELD_MAX + 1))).toThrow(RangeError);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it("textField neutralises and quotes like the cell writer", () => {
    for (const t of ["=1+1", "a,b", 'say "hi"', " x", "plain", "@x", ""])
      expect(textField(t)).toBe(csvText([[t]]).slice(0, -2));
  });

  it("BlockWriter hands out full blocks and keeps records whole across them", () => {
    const out = new BlockWriter(16);
    const records = ["Zoë,1\r\n", "日本,2\r\n", "a".repeat(40) + "\r\n", "z\r\n"];
    const blocks: Uint8Array[] = [];
    for (const r of records) {
      const full = out.write(r);
      if (full) blocks.push(full);
    }
    const rest = out.flush();
    if (rest) blocks.push(rest);
    expect(blocks.length).toBeGreaterThan(1);
    // every block ends at a record boundary
    for (const b of blocks) expect(Buffer.from(b).toString("utf8").endsWith("\r\n")).toBe(true);
    expect(Buffer.concat(blocks).toString("utf8")).toBe(records.join(""));
    expect(out.flush()).toBeNull();
  });
});
