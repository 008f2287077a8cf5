import { z } from "zod";

import { auditActor } from "@/lib/auth/actor";
import { json, sessionRoute } from "@/lib/auth/guards";
import { syncConnection } from "@/lib/connections/connections";
import { InvalidInputError } from "@/lib/core/errors";
import { dayKeySchema } from "@/lib/core/period";
import { readJsonBody } from "@/lib/http/read-json";
import { SyncBusyError } from "@/lib/ingest/sync";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

const params = z.object({ id: z.string().min(1).max(64) });
const body = z.object({
  since: dayKeySchema().optional(),
});

/** Starts a sync in the background (body `{}` or `{since}`); the screen polls the run's progress. */
export const POST = sessionRoute(["connections:manage"], async (req, ctx) => {
  const { id } = params.parse(ctx.params);
  const data = await readJsonBody(req, body);
  const run = syncConnection(db(), ctx.actor.workspaceId, id, {
    since: data.since,
    now: now(),
    trigger: "manual",
    actor: auditActor(ctx.actor),
  });
  // a busy or misconfigured connection fails at once: report that; otherwise let it run
  const early = await Promise.race([
    run.then(
      () => null,
      (e: unknown) => e,
    ),
    new Promise((resolve) => setTimeout(() => resolve(null), 400)),
  ]);
  if (early instanceof SyncBusyError) throw new InvalidInputError(early.message);
  if (early instanceof Error) throw new InvalidInputError(early.message);
  run.catch((e: unknown) =>
    console.error("[sync] failed to start:", e instanceof Error ? e.message : "unknown"),
  );
  return json({ started: true }, { status: 202 });
});
