/**
 * The workspace's budget settings (owner): budget unit, period, timezone, and the most a
 * group manager may grant on one credit request. They decide how every limit is read, so
 * changes are audited like limits. A timezone change keeps every start and expiry on its
 * calendar day (lib/limits/timezone-change.ts), in the same transaction, each audited.
 */
import "server-only";

import { z } from "zod";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import { can } from "../auth/permissions";
import { ForbiddenError, InvalidInputError } from "../core/errors";
import { parseAmountText, type Unit } from "../core/money";
import { isValidTimezone } from "../core/period";
import type { Db } from "../server/db";
import { policiesToMove } from "./timezone-change";
import { policySnapshot } from "./write-policy";

export const workspaceSettingsSchema = z.object({
  budgetUnit: z.enum(["CREDITS", "USD"]),
  budgetPeriod: z.enum(["MONTHLY", "WEEKLY", "DAILY"]),
  timezone: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .refine(isValidTimezone, { message: "Use an IANA timezone such as Europe/Berlin" }),
  /**
   * the most a group manager (who may not edit limits) grants on one request, as typed in the
   * budget unit; "" = no ceiling beyond what was asked; absent = unchanged
   */
  managerGrantCeiling: z.string().trim().max(40).optional(),
});
export type WorkspaceSettings = z.infer<typeof workspaceSettingsSchema>;

export interface WorkspaceSettingsView {
  name: string;
  budgetUnit: Unit;
  budgetPeriod: "MONTHLY" | "WEEKLY" | "DAILY";
  timezone: string;
  managerGrantCeilingMicros: bigint | null;
}

export async function getWorkspaceSettings(db: Db, actor: Actor): Promise<WorkspaceSettingsView> {
  return db.workspace.findUniqueOrThrow({
    where: { id: actor.workspaceId },
    select: {
      name: true,
      budgetUnit: true,
      budgetPeriod: true,
      timezone: true,
      managerGrantCeilingMicros: true,
    },
  });
}

function assertOwner(actor: Actor) {
  if (!can(actor, "settings:manage"))
    throw new ForbiddenError("Only the workspace owner changes workspace settings");
}

function parseCeiling(text: string | undefined, current: bigint | null): bigint | null {
  if (text === undefined) return current;
  if (text === "") return null;
  const r = parseAmountText(text, { label: "Manager grant ceiling" });
  if (!r.ok) throw new InvalidInputError(r.error, "managerGrantCeiling");
  return r.micros;
}

const DATED = { OR: [{ startsAt: { not: null } }, { expiresAt: { not: null } }] };

export interface TimezoneChangePreview {
  from: string;
  to: string;
  /** limits and overrides whose start or expiry moves to keep its calendar day */
  policies: number;
  /** pending requests: their needed-until stays the same day */
  pendingRequests: number;
}

/** What a timezone change would touch, before saving (the Settings screen says it). */
export async function previewTimezoneChange(
  db: Db,
  actor: Actor,
  timezone: string,
): Promise<TimezoneChangePreview> {
  assertOwner(actor);
  if (!isValidTimezone(timezone))
    throw new InvalidInputError("Use an IANA timezone such as Europe/Berlin", "timezone");
  const ws = await db.workspace.findUniqueOrThrow({
    where: { id: actor.workspaceId },
    select: { timezone: true },
  });
  if (ws.timezone === timezone)
    return { from: ws.timezone, to: timezone, policies: 0, pendingRequests: 0 };
  const [dated, pendingRequests] = await Promise.all([
    db.limitPolicy.findMany({
      where: { workspaceId: actor.workspaceId, ...DATED },
      select: { id: true, startsAt: true, expiresAt: true },
    }),
    db.creditRequest.count({ where: { workspaceId: actor.workspaceId, status: "PENDING" } }),
  ]);
  return {
    from: ws.timezone,
    to: timezone,
    policies: policiesToMove(dated, ws.timezone, timezone).length,
    pendingRequests,
  };
}

export async function updateWorkspaceSettings(
  db: Db,
  actor: Actor,
  input: WorkspaceSettings,
): Promise<{ policiesMoved: number }> {
  assertOwner(actor);
  return db.$transaction(async (tx) => {
    const before = await tx.workspace.findUniqueOrThrow({
      where: { id: actor.workspaceId },
      select: {
        budgetUnit: true,
        budgetPeriod: true,
        timezone: true,
        managerGrantCeilingMicros: true,
      },
    });
    const after = {
      budgetUnit: input.budgetUnit,
      budgetPeriod: input.budgetPeriod,
      timezone: input.timezone,
      managerGrantCeilingMicros: parseCeiling(
        input.managerGrantCeiling,
        before.managerGrantCeilingMicros,
      ),
    };
    await tx.workspace.update({ where: { id: actor.workspaceId }, data: after });
    let policiesMoved = 0;
    let pendingRequests = 0;
    if (before.timezone !== after.timezone) {
      // every dated policy keeps its calendar days in the new timezone (same transaction)
      const dated = await tx.limitPolicy.findMany({
        where: { workspaceId: actor.workspaceId, ...DATED },
      });
      for (const m of policiesToMove(dated, before.timezone, after.timezone)) {
        const moved = await tx.limitPolicy.update({
          where: { id: m.policy.id },
          data: {
            startsAt: m.startsAt,
            expiresAt: m.expiresAt,
            version: { increment: 1 },
            updatedById: actor.memberId,
          },
        });
        await writeAudit(tx, {
          workspaceId: actor.workspaceId,
          actor: auditActor(actor),
          action: "limit.timezone",
          targetType: "LimitPolicy",
          targetId: moved.id,
          before: { ...policySnapshot(m.policy), timezone: before.timezone },
          after: { ...policySnapshot(moved), timezone: after.timezone },
        });
        policiesMoved++;
      }
      // pending requests name their needed-until as a day ("2026-12-15"): it keeps its meaning as is
      pendingRequests = await tx.creditRequest.count({
        where: { workspaceId: actor.workspaceId, status: "PENDING" },
      });
    }
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "workspace.settings",
      targetType: "Workspace",
      targetId: actor.workspaceId,
      before,
      after: {
        ...after,
        ...(before.timezone !== after.timezone
          ? { policiesMoved, pendingRequestsKeptDay: pendingRequests }
          : {}),
      },
    });
    return { policiesMoved };
  });
}
