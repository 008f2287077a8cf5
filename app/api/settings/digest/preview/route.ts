import { z } from "zod";

import { json, sessionRoute } from "@/lib/auth/guards";
import { InvalidInputError } from "@/lib/core/errors";
import { previewDigest } from "@/lib/digest/send";
import { appOriginOf } from "@/lib/http/origin";
import { searchObject } from "@/lib/http/query";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";
import { env } from "@/lib/server/env";

const query = z.object({ manager: z.string().min(1).max(64) });

/** One manager's digest as it would be sent now (owner): 404 for someone who manages no group. */
export const GET = sessionRoute(["settings:manage"], async (req, { actor }) => {
  const params = searchObject(new URL(req.url).searchParams);
  const unknown = Object.keys(params).filter((k) => k !== "manager");
  if (unknown.length)
    throw new InvalidInputError(`Unknown query parameter: ${unknown.join(", ")}`, unknown[0]);
  const q = query.parse(params);
  return json(
    await previewDigest(
      db(),
      actor.workspaceId,
      q.manager,
      now(),
      appOriginOf(req, env().NEXTAUTH_URL),
    ),
  );
});
