import { json, sessionRoute } from "@/lib/auth/guards";
import { previewChargeback } from "@/lib/exports/export-chargeback";
import { queryFromSearchParams } from "@/lib/exports/params";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const GET = sessionRoute(["exports:create"], async (req, { actor }) => {
  const query = queryFromSearchParams(new URL(req.url).searchParams);
  return json(await previewChargeback(db(), actor, query, now()));
});
