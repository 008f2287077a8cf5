"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { auditActor } from "@/lib/auth/actor";
import { runAction } from "@/lib/auth/guards";
import { now } from "@/lib/clock";
import {
  createConnection, createConnectionSchema, syncConnection, testConnection, updateConnection, updateConnectionSchema,
} from "@/lib/connections/connections";
import { mapIdentity, mapIdentitySchema } from "@/lib/connections/identity-mapping";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { SyncBusyError } from "@/lib/ingest/sync";
import { InvalidInputError } from "@/lib/errors";
import { addRateCardVersion, rateCardVersionSchema } from "@/lib/ratecard/rate-card-entries";

const PERM = ["connections:manage"] as const;
const idSchema = z.object({ id: z.string().min(1).max(64) });

export async function addConnectionAction(input: unknown) {
  const r = await runAction(PERM, createConnectionSchema, input, (actor, data) => createConnection(db(), actor.workspaceId, data, auditActor(actor)));
  revalidatePath("/connections");
  return r;
}

export async function editConnectionAction(input: unknown) {
  const r = await runAction(PERM, updateConnectionSchema, input, (actor, data) => updateConnection(db(), actor.workspaceId, data, auditActor(actor)));
  revalidatePath("/connections");
  return r;
}

export async function testConnectionAction(input: unknown) {
  return runAction(PERM, idSchema, input, (actor, data) => testConnection(db(), actor.workspaceId, data.id));
}

/** Starts a sync in the background; the screen polls the run's progress. */
export async function syncNowAction(input: unknown) {
  const r = await runAction(PERM, idSchema.extend({ since: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }), input, async (actor, data) => {
    const run = syncConnection(db(), actor.workspaceId, data.id, {
      databaseUrl: env().DATABASE_URL, since: data.since, now: now(), trigger: "manual", actor: auditActor(actor),
    });
    // a busy or misconfigured connection fails at once: report that; otherwise let it run
    const early = await Promise.race([run.then(() => null, (e: unknown) => e), new Promise((resolve) => setTimeout(() => resolve(null), 400))]);
    if (early instanceof SyncBusyError) throw new InvalidInputError(early.message);
    if (early instanceof Error) throw new InvalidInputError(early.message);
    run.catch((e: unknown) => console.error("[sync] failed to start:", e instanceof Error ? e.message : "unknown"));
    return { started: true };
  });
  revalidatePath("/connections");
  return r;
}

export async function mapIdentityAction(input: unknown) {
  const r = await runAction(PERM, mapIdentitySchema, input, (actor, data) =>
    mapIdentity(db(), env().DATABASE_URL, actor.workspaceId, data, auditActor(actor)),
  );
  revalidatePath("/connections");
  return r;
}

export async function addRateCardVersionAction(input: unknown) {
  const r = await runAction(PERM, rateCardVersionSchema, input, (actor, data) => addRateCardVersion(db(), actor.workspaceId, data, auditActor(actor)));
  revalidatePath("/connections");
  return r;
}
