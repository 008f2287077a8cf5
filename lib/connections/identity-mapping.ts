import "server-only";

/**
 * Unmapped provider identities (usage with no member) and mapping one to a member: the
 * MemberIdentity, the re-attribution of its existing rows and the rebuilt rollups commit
 * together with the audit event, in one transaction.
 */
import { z } from "zod";

import { writeAudit, type AuditActor } from "../audit/audit";
import { InvalidInputError, NotFoundError } from "../core/errors";
import { rebuildDailyRollups } from "../rollups/rebuild-days";
import type { Db } from "../server/db";

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
  const groups = await db.usageRecord.groupBy({
    by: ["provider", "product", "identityKey"],
    where: { workspaceId, memberId: null, identityKey: { not: "" } },
    _sum: { costMicros: true },
    _count: { _all: true },
    _max: { day: true },
  });
  const merged = new Map<string, UnmappedIdentity>();
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
    .regex(/^(user_id|api_key_id|email):.+$/, "unknown identity"),
  memberId: z.string().min(1, "Choose a member").max(64),
});

export async function mapIdentity(
  db: Db,
  workspaceId: string,
  input: z.infer<typeof mapIdentitySchema>,
  actor: AuditActor,
) {
  const data = mapIdentitySchema.parse(input);
  const [kind, ...rest] = data.identityKey.split(":");
  const externalId = rest.join(":");
  return db.$transaction(async (tx) => {
    const member = await tx.member.findFirst({
      where: { id: data.memberId, workspaceId },
      select: { id: true, email: true },
    });
    if (!member) throw new NotFoundError("Member not found");
    const existing = await tx.memberIdentity.findUnique({
      where: {
        workspaceId_provider_kind_externalId: {
          workspaceId,
          provider: data.identityProvider,
          kind: kind!,
          externalId,
        },
      },
    });
    if (existing && existing.memberId !== member.id)
      throw new InvalidInputError("This identity is already mapped to another member");
    if (!existing)
      await tx.memberIdentity.create({
        data: {
          workspaceId,
          memberId: member.id,
          provider: data.identityProvider,
          kind: kind!,
          externalId,
        },
      });
    // the rows reported under this identity (Claude Code rows live under provider anthropic)
    const rowFilter =
      data.identityProvider === "claude_code"
        ? { product: "claude_code" }
        : { provider: data.identityProvider, product: { not: "claude_code" } };
    const where = { workspaceId, identityKey: data.identityKey, memberId: null, ...rowFilter };
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
  });
}
