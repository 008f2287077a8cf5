/**
 * Runs the CSV import (./import-plan.ts): a preview is the plan; applying plans again inside
 * one transaction against the workspace as it is then, and writes everything or, at the first
 * problem, nothing. Each person and group changed gets its own audit event, plus one
 * "member.import" event that counts them.
 */
import "server-only";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import { InvalidInputError } from "../core/errors";
import {
  costCenterTotalsMoved,
  membershipTotalsChanged,
  type PairChange,
} from "../rollups/people-moves";
import type { Db, Tx } from "../server/db";
import { assertManagesGroups, assertManagesPeople, lockWorkspace } from "./guard";
import {
  planImport,
  type GroupRef,
  type ImportError,
  type ImportPlan,
  type WorkspaceState,
} from "./import-plan";
import { memberSnapshot } from "./members";
import { addPairs, removePairs } from "./memberships";

/** A file with problems: 400 with every row's problem (the route adds `errors`). */
export class ImportRejected extends InvalidInputError {
  override name = "ImportRejected";
  constructor(readonly plan: ImportPlan) {
    const n = plan.errors.length;
    super(
      `Nothing was imported: ${n === 1 ? "1 problem" : `${n} problems`} in the file${plan.errors[0]?.row ? ` (first on row ${plan.errors[0].row})` : ""}`,
      "csv",
    );
  }
}

export async function loadImportState(db: Db | Tx, workspaceId: string): Promise<WorkspaceState> {
  const [members, groups] = await Promise.all([
    db.member.findMany({
      where: { workspaceId },
      select: {
        id: true,
        email: true,
        name: true,
        role: true,
        costCenter: true,
        active: true,
        groups: { select: { groupId: true } },
        managedGroups: { select: { groupId: true } },
      },
    }),
    db.group.findMany({ where: { workspaceId }, select: { id: true, name: true } }),
  ]);
  return {
    members: new Map(
      members.map((m) => [
        m.email,
        {
          ...m,
          groupIds: new Set(m.groups.map((g) => g.groupId)),
          managedGroupIds: new Set(m.managedGroups.map((g) => g.groupId)),
        },
      ]),
    ),
    groups: new Map(groups.map((g) => [g.name.toLowerCase(), g])),
  };
}

function assertMayImport(actor: Actor) {
  assertManagesPeople(actor);
  assertManagesGroups(actor);
}

export async function previewImport(db: Db, actor: Actor, csv: string): Promise<ImportPlan> {
  assertMayImport(actor);
  return planImport(csv, await loadImportState(db, actor.workspaceId), {
    actorIsOwner: actor.role === "OWNER",
    actorMemberId: actor.memberId,
  });
}

export interface ImportResult {
  plan: ImportPlan;
  applied: true;
}

export async function applyImport(db: Db, actor: Actor, csv: string): Promise<ImportResult> {
  assertMayImport(actor);
  return db.$transaction(
    async (tx) => {
      await lockWorkspace(tx, actor.workspaceId);
      const state = await loadImportState(tx, actor.workspaceId);
      const plan = planImport(csv, state, {
        actorIsOwner: actor.role === "OWNER",
        actorMemberId: actor.memberId,
      });
      if (plan.errors.length) throw new ImportRejected(plan);
      const who = auditActor(actor);
      const ws = actor.workspaceId;
      const created = new Map<string, { id: string; name: string }>();
      for (const name of plan.newGroups) {
        const g = await tx.group.create({ data: { workspaceId: ws, name, costCenter: "" } });
        created.set(name.toLowerCase(), { id: g.id, name: g.name });
        await writeAudit(tx, {
          workspaceId: ws,
          actor: who,
          action: "group.create",
          targetType: "Group",
          targetId: g.id,
          after: { name, costCenter: "", members: [], managers: [], via: "CSV import" },
        });
      }
      const resolve = (refs: GroupRef[]) =>
        refs.map((r) => ("id" in r ? r : created.get(r.create)!));
      const totals: PairChange[] = [];
      const byId = new Map([...state.members.values()].map((m) => [m.id, m]));
      const groupById = new Map(
        [...state.groups.values(), ...created.values()].map((g) => [g.id, g]),
      );
      for (const r of plan.rows) {
        if (r.kind === "unchanged") continue;
        const audit = (action: string, targetId: string, before: unknown, after: unknown) =>
          writeAudit(tx, {
            workspaceId: ws,
            actor: who,
            action,
            targetType: "Member",
            targetId,
            before,
            after,
          });
        let memberId = r.memberId;
        const existing = memberId ? byId.get(memberId) : undefined;
        if (!memberId) {
          const m = await tx.member.create({
            data: {
              workspaceId: ws,
              email: r.email,
              name: r.name,
              role: r.role,
              costCenter: r.costCenter,
            },
          });
          memberId = m.id;
          await audit("member.create", m.id, undefined, {
            ...memberSnapshot(m),
            via: "CSV import",
            row: r.row,
          });
        } else if (existing) {
          if (existing.role !== r.role) {
            await tx.member.update({ where: { id: memberId }, data: { role: r.role } });
            await audit(
              "member.role",
              memberId,
              { name: existing.name, role: existing.role },
              { name: r.name, role: r.role, via: "CSV import" },
            );
          }
          if (existing.name !== r.name || existing.costCenter !== r.costCenter) {
            await tx.member.update({
              where: { id: memberId },
              data: { name: r.name, costCenter: r.costCenter },
            });
            await costCenterTotalsMoved(tx, ws, memberId, existing.costCenter, r.costCenter);
            await audit(
              "member.update",
              memberId,
              { name: existing.name, costCenter: existing.costCenter },
              { name: r.name, costCenter: r.costCenter, via: "CSV import" },
            );
          }
        }
        for (const kind of ["member", "manager"] as const) {
          const list = kind === "member" ? r.groups : r.manages;
          if (!list) continue;
          const want = resolve(list);
          const have =
            kind === "member"
              ? (existing?.groupIds ?? new Set<string>())
              : (existing?.managedGroupIds ?? new Set<string>());
          const id = memberId;
          const added = await addPairs(
            tx,
            kind,
            want.filter((g) => !have.has(g.id)).map((g) => ({ groupId: g.id, memberId: id })),
          );
          const leaving = [...have]
            .filter((g) => !want.some((w) => w.id === g))
            .map((groupId) => ({ groupId, memberId: id }));
          const removed = await removePairs(tx, kind, leaving);
          if (kind === "member")
            totals.push(
              ...added.map((p) => ({ ...p, delta: 1 as const })),
              ...removed.map((p) => ({ ...p, delta: -1 as const })),
            );
          const nameOf = (groupId: string) => groupById.get(groupId)!;
          if (added.length || removed.length)
            await audit(kind === "member" ? "member.groups" : "member.manages", id, undefined, {
              name: r.name,
              added: added.map((p) => nameOf(p.groupId)),
              removed: removed.map((p) => nameOf(p.groupId)),
              via: "CSV import",
            });
        }
      }
      await membershipTotalsChanged(tx, ws, totals);
      await writeAudit(tx, {
        workspaceId: ws,
        actor: who,
        action: "member.import",
        targetType: "Workspace",
        targetId: ws,
        after: plan.counts,
      });
      return { plan, applied: true as const };
    },
    // a whole company in one transaction: give it more than the default 5 s
    { timeout: 120_000, maxWait: 30_000 },
  );
}

export type { ImportError, ImportPlan };
