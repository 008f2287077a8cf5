/**
 * Attribution of provider identities to members: an explicit MemberIdentity wins; an
 * identity that carries an email of a member is mapped automatically (and remembered);
 * a row reported with no identity at all (an OpenAI project's code-interpreter sessions, …)
 * goes to the member its project is mapped to (kind "project_id", a service account's);
 * anything else stays unattributed (memberId null), never dropped.
 */
import { InvalidInputError } from "../core/errors";
import type { Tx } from "../server/db";
import type { IdentityRef, UsageRow } from "./types";

/** The MemberIdentity kind of a project: rows with no identity are attributed by it. */
export const PROJECT_KIND = "project_id";

export function identityKey(identity: IdentityRef | null): string {
  return identity ? `${identity.kind}:${identity.externalId}` : "";
}

/**
 * Records, in the caller's transaction, that an identity is this member's: nothing to do when
 * it already is, refused (`takenMessage`) when it is another member's. Whoever maps one by
 * hand (a connection's unmapped identities, a vendor's unmatched users) comes through here.
 */
export async function attachIdentity(
  tx: Tx,
  workspaceId: string,
  memberId: string,
  identity: { provider: string; kind: string; externalId: string },
  takenMessage: string,
): Promise<void> {
  const existing = await tx.memberIdentity.findUnique({
    where: { workspaceId_provider_kind_externalId: { workspaceId, ...identity } },
  });
  if (existing && existing.memberId !== memberId) throw new InvalidInputError(takenMessage);
  if (!existing) await tx.memberIdentity.create({ data: { workspaceId, memberId, ...identity } });
}

function mapKey(provider: string, kind: string, externalId: string): string {
  return `${provider}|${kind}|${externalId.toLowerCase()}`;
}

export class IdentityResolver {
  private constructor(
    private readonly workspaceId: string,
    private readonly byIdentity: Map<string, string>,
    private readonly byEmail: Map<string, string>,
  ) {}

  static async load(tx: Tx, workspaceId: string): Promise<IdentityResolver> {
    const [identities, members] = await Promise.all([
      tx.memberIdentity.findMany({
        where: { workspaceId },
        select: { provider: true, kind: true, externalId: true, memberId: true },
      }),
      tx.member.findMany({ where: { workspaceId }, select: { id: true, email: true } }),
    ]);
    return new IdentityResolver(
      workspaceId,
      new Map(identities.map((i) => [mapKey(i.provider, i.kind, i.externalId), i.memberId])),
      new Map(members.map((m) => [m.email.toLowerCase(), m.id])),
    );
  }

  /** The member behind a usage row: its identity's, or (no identity) its project's. */
  async resolveRow(
    tx: Tx,
    row: Pick<UsageRow, "identity" | "provider" | "project">,
  ): Promise<string | null> {
    if (row.identity) return this.resolve(tx, row.identity);
    if (!row.project) return null;
    return this.byIdentity.get(mapKey(row.provider, PROJECT_KIND, row.project)) ?? null;
  }

  /** The member behind an identity, mapping it by email on first sight. */
  async resolve(tx: Tx, identity: IdentityRef | null): Promise<string | null> {
    if (!identity) return null;
    const key = mapKey(identity.provider, identity.kind, identity.externalId);
    const known = this.byIdentity.get(key);
    if (known) return known;
    const email = identity.email ?? (identity.kind === "email" ? identity.externalId : undefined);
    const memberId = email ? this.byEmail.get(email.toLowerCase()) : undefined;
    if (!memberId) return null;
    await tx.memberIdentity.upsert({
      where: {
        workspaceId_provider_kind_externalId: {
          workspaceId: this.workspaceId,
          provider: identity.provider,
          kind: identity.kind,
          externalId: identity.externalId,
        },
      },
      create: {
        workspaceId: this.workspaceId,
        memberId,
        provider: identity.provider,
        kind: identity.kind,
        externalId: identity.externalId,
      },
      update: {},
    });
    this.byIdentity.set(key, memberId);
    return memberId;
  }
}
