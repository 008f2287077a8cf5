"use client";

import { useRouter } from "next/navigation";
import { useId, useState } from "react";

import { failure, OutcomeMessage, type Outcome } from "@/components/ui/outcome-message";
import { fetchJson } from "@/lib/client/fetch-json";

/** What the server takes at most (lib/connections/file-upload.ts MAX_UPLOAD_CHARS). */
const MAX_BYTES = 5_000_000;

interface UploadResult {
  rows: number;
  days: { from: string; to: string; count: number };
  inserted: number;
  updated: number;
  unchanged: number;
  removed: number;
}

/**
 * Upload a usage file into a File import connection (Allotment CSV/JSONL or FOCUS 1.2 CSV).
 * The server checks every row before it writes any: a bad file names its row and column.
 */
export function FileUpload({ connectionId, name }: { connectionId: string; name: string }) {
  const router = useRouter();
  const inputId = useId();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Outcome | null>(null);

  const upload = async (file: File) => {
    setResult(null);
    if (file.size > MAX_BYTES)
      return setResult({ ok: false, text: `${file.name} is larger than 5 MB: split it by month` });
    setBusy(true);
    try {
      const r = await fetchJson<UploadResult>(
        `/api/connections/${encodeURIComponent(connectionId)}/import`,
        { method: "POST", body: JSON.stringify({ fileName: file.name, text: await file.text() }) },
      );
      setResult({
        ok: true,
        text: `Imported ${file.name}: ${r.rows} row(s) over ${r.days.count} day(s), ${r.days.from} → ${r.days.to} (${r.inserted} new, ${r.updated} changed, ${r.unchanged} unchanged, ${r.removed} removed)`,
      });
      router.refresh();
    } catch (e) {
      setResult(failure(e, "Upload failed"));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="mt-3 rounded-lg bg-slate-50 p-3 text-xs" data-testid="file-upload">
      <label htmlFor={inputId} className="font-medium text-slate-700">
        Upload a usage file to {name}
      </label>
      <p className="mt-0.5 text-slate-500">
        Allotment CSV/JSONL (day, provider, product, cost_usd or tokens, …) or FOCUS 1.2 CSV, at
        most 5 MB. Days in the file replace what was imported for them before.
      </p>
      <input
        id={inputId}
        type="file"
        accept=".csv,.jsonl,.json,text/csv"
        disabled={busy}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (file) void upload(file);
        }}
        className="mt-2 block text-xs file:mr-3 file:rounded file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-xs file:font-medium"
      />
      {busy && <p className="mt-2 text-slate-600">Importing…</p>}
      <OutcomeMessage outcome={result} testId="upload-result" className="mt-2" />
    </div>
  );
}
