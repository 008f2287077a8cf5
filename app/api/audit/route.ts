import { z } from "zod";

import { listAuditEvents } from "@/lib/audit/audit-log";
import { json, sessionRoute } from "@/lib/auth/guards";
import { db } from "@/lib/server/db";

const query = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  // ids are 32-bit on PostgreSQL: a larger cursor is refused here, not by the database
  before: z.coerce.number().int().positive().max(2_147_483_647).optional(),
});

export const GET = sessionRoute(["audit:read"], async (req, { actor }) => {
  const q = query.parse(Object.fromEntries(new URL(req.url).searchParams));
  return json({ data: await listAuditEvents(db(), { workspaceId: actor.workspaceId, ...q }) });
});
