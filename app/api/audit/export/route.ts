import { writeAudit } from "@/lib/audit/audit";
import { auditExportQuerySchema, auditRowsFor } from "@/lib/audit/audit-view";
import { auditActor } from "@/lib/auth/actor";
import { sessionRoute } from "@/lib/auth/guards";
import { csvText, Instant } from "@/lib/exports/csv";
import { csvResponse } from "@/lib/exports/csv-response";
import { searchObject } from "@/lib/http/query";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const dynamic = "force-dynamic";

const HEADER = [
  "time",
  "actor",
  "actor_name",
  "action",
  "object_type",
  "object_id",
  "object",
  "what_happened",
];

/** The Audit page's filters as CSV (text cells neutralised against formulas by lib/exports/csv.ts); the export is itself audited. */
export const GET = sessionRoute(["audit:read"], async (req, { actor }) => {
  const filters = auditExportQuerySchema.parse(searchObject(new URL(req.url).searchParams));
  const at = now();
  const fileName = `audit-${at.toISOString().slice(0, 10)}.csv`;
  // the filters as query text: an id inside it is no JSON string of its own, so this event is not in that object's history
  const query = new URLSearchParams(
    Object.entries(filters).filter((e): e is [string, string] => typeof e[1] === "string"),
  ).toString();
  await db().$transaction((tx) =>
    writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "export.audit",
      targetType: "export",
      targetId: fileName,
      after: { filters: query },
    }),
  );
  const rows = auditRowsFor(db(), { workspaceId: actor.workspaceId, ...filters });
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvText([HEADER])));
    },
    async pull(controller) {
      const next = await rows.next();
      if (next.done) return controller.close();
      controller.enqueue(
        encoder.encode(
          csvText(
            next.value.map((r) => [
              new Instant(new Date(r.at)),
              r.actor,
              r.actorName,
              r.action,
              r.targetType,
              r.targetId,
              r.targetLabel,
              r.summary,
            ]),
          ),
        ),
      );
    },
  });
  return csvResponse(stream, fileName);
});
