/**
 * The streaming CSV writer every export uses: RFC 4180 (comma, double-quote escaping,
 * CRLF records), UTF-8, machine-readable numbers (plain decimals, never locale or
 * exponent notation), ISO dates, and text cells that a spreadsheet would run as a
 * formula (= + - @ tab CR) neutralised with a leading single quote.
 *
 * Rows arrive in chunks from an async source (keyset-paginated DB reads), so memory stays
 * bounded by one chunk whatever the export size.
 */
import { Buffer } from "node:buffer";

import { microsToDecimal } from "../core/money";

/** A money or credit amount in micro-units, written as a plain 6-place decimal. */
export class Decimal6 {
  constructor(readonly micros: bigint) {}
}

/** A point in time written as YYYY-MM-DDTHH:mm:ssZ (UTC, whole seconds). */
export class Instant {
  constructor(readonly date: Date) {}
}

/**
 * string → text (neutralised), bigint/number → integer or plain number, Decimal6 → money,
 * Instant → ISO date-time, null → empty.
 */
export type CsvCell = string | bigint | number | Decimal6 | Instant | null;

const FORMULA_START = /^[=+\-@\t\r]/;

/** Text that a spreadsheet would evaluate gets a leading quote so it shows as text. */
export function neutralizeCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function cellText(cell: CsvCell): string {
  if (cell === null) return "";
  if (typeof cell === "string") return neutralizeCell(cell);
  if (typeof cell === "bigint") return cell.toString();
  if (typeof cell === "number") {
    if (!Number.isFinite(cell)) throw new RangeError("CSV numbers must be finite");
    // integers only reach here (counts); toString never uses exponents below 1e21
    return Number.isInteger(cell) ? cell.toString() : String(cell);
  }
  if (cell instanceof Decimal6) return microsToDecimal(cell.micros);
  return isoSeconds(cell.date);
}

// Quote a field when it holds a delimiter, a quote or a line break (RFC 4180 §2.6), or
// leading/trailing spaces some readers would trim.
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

function field(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A text cell ready to join into a record: neutralised, then quoted if needed. */
export function textField(text: string): string {
  return field(neutralizeCell(text));
}

/**
 * An integer as it arrives in a database JSON chunk: a JSON number when it is a safe
 * integer, decimal text beyond ±2^53 (see lib/exports/json-read.ts), or a bigint.
 */
export type IntValue = number | string | bigint;

const INTEGER_TEXT = /^-?\d+$/;

export function toBigIntValue(v: IntValue): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new RangeError(`not an exact integer: ${v}`);
    return BigInt(v);
  }
  if (!INTEGER_TEXT.test(v)) throw new RangeError(`not an integer: ${v}`);
  return BigInt(v);
}

/** An integer cell (counts). */
export function intField(v: IntValue): string {
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new RangeError(`not an exact integer: ${v}`);
    return String(v);
  }
  return toBigIntValue(v).toString();
}

/**
 * Micro-units as a plain 6-place decimal, the same text as microsToDecimal. Safe integers
 * take a float-free fast path: % and the division below are exact below 2^53.
 */
export function microsField(v: IntValue): string {
  if (typeof v !== "number") return microsToDecimal(toBigIntValue(v));
  if (!Number.isSafeInteger(v)) throw new RangeError(`not an exact integer: ${v}`);
  const abs = v < 0 ? -v : v;
  const frac = abs % 1_000_000;
  const whole = (abs - frac) / 1_000_000;
  return `${v < 0 ? "-" : ""}${whole}.${String(frac + 1_000_000).slice(1)}`;
}

/**
 * The most bytes putIntField / putMicrosField write: the text of any 64-bit integer (20
 * digits and a sign) as an integer or a 6-place decimal ("-0." and 6 places at most) fits.
 */
export const PUT_FIELD_MAX = 32;

const INT32_MAX = 0x7fffffff;

/** "00".."99" as bytes: two digits per division. */
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) =>
  i % 2 ? 48 + ((i >> 1) % 10) : 48 + (((i >> 1) / 10) | 0),
);

/**
 * Writes the `width` lowest digits of a non-negative integer up to INT32_MAX at `end - width`,
 * two at a time. Integer division by a constant compiles to a multiply (a float `%` would
 * be a C call per digit).
 */
function putDigitsBefore(buf: Uint8Array, end: number, n: number, width: number): void {
  let i = end;
  const start = end - width;
  while (i - start >= 2) {
    const q = (n / 100) | 0;
    const pair = (n - q * 100) << 1;
    buf[--i] = DIGIT_PAIRS[pair + 1]!;
    buf[--i] = DIGIT_PAIRS[pair]!;
    n = q;
  }
  if (i > start) buf[--i] = 48 + n - ((n / 10) | 0) * 10;
}

/** How many digits a non-negative integer up to INT32_MAX has (comparisons, no division). */
function digitCount(n: number): number {
  if (n < 100_000) return n < 100 ? (n < 10 ? 1 : 2) : n < 1_000 ? 3 : n < 10_000 ? 4 : 5;
  return n < 10_000_000
    ? n < 1_000_000
      ? 6
      : 7
    : n < 100_000_000
      ? 8
      : n < 1_000_000_000
        ? 9
        : 10;
}

/** floor(n / d), exactly, for a non-negative safe integer n and 1 < d < 2^31. */
function quotient(n: number, d: number): number {
  if (n <= INT32_MAX) return (n / d) | 0;
  // the float quotient is at most one off; the remainder is exact (integers below 2^53)
  const q = Math.floor(n / d);
  const r = n - q * d;
  return r < 0 ? q - 1 : r >= d ? q + 1 : q;
}

/** Writes a non-negative safe integer's digits at `off`; returns where they end. */
function putDigits(buf: Uint8Array, off: number, n: number): number {
  if (n > INT32_MAX) {
    const high = quotient(n, 1e8); // below 2^31 for any safe integer
    off = putDigits(buf, off, high);
    putDigitsBefore(buf, off + 8, n - high * 1e8, 8);
    return off + 8;
  }
  const len = digitCount(n);
  putDigitsBefore(buf, off + len, n, len);
  return off + len;
}

function putAscii(buf: Uint8Array, off: number, text: string): number {
  if (text.length > PUT_FIELD_MAX) throw new RangeError(`integer text too long: ${text}`);
  for (let i = 0; i < text.length; i++) buf[off + i] = text.charCodeAt(i);
  return off + text.length;
}

/**
 * intField's text written as bytes at `off` (room for PUT_FIELD_MAX bytes needed); returns
 * where it ends. A safe integer is written digit by digit, without a string.
 */
export function putIntField(buf: Uint8Array, off: number, v: IntValue): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) return putAscii(buf, off, intField(v));
  if (v < 0) {
    buf[off++] = 45; // -
    v = -v;
  }
  return putDigits(buf, off, v);
}

/** microsField's text written as bytes at `off` (room for PUT_FIELD_MAX bytes needed); returns where it ends. */
export function putMicrosField(buf: Uint8Array, off: number, v: IntValue): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v)) return putAscii(buf, off, microsField(v));
  if (v < 0) {
    buf[off++] = 45; // -
    v = -v;
  }
  const whole = quotient(v, 1_000_000);
  const frac = v - whole * 1_000_000;
  off = putDigits(buf, off, whole);
  buf[off] = 46; // .
  putDigitsBefore(buf, off + 7, frac, 6);
  return off + 7;
}

/**
 * RFC 4180 text for some rows (each record ends in CRLF). Hand-written rather than
 * csv-stringify: the rules are these three lines, and it is ~8× faster on wide rows, which
 * decides whether an export streams at 300k rows/s (bench/sections/exports.ts). The unit
 * tests round-trip it through csv-parse.
 */
export function csvText(rows: readonly (readonly CsvCell[])[]): string {
  let out = "";
  for (const row of rows) {
    let line = "";
    for (let i = 0; i < row.length; i++) line += (i ? "," : "") + field(cellText(row[i]!));
    out += line + "\r\n";
  }
  return out;
}

/**
 * Packs formatted records into UTF-8 blocks of about `blockSize` bytes. Each record is
 * encoded as soon as it is written, so its string pieces die young, and a block is handed
 * out as soon as it is full: the consumer gets small blocks early and, being short-lived,
 * they are freed by the young-generation collector instead of piling up as external
 * memory until a full collection (which is what whole-chunk buffers did).
 */
export class BlockWriter {
  private buf: Buffer;
  private off = 0;

  constructor(private readonly blockSize = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(blockSize);
  }

  /** Appends a record; returns the block it completed, if any (records never straddle blocks). */
  write(text: string): Uint8Array | null {
    const max = text.length * 3; // UTF-8 bytes per UTF-16 unit, at most
    if (this.off + max <= this.buf.length) {
      this.off += this.buf.write(text, this.off, "utf8");
      return null;
    }
    const full = this.off ? this.buf.subarray(0, this.off) : null;
    this.buf = Buffer.allocUnsafe(Math.max(this.blockSize, max));
    this.off = this.buf.write(text, 0, "utf8");
    return full;
  }

  /** The bytes written since the last block handed out, or null if none. */
  flush(): Uint8Array | null {
    if (!this.off) return null;
    const rest = this.buf.subarray(0, this.off);
    this.buf = Buffer.allocUnsafe(this.blockSize);
    this.off = 0;
    return rest;
  }
}

/**
 * A byte stream of a header row followed by the UTF-8 blocks the source yields (whole
 * CRLF-terminated records built with textField/intField/microsField, see BlockWriter).
 * Pull-based with a one-block queue: the source is asked for its next block only when the
 * consumer has taken the previous one, so a slow download holds back the database reads
 * instead of buffering the export.
 */
export function csvByteStream(
  header: readonly string[],
  source: AsyncIterable<Uint8Array>,
): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  let headerSent = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (!headerSent) {
            headerSent = true;
            controller.enqueue(new TextEncoder().encode(csvText([header])));
            return;
          }
          for (;;) {
            const next = await iterator.next();
            if (next.done) {
              controller.close();
              return;
            }
            if (next.value.byteLength) {
              controller.enqueue(next.value);
              return;
            }
          }
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 1 },
  );
}

/**
 * A byte stream of a header row followed by every chunk of cells the source yields.
 * Pull-based: the next chunk is read only when the consumer wants more, so a slow
 * download never buffers the whole export.
 */
export function csvStream(
  header: readonly string[],
  source: AsyncIterable<readonly (readonly CsvCell[])[]>,
): ReadableStream<Uint8Array> {
  async function* blocks() {
    const out = new BlockWriter();
    for await (const rows of source) {
      for (const row of rows) {
        const full = out.write(csvText([row]));
        if (full) yield full;
      }
    }
    const rest = out.flush();
    if (rest) yield rest;
  }
  return csvByteStream(header, blocks());
}
