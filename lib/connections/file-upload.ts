import "server-only";

/**
 * A usage file uploaded in the browser to a "file" connection (the same import the CLI's
 * `sync --file` runs): Allotment CSV/JSONL or FOCUS 1.2 CSV. The whole file is validated
 * first — a bad row answers 400 naming the row and the column, and nothing is written — then
 * imported as one sync run over the days it states (re-importing a corrected file replaces
 * those days).
 */
import { z } from "zod";

import type { AuditActor } from "../audit/audit";
import { InvalidInputError } from "../core/errors";
import { FileFormatError, parseUsageFile } from "../ingest/adapters/file";
import { SyncBusyError } from "../ingest/sync";
import { loadRateCard } from "../ratecard/load-rate-card";
import type { Db } from "../server/db";
import { getConnection, syncConnection } from "./connections";

/** Most text one upload may carry: far above a month of a large company's daily rows. */
export const MAX_UPLOAD_CHARS = 5_000_000;
/** The JSON body around it (escaping newlines and quotes grows the text). */
export const MAX_UPLOAD_BODY_BYTES = 12 * 1024 * 1024;

export const uploadSchema = z.object({
  fileName: z
    .string()
    .trim()
    .min(1, "The file has no name")
    .max(200)
    .refine((n) => /\.(csv|jsonl?|txt)$/i.test(n), "Upload a .csv, .jsonl or .json file"),
  text: z
    .string()
    .max(MAX_UPLOAD_CHARS, `The file is larger than ${MAX_UPLOAD_CHARS / 1_000_000} MB`)
    .refine((t) => t.trim() !== "", "The file is empty"),
});
export type UploadInput = z.infer<typeof uploadSchema>;

export interface UploadResult {
  runId: string;
  rows: number;
  days: { from: string; to: string; count: number };
  inserted: number;
  updated: number;
  unchanged: number;
  removed: number;
  warnings: string[];
}

export async function importUploadedFile(
  db: Db,
  workspaceId: string,
  connectionId: string,
  input: UploadInput,
  opts: { actor: AuditActor; now: Date },
): Promise<UploadResult> {
  const c = await getConnection(db, workspaceId, connectionId);
  if (c.kind !== "file")
    throw new InvalidInputError(
      `"${c.name}" reads from its provider: files are imported into a File import connection`,
      "file",
    );
  if (!c.enabled) throw new InvalidInputError(`"${c.name}" is disabled: enable it first`, "file");
  let days: string[];
  try {
    const rows = parseUsageFile(input.fileName, input.text, await loadRateCard(db, workspaceId));
    days = [...new Set(rows.map((r) => r.day))].sort();
  } catch (error) {
    if (error instanceof FileFormatError) throw new InvalidInputError(error.message, "file");
    throw error;
  }
  if (days.length === 0) throw new InvalidInputError(`${input.fileName}: no usage rows`, "file");
  const from = days[0]!;
  const to = days.at(-1)!;
  let result;
  try {
    result = await syncConnection(db, workspaceId, c.id, {
      since: from,
      until: to,
      now: opts.now,
      trigger: "upload",
      actor: opts.actor,
      file: { name: input.fileName, text: input.text },
    });
  } catch (error) {
    if (error instanceof SyncBusyError) throw new InvalidInputError(error.message, "file");
    throw error;
  }
  if (result.status !== "SUCCEEDED")
    throw new InvalidInputError(result.error ?? "The import failed", "file");
  return {
    runId: result.runId,
    rows: result.rowsRead,
    days: { from, to, count: days.length },
    inserted: result.rowsInserted,
    updated: result.rowsUpdated,
    unchanged: result.rowsUnchanged,
    removed: result.rowsRemoved,
    warnings: result.warnings.slice(0, 20),
  };
}
