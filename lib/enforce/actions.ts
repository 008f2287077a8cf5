/** The owner's enforcement actions, as one validated union (the route stays thin). */
import "server-only";
import { z } from "zod";
import { auditActor, type Actor } from "../auth/actor";
import type { Db } from "../db";
import { importChatgpt } from "./chatgpt-import";
import { connectInputSchema, connectVendor, setPaused, updateConnectorSettings } from "./connectors";
import { adoptVendorValue, reapplyMember, refreshDrift } from "./drift";
import { applyPlan, buildPlan } from "./plan";
import { drainQueue } from "./queue";
import { runEnforcementTick } from "./tick";

/** ids from the screen: bounded like every other id in a request (issue 15) */
const id = z.string().min(1).max(64);

export const enforcementActionSchema = z.discriminatedUnion("op", [
  z.object({ op: z.literal("connect"), input: connectInputSchema }),
  z.object({ op: z.literal("settings"), connectorId: id, enabled: z.boolean().optional(), readOnly: z.boolean().optional() }),
  z.object({ op: z.literal("pause"), paused: z.boolean() }),
  z.object({ op: z.literal("plan"), connectorId: id }),
  z.object({ op: z.literal("apply"), planId: id }),
  z.object({ op: z.literal("run") }),
  z.object({ op: z.literal("drift") }),
  z.object({ op: z.literal("reapply"), connectorId: id, memberId: id }),
  z.object({ op: z.literal("adopt"), connectorId: id, memberId: id }),
  z.object({ op: z.literal("import"), connectorId: id }),
]);
export type EnforcementAction = z.infer<typeof enforcementActionSchema>;

export async function runEnforcementAction(db: Db, actor: Actor, a: EnforcementAction, now: Date): Promise<{ message: string }> {
  const ws = actor.workspaceId;
  const who = auditActor(actor);
  switch (a.op) {
    case "connect":
      await connectVendor(db, ws, who, a.input);
      return { message: "Connected. The connector is off until you switch it on." };
    case "settings":
      await updateConnectorSettings(db, ws, who, a.connectorId, { enabled: a.enabled, readOnly: a.readOnly });
      return { message: "Saved." };
    case "pause":
      await setPaused(db, ws, who, a.paused);
      return { message: a.paused ? "Enforcement paused: nothing will be written to any vendor." : "Enforcement resumed." };
    case "plan": {
      const p = await buildPlan(db, ws, a.connectorId, who, now);
      return { message: `Plan ready: ${p.changes} change(s).` };
    }
    case "apply": {
      const r = await applyPlan(db, ws, a.planId, who, now);
      const d = await drainQueue(db, { workspaceId: ws, budgetMs: 20_000 });
      return { message: `Queued ${r.enqueued} change(s): ${d.succeeded} written, ${d.skipped} already in place, ${d.failed} failed, ${d.retried} waiting to retry.` };
    }
    case "run": {
      const t = await runEnforcementTick(db, ws, { budgetMs: 20_000 });
      return { message: `Imported ${t.imported} request(s), queued ${t.pushes} decision(s) and ${t.reverts} revert(s); ${t.drained.succeeded} written, ${t.drained.failed} failed.${t.errors.length ? ` Errors: ${t.errors.join("; ")}` : ""}` };
    }
    case "drift": {
      const rows = await refreshDrift(db, ws, now);
      return { message: rows.length ? `${rows.length} member(s) differ from Allotment.` : "The vendors agree with Allotment." };
    }
    case "reapply": {
      const queued = await reapplyMember(db, ws, who, a.connectorId, a.memberId, now);
      if (queued) await drainQueue(db, { workspaceId: ws, budgetMs: 10_000 });
      return { message: queued ? "Re-applied." : "Nothing to re-apply: the vendor already matches." };
    }
    case "adopt":
      await adoptVendorValue(db, actor, a.connectorId, a.memberId);
      return { message: "The vendor's value is now an Allotment override." };
    case "import": {
      const r = await importChatgpt(db, ws, a.connectorId, who, now);
      if (r.status !== "SUCCEEDED") return { message: `Import failed: ${r.error}` };
      return { message: `Imported ${r.rowsRead} usage row(s) over ${r.pages} day(s), with the roster and groups.` };
    }
  }
}
