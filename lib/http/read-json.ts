/**
 * The one reader for HTTP request bodies (route handlers, session or bearer). Framework-free:
 * a web Request in, the schema's output or a thrown error out — HttpInputError (415 wrong
 * Content-Type, 413 too large, 400 unreadable/malformed) or ZodError (400 naming the field),
 * both mapped by errorAnswer in lib/auth/guards.ts. A body that could not be read is never
 * replaced by `{}` or defaults: a truncated approval must not approve the full amount.
 */
import type { z } from "zod";

import { HttpInputError } from "../core/errors";

/** Sane upper bound for a JSON request body; every request this app takes is far smaller. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

const REASON_MAX = 120;

function short(text: string, max = REASON_MAX): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** Whether a Content-Type header is JSON: `application/json`, optionally `; charset=utf-8`. */
export function isJsonContentType(contentType: string | null | undefined): boolean {
  if (!contentType) return false;
  const [type, ...params] = contentType.split(";").map((s) => s.trim().toLowerCase());
  if (type !== "application/json") return false;
  return params.every((p) => {
    if (p === "") return true;
    const eq = p.indexOf("=");
    if (eq < 0) return false;
    const key = p.slice(0, eq).trim();
    const value = p
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1");
    return key === "charset" && (value === "utf-8" || value === "utf8");
  });
}

/** 415 unless the request says its body is JSON (UTF-8). */
export function requireJsonContentType(contentType: string | null | undefined): void {
  if (isJsonContentType(contentType)) return;
  if (!contentType)
    throw new HttpInputError(
      415,
      "Missing Content-Type: send the body as JSON with Content-Type: application/json",
    );
  throw new HttpInputError(
    415,
    `Unsupported Content-Type "${short(contentType, 60)}": send the body as JSON with Content-Type: application/json`,
  );
}

/** The raw body, at most maxBytes (413 beyond: by Content-Length up front, or while reading). */
export async function readBodyBytes(
  req: Request,
  maxBytes = MAX_JSON_BODY_BYTES,
): Promise<Uint8Array> {
  const tooLarge = () =>
    new HttpInputError(413, `Request body too large: at most ${maxBytes} bytes`);
  const declared = req.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared.trim()) > maxBytes)
    throw tooLarge();
  if (!req.body) return new Uint8Array(0);
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = req.body.getReader();
  } catch {
    throw new HttpInputError(400, "Malformed JSON body: the body could not be read");
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch {
      throw new HttpInputError(
        400,
        "Malformed JSON body: the body could not be read (connection ended early?)",
      );
    }
    if (step.done) break;
    total += step.value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(step.value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Parses JSON text; 400 "Malformed JSON body: <short reason>" for empty or invalid text. */
export function parseJsonText(text: string): unknown {
  if (text.trim() === "") throw new HttpInputError(400, "Malformed JSON body: the body is empty");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpInputError(
      400,
      `Malformed JSON body: ${short(error instanceof Error ? error.message : "not JSON")}`,
    );
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new HttpInputError(400, "Malformed JSON body: not valid UTF-8");
  }
}

/**
 * The request's JSON body, checked by schema: Content-Type application/json (415), at most
 * maxBytes (413), well-formed JSON (400), then schema.parse (ZodError → 400 naming the field).
 */
export async function readJsonBody<S extends z.ZodType>(
  req: Request,
  schema: S,
  opts: { maxBytes?: number } = {},
): Promise<z.output<S>> {
  requireJsonContentType(req.headers.get("content-type"));
  const value = parseJsonText(
    decodeUtf8(await readBodyBytes(req, opts.maxBytes ?? MAX_JSON_BODY_BYTES)),
  );
  return schema.parse(value);
}

/**
 * For state-changing routes that take no body (delete, "check now", "send test"): a request
 * that carries one anyway is refused (415 when it is not JSON, 400 otherwise), so a malformed
 * or mistyped call never runs as if it were a plain click.
 */
export async function readNoBody(req: Request): Promise<void> {
  const bytes = await readBodyBytes(req, 1024);
  if (decodeUtf8(bytes).trim() === "") return;
  requireJsonContentType(req.headers.get("content-type"));
  throw new HttpInputError(400, "This endpoint takes no request body");
}

/**
 * The wrappers' first line for state-changing requests: a Content-Type that is present and
 * not JSON (a form post, text/plain) is refused with 415 before anything else runs, whether
 * or not the route reads a body.
 */
export function requireJsonIfTyped(method: string, contentType: string | null | undefined): void {
  if (["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase())) return;
  if (contentType === null || contentType === undefined || contentType.trim() === "") return;
  requireJsonContentType(contentType);
}
