import "server-only";

/**
 * Unmapped provider identities (usage with no member) and mapping one to a member: the
 * MemberIdentity, the re-attribution of its existing rows and the rebuilt rollups commit
 * together with the audit event, in one transaction. An identity is a user, an API key, a
 * provider's service account or an email the rows were reported under; a project stands for
 * the rows reported with no identity at all (lib/ingest/identities.ts resolveRow).
 */
import { z } from "zod";

import { writeAudit, type AuditActor } from "../audit/audit";
import { NotFoundError } from "../core/errors";
import { attachIdentity, PROJECT_KIND } from "../ingest/identities";
import { rebuildDailyRollups } from "../rollups/rebuild-days";
import type { Db, Tx } from "../server/db";

export interface UnmappedIdentity {
  /** the identity's provider namespace (openai, anthropic, claude_code, …) */
  identityProvider: string;
  identityKey: string;
  kind: string;
  externalId: string;
  rows: number;
  costMicros: bigint;
  lastDay: string;
}

/** Claude Code rows are reported by Anthropic under the claude_code identity namespace. */
export function identityProviderOf(provider: string, product: string): string {
  return product === "claude_code" ? "claude_code" : provider;
}

export async function unmappedIdentities(db: Db, workspaceId: string): Promise<UnmappedIdentity[]> {
  const [groups, projects] = await Promise.all([
    db.usageRecord.groupBy({
      by: ["provider", "product", "identityKey"],
      where: { workspaceId, memberId: null, identityKey: { not: "" } },
      _sum: { costMicros: true },
      _count: { _all: true },
      _max: { day: true },
    }),
    // rows with no identity of their own: mapped through their project
    db.usageRecord.groupBy({
      by: ["provider", "project"],
      where: { workspaceId, memberId: null, identityKey: "", project: { not: "" } },
      _sum: { costMicros: true },
      _count: { _all: true },
      _max: { day: true },
    }),
  ]);
  const merged = new Map<string, UnmappedIdentity>();
  for (const p of projects)
    merged.set(`${p.provider}|${PROJECT_KIND}:${p.project}`, {
      identityProvider: p.provider,
      identityKey: `${PROJECT_KIND}:${p.project}`,
      kind: PROJECT_KIND,
      externalId: p.project,
      rows: p._count._all,
      costMicros: p._sum.costMicros ?? 0n,
      lastDay: p._max.day ?? "",
    });
  for (const g of groups) {
    const identityProvider = identityProviderOf(g.provider, g.product);
    const k = `${identityProvider}|${g.identityKey}`;
    const [kind = "", ...rest] = g.identityKey.split(":");
    const prev = merged.get(k);
    merged.set(k, {
      identityProvider,
      identityKey: g.identityKey,
      kind,
      externalId: rest.join(":"),
      rows: (prev?.rows ?? 0) + g._count._all,
      costMicros: (prev?.costMicros ?? 0n) + (g._sum.costMicros ?? 0n),
      lastDay: [prev?.lastDay ?? "", g._max.day ?? ""].sort().at(-1)!,
    });
  }
  return [...merged.values()].sort((a, b) =>
    a.costMicros === b.costMicros ? 0 : a.costMicros > b.costMicros ? -1 : 1,
  );
}

export const mapIdentitySchema = z.object({
  identityProvider: z.string().min(1).max(40),
  identityKey: z
    .string()
    .max(400)
    .regex(/^(user_id|api_key_id|service_account_id|email|project_id):.+$/, "unknown identity"),
  memberId: z.string().min(1, "Choose a member").max(64),
});

export type MapIdentityInput = z.infer<typeof mapIdentitySchema>;

export async function mapIdentity(
  db: Db,
  workspaceId: string,
  input: MapIdentityInput,
  actor: AuditActor,
) {
  const data = mapIdentitySchema.parse(input);
  return db.$transaction((tx) => mapIdentityInTx(tx, workspaceId, data, actor));
}

/**
 * The mapping inside the caller's transaction (creating a service account maps its keys in
 * the transaction that creates it): the identity, its rows re-attributed, their days' rollups
 * rebuilt, and the audit event.
 */
export async function mapIdentityInTx(
  tx: Tx,
  workspaceId: string,
  data: MapIdentityInput,
  actor: AuditActor,
) {
  const [kind, ...rest] = data.identityKey.split(":");
  const externalId = rest.join(":");
  const member = await tx.member.findFirst({
    where: { id: data.memberId, workspaceId },
    select: { id: true, email: true },
  });
  if (!member) throw new NotFoundError("Member not found");
  await attachIdentity(
    tx,
    workspaceId,
    member.id,
    { provider: data.identityProvider, kind: kind!, externalId },
    "This identity is already mapped to another member",
  );
  // the rows reported under this identity (Claude Code rows live under provider anthropic);
  // a project's are its rows reported with no identity
  const rowFilter =
    kind === PROJECT_KIND
      ? { provider: data.identityProvider, identityKey: "", project: externalId }
      : data.identityProvider === "claude_code"
        ? { product: "claude_code", identityKey: data.identityKey }
        : {
            provider: data.identityProvider,
            product: { not: "claude_code" },
            identityKey: data.identityKey,
          };
  const where = { workspaceId, memberId: null, ...rowFilter };
  const days = (await tx.usageRecord.groupBy({ by: ["day"], where })).map((d) => d.day);
  const updated = await tx.usageRecord.updateMany({ where, data: { memberId: member.id } });
  await rebuildDailyRollups(tx, workspaceId, days);
  await writeAudit(tx, {
    workspaceId,
    actor,
    action: "identity.map",
    targetType: "MemberIdentity",
    targetId: `${data.identityProvider}:${data.identityKey}`,
    after: {
      memberId: member.id,
      memberEmail: member.email,
      rowsReattributed: updated.count,
      days: days.length,
    },
  });
  return { rows: updated.count, days: days.length };
}
