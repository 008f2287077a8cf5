import { sessionRoute } from "@/lib/auth/guards";
import { csvResponse } from "@/lib/exports/csv-response";
import { startChargebackExport } from "@/lib/exports/export-chargeback";
import { queryFromSearchParams } from "@/lib/exports/params";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const dynamic = "force-dynamic";

export const GET = sessionRoute(["exports:create"], async (req, { actor }) => {
  const query = queryFromSearchParams(new URL(req.url).searchParams);
  const { stream, fileName } = await startChargebackExport(db(), actor, query, now());
  return csvResponse(stream, fileName);
});
