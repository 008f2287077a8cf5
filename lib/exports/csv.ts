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
import { microsToDecimal } from "../money";

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
 * Collects formatted records as UTF-8 bytes. Each record is encoded as soon as it is
 * written, so its pieces die young: a chunk built as one long string keeps a million
 * string fragments alive until it is encoded, and garbage collection then dominates.
 */
export class RecordBytes {
  private buf: Buffer;
  private off = 0;
  private readonly full: Uint8Array[] = [];

  constructor(private readonly blockSize = 1 << 20) {
    this.buf = Buffer.allocUnsafe(blockSize);
  }

  write(text: string): void {
    const max = text.length * 3; // UTF-8 bytes per UTF-16 unit, at most
    if (this.off + max > this.buf.length) {
      if (this.off) this.full.push(this.buf.subarray(0, this.off));
      this.buf = Buffer.allocUnsafe(Math.max(this.blockSize, max));
      this.off = 0;
    }
    this.off += this.buf.write(text, this.off, "utf8");
  }

  /** The bytes written since the last take, as one or more blocks. */
  take(): Uint8Array[] {
    const out = this.full.splice(0);
    if (this.off) out.push(this.buf.subarray(0, this.off));
    this.buf = Buffer.allocUnsafe(this.blockSize);
    this.off = 0;
    return out;
  }
}

/**
 * A byte stream of a header row followed by CSV chunks the source formatted itself
 * (whole CRLF-terminated records built with textField/intField/microsField), as text or
 * as UTF-8 blocks (RecordBytes). Pull-based like csvStream.
 */
export function csvTextStream(header: readonly string[], source: AsyncIterable<string | Uint8Array[]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = source[Symbol.asyncIterator]();
  let headerSent = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (!headerSent) {
            headerSent = true;
            controller.enqueue(encoder.encode(csvText([header])));
            return;
          }
          for (;;) {
            const next = await iterator.next();
            if (next.done) {
              controller.close();
              return;
            }
            const value = next.value;
            if (typeof value === "string" ? value.length : value.some((b) => b.byteLength)) {
              if (typeof value === "string") controller.enqueue(encoder.encode(value));
              else for (const block of value) if (block.byteLength) controller.enqueue(block);
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
export function csvStream(header: readonly string[], source: AsyncIterable<readonly (readonly CsvCell[])[]>): ReadableStream<Uint8Array> {
  async function* text() {
    for await (const rows of source) yield csvText(rows);
  }
  return csvTextStream(header, text());
}
