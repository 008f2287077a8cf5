import { z } from "zod";

import { json, sessionRoute } from "@/lib/auth/guards";
import { searchObject } from "@/lib/http/query";
import { getLimitTarget } from "@/lib/limits/limits-screen";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

const id = z.string().trim().min(1).max(64);
// exactly one of the two: the member or the group whose limit the inline editor opens
const query = z.union([z.object({ memberId: id }).strict(), z.object({ groupId: id }).strict()]);

// the inline editor's read: people who may change limits (writes: /api/limits/policies)
export const GET = sessionRoute(["limits:write"], async (req, { actor }) => {
  const parsed = query.safeParse(searchObject(new URL(req.url).searchParams));
  if (!parsed.success)
    return json(
      { error: "Give exactly one of memberId or groupId", field: "memberId" },
      { status: 400 },
    );
  return json(await getLimitTarget(db(), actor, parsed.data, now()));
});
