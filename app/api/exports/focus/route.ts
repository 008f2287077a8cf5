import { sessionRoute } from "@/lib/auth/guards";
import { csvResponse } from "@/lib/exports/csv-response";
import { startFocusExport } from "@/lib/exports/export-focus";
import { queryFromSearchParams } from "@/lib/exports/params";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const dynamic = "force-dynamic";

export const GET = sessionRoute(["exports:create"], async (req, { actor }) => {
  const query = queryFromSearchParams(new URL(req.url).searchParams);
  const { stream, fileName } = await startFocusExport(db(), actor, query, now());
  return csvResponse(stream, fileName);
});
