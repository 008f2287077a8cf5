/** The owner's enforcement actions, as one validated union (the route stays thin). */
import "server-only";

import { z } from "zod";

import { auditActor, type Actor } from "../auth/actor";
import { InvalidInputError } from "../core/errors";
import type { Db } from "../server/db";
import { explainVendorError, type VendorContext } from "../vendors/explain-error";
import { SPLIT_RULES } from "./budget-split";
import { importChatgpt } from "./chatgpt-import";
import {
  checkVendorAccess,
  connectInputSchema,
  connectVendor,
  setPaused,
  updateConnectorSettings,
  VENDORS,
} from "./connectors";
import { adoptVendorValue, reapplyMember, refreshDrift } from "./drift";
import { runEnforcementTick } from "./enforcement-tick";
import { importGithub } from "./github-import";
import { mapVendorUser, setSplitRule } from "./mapping";
import { applyPlan, buildPlan } from "./plan";
import { reconcileConnector } from "./reconcile";
import { linkVendorGroup, mirrorChatgptGroups } from "./vendor-groups";
import { acknowledgeJob, drainQueue } from "./vendor-job-queue";

/** ids from the screen: bounded like every other id in a request (issue 15) */
const id = z.string().min(1).max(64);

export const enforcementActionSchema = z.discriminatedUnion("op", [
  z.object({ op: z.literal("connect"), input: connectInputSchema }),
  z.object({
    op: z.literal("settings"),
    connectorId: id,
    enabled: z.boolean().optional(),
    readOnly: z.boolean().optional(),
  }),
  z.object({ op: z.literal("pause"), paused: z.boolean() }),
  z.object({ op: z.literal("plan"), connectorId: id }),
  z.object({ op: z.literal("apply"), planId: id }),
  z.object({ op: z.literal("run") }),
  z.object({ op: z.literal("drift") }),
  z.object({ op: z.literal("reapply"), connectorId: id, memberId: id }),
  z.object({ op: z.literal("adopt"), connectorId: id, memberId: id }),
  z.object({ op: z.literal("import"), connectorId: id }),
  z.object({ op: z.literal("acknowledge"), jobId: id }),
  z.object({
    op: z.literal("link"),
    connectorId: id,
    vendorGroupId: z.string().min(1).max(200),
    groupId: id,
  }),
  z.object({
    op: z.literal("map"),
    connectorId: id,
    vendorUserId: z.string().min(1).max(200),
    memberId: id,
  }),
  z.object({
    op: z.literal("split"),
    rule: z.enum(SPLIT_RULES),
    vendor: z.enum(VENDORS).nullable().default(null),
  }),
]);
export type EnforcementAction = z.infer<typeof enforcementActionSchema>;

/** Reconciles every switched-on connector once and drains; returns how many writes that took. */
async function resplitOthers(db: Db, workspaceId: string, now: Date): Promise<number> {
  let queued = 0;
  for (const c of await db.vendorConnector.findMany({ where: { workspaceId, enabled: true } }))
    queued += (await reconcileConnector(db, c, now)).queued;
  if (!queued) return 0;
  const d = await drainQueue(db, { workspaceId, budgetMs: 20_000 });
  return d.succeeded;
}

/** The connector an action talks to, for explaining a vendor's failure. */
async function contextOf(
  db: Db,
  workspaceId: string,
  a: EnforcementAction,
): Promise<VendorContext | null> {
  if (a.op === "connect")
    return {
      vendor: a.input.vendor,
      baseUrl: a.input.baseUrl ?? "the default base URL",
      vendorWorkspaceId: a.input.vendorWorkspaceId,
    };
  const connectorId =
    "connectorId" in a
      ? a.connectorId
      : a.op === "apply"
        ? (
            await db.vendorPlan.findFirst({
              where: { id: a.planId, workspaceId },
              select: { connectorId: true },
            })
          )?.connectorId
        : undefined;
  const c = connectorId
    ? await db.vendorConnector.findFirst({ where: { id: connectorId, workspaceId } })
    : null;
  return c
    ? { vendor: c.vendor, baseUrl: c.baseUrl, vendorWorkspaceId: c.vendorWorkspaceId }
    : null;
}

export async function runEnforcementAction(
  db: Db,
  actor: Actor,
  a: EnforcementAction,
  now: Date,
): Promise<{ message: string }> {
  try {
    return await run(db, actor, a, now);
  } catch (error) {
    const c = await contextOf(db, actor.workspaceId, a);
    throw c ? explainVendorError(error, c) : error;
  }
}

async function run(
  db: Db,
  actor: Actor,
  a: EnforcementAction,
  now: Date,
): Promise<{ message: string }> {
  const ws = actor.workspaceId;
  const who = auditActor(actor);
  switch (a.op) {
    case "connect": {
      await checkVendorAccess(a.input);
      const row = await connectVendor(db, ws, who, a.input);
      const state = row.enabled
        ? row.readOnly
          ? "It stays on, read-only."
          : "It stays on: writes continue with the new key."
        : "It is off until you switch it on.";
      return { message: `Connected: ${row.name} answered with this key. ${state}` };
    }
    case "settings": {
      const row = await updateConnectorSettings(db, ws, who, a.connectorId, {
        enabled: a.enabled,
        readOnly: a.readOnly,
      });
      return {
        message: `${row.name} is ${row.enabled ? (row.readOnly ? "on, read-only (nothing is written)" : "on: Allotment keeps it at Allotment's limits") : "off: nothing is read or written"}.`,
      };
    }
    case "acknowledge": {
      const done = await acknowledgeJob(db, ws, who, a.jobId, now);
      return {
        message: done
          ? "Acknowledged: Allotment stops retrying this write (the check above still shows anyone a vendor allows too much)."
          : "Nothing to acknowledge: the job is no longer failing.",
      };
    }
    case "map": {
      await mapVendorUser(db, ws, who, a.connectorId, a.vendorUserId, a.memberId);
      return {
        message:
          "Mapped: the vendor user is now this member (also for budget checks by the vendor's user id).",
      };
    }
    case "link": {
      const added = await linkVendorGroup(db, ws, who, a.connectorId, a.vendorGroupId, a.groupId);
      return { message: `Linked: ${added} vendor group member(s) added to the Allotment group.` };
    }
    case "split": {
      await setSplitRule(db, ws, who, a.rule, a.vendor);
      return {
        message: `Budget split across vendors: ${a.rule === "proportional" ? "proportional to recent use" : a.rule === "even" ? "even" : `all remaining budget to ${a.vendor}`}. The next run re-splits and pushes it.`,
      };
    }
    case "pause":
      await setPaused(db, ws, who, a.paused);
      return {
        message: a.paused
          ? "Enforcement paused: nothing will be written to any vendor."
          : "Enforcement resumed.",
      };
    case "plan": {
      const p = await buildPlan(db, ws, a.connectorId, who, now);
      return { message: `Plan ready: ${p.changes} change(s).` };
    }
    case "apply": {
      const r = await applyPlan(db, ws, a.planId, who, now);
      const d = await drainQueue(db, { workspaceId: ws, budgetMs: 20_000 });
      // the budget is one across vendors: what this vendor now allows can move the other vendors' shares
      const others = await resplitOthers(db, ws, now);
      return {
        message: `Queued ${r.enqueued} change(s): ${d.succeeded} written, ${d.skipped} already in place, ${d.failed} failed, ${d.retried} waiting to retry.${others ? ` Re-split across vendors: ${others} more write(s).` : ""}`,
      };
    }
    case "run": {
      const t = await runEnforcementTick(db, ws, { budgetMs: 20_000 });
      return {
        message: `Imported ${t.imported} request(s), queued ${t.pushes} decision(s) and ${t.reverts} revert(s); ${t.drained.succeeded} written, ${t.drained.failed} failed.${t.errors.length ? ` Errors: ${t.errors.join("; ")}` : ""}`,
      };
    }
    case "drift": {
      const rows = await refreshDrift(db, ws, now);
      return {
        message: rows.length
          ? `${rows.length} member(s) differ from Allotment.`
          : "The vendors agree with Allotment.",
      };
    }
    case "reapply": {
      const queued = await reapplyMember(db, ws, who, a.connectorId, a.memberId, now);
      if (queued) await drainQueue(db, { workspaceId: ws, budgetMs: 10_000 });
      return {
        message: queued ? "Re-applied." : "Nothing to re-apply: the vendor already matches.",
      };
    }
    case "adopt":
      await adoptVendorValue(db, actor, a.connectorId, a.memberId);
      return { message: "The vendor's value is now an Allotment override." };
    case "import": {
      const vc = await db.vendorConnector.findFirst({
        where: { id: a.connectorId, workspaceId: ws },
      });
      if (vc?.vendor === "github") {
        const g = await importGithub(db, ws, a.connectorId, who, now);
        if (g.status !== "SUCCEEDED") throw new InvalidInputError(`Import failed: ${g.error}`);
        return {
          message: `Imported ${g.rowsRead} Copilot usage row(s) over ${g.pages} day(s), the seat holders and the cost centers (as groups).`,
        };
      }
      const r = await importChatgpt(db, ws, a.connectorId, who, now);
      if (r.status !== "SUCCEEDED") throw new InvalidInputError(`Import failed: ${r.error}`);
      const groups = await mirrorChatgptGroups(db, ws, a.connectorId, who, now);
      return {
        message: `Imported ${r.rowsRead} usage row(s) over ${r.pages} day(s) and the roster. ${groups}`,
      };
    }
  }
}
