/**
 * Who a single sign-on attempt signs in as, decided on the server after the provider's answer
 * passed every protocol check (state, PKCE, nonce, ID token signature, issuer, audience).
 *
 * 1. The email must be present and verified (isEmailVerified) — always, also for a linked
 *    account.
 * 2. An identity already linked (MemberIdentity provider = issuer, kind = "oidc_sub",
 *    externalId = sub) decides the member, whatever email the provider sends today: a changed
 *    email at the provider can never take over another member.
 * 3. Otherwise the verified email finds the member (the oldest active one, as demo sign-in
 *    does), and this account is linked to them — unless that member is already linked to a
 *    different subject of the same issuer (refused: identity_conflict).
 * 4. With OIDC_GROUPS_CLAIM the provider's groups set the member's hand-made Allotment groups
 *    (by name) and, with OIDC_ROLE_MAP, the role; both audited.
 *
 * Every outcome is a log line, and an audit event of the workspace it concerns, or — when it
 * names nobody — a SignInAttempt row (lib/auth/oidc-audit.ts).
 */
import { writeAudit, type AuditActor } from "../audit/audit";
import { applyMembershipChanges } from "../rollups/group-totals";
import type { Db, Tx } from "../server/db";
import {
  AUDIT_GROUPS_FROM_SSO,
  AUDIT_IDENTITY_LINKED,
  AUDIT_ROLE_FROM_SSO,
  AUDIT_SIGNIN,
  AUDIT_SIGNIN_REFUSED,
  logSignIn,
  recordUnmatchedAttempt,
} from "./oidc-audit";
import {
  emailOf,
  groupsFromClaims,
  isEmailVerified,
  roleFromGroups,
  type Claims,
} from "./oidc-claims";
import { OIDC_SUB_KIND, type OidcSettings } from "./oidc-config";
import type { SignInRefusal } from "./oidc-errors";
import type { Role } from "./permissions";

const MEMBER = {
  id: true,
  email: true,
  workspaceId: true,
  role: true,
  active: true,
  createdAt: true,
} as const;
type MemberRow = {
  id: string;
  email: string;
  workspaceId: string;
  role: Role;
  active: boolean;
  createdAt: Date;
};

const TX_OPTIONS = { maxWait: 15_000, timeout: 30_000 } as const;

export interface OidcSignInInput {
  /** the ID token's iss (openid-client checked it against discovery) */
  issuer: string;
  /** ID token + UserInfo, merged (lib/auth/oidc-claims.ts mergeClaims) */
  claims: Claims;
  clientAddress: string;
  settings: Pick<OidcSettings, "verifiedClaim" | "groupsClaim" | "roleMap">;
  at?: Date;
}

export type OidcSignInResult =
  | {
      ok: true;
      member: { id: string; workspaceId: string; email: string; role: Role };
      linkedNow: boolean;
    }
  | { ok: false; reason: SignInRefusal; workspaceId: string | null };

function byAge(a: MemberRow, b: MemberRow): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id);
}

export async function resolveOidcSignIn(db: Db, input: OidcSignInInput): Promise<OidcSignInResult> {
  const at = input.at ?? new Date();
  const { issuer, claims, clientAddress, settings } = input;
  const sub = String(claims.sub);
  const email = emailOf(claims);
  const verified = isEmailVerified(claims, settings.verifiedClaim);
  const facts = { method: "oidc", issuer, sub, email, emailVerified: verified, clientAddress };

  const linked = (
    await db.memberIdentity.findMany({
      where: { provider: issuer, kind: OIDC_SUB_KIND, externalId: sub },
      select: { member: { select: MEMBER } },
    })
  )
    .map((l) => l.member as MemberRow)
    .sort(byAge);

  /** A refusal, audited where it belongs. */
  const refuse = async (
    reason: SignInRefusal,
    about: MemberRow | null,
  ): Promise<OidcSignInResult> => {
    logSignIn(
      {
        outcome: "refused",
        reason,
        issuer,
        sub,
        email,
        memberId: about?.id,
        workspaceId: about?.workspaceId ?? null,
        clientAddress,
      },
      at,
    );
    if (about) {
      const actor: AuditActor = { memberId: null, label: email ?? `oidc:${sub}` };
      await db.$transaction(
        (tx) =>
          writeAudit(tx, {
            workspaceId: about.workspaceId,
            actor,
            action: AUDIT_SIGNIN_REFUSED,
            targetType: "Member",
            targetId: about.id,
            after: { ...facts, reason },
          }),
        TX_OPTIONS,
      );
    } else {
      await recordUnmatchedAttempt(db, { reason, issuer, subject: sub, email, clientAddress }, at);
    }
    return { ok: false, reason, workspaceId: about?.workspaceId ?? null };
  };

  /** Any member with this email, active first, oldest first (to attribute a refusal). */
  const byEmail = async (): Promise<MemberRow[]> =>
    email
      ? (
          (await db.member.findMany({
            // service accounts never sign in (lib/people/service-accounts.ts)
            where: { email, kind: "PERSON" },
            select: MEMBER,
          })) as MemberRow[]
        ).sort((a, b) => Number(b.active) - Number(a.active) || byAge(a, b))
      : [];

  if (!email) return refuse("email_missing", linked[0] ?? null);
  if (!verified) return refuse("email_unverified", linked[0] ?? (await byEmail())[0] ?? null);

  if (linked.length > 0) {
    const member = linked.find((m) => m.active);
    if (!member) return refuse("member_inactive", linked[0]!);
    return accept(
      db,
      member,
      { ...facts, linkedNow: false, providerEmailDiffers: member.email !== email },
      input,
      at,
    );
  }

  const candidates = await byEmail();
  const candidate = candidates.find((m) => m.active);
  if (!candidate)
    return refuse(candidates.length ? "member_inactive" : "not_a_member", candidates[0] ?? null);

  // Link in a transaction that first locks the workspace row, so two sign-ins racing for the
  // same member are decided one after the other (the second sees the first one's link).
  const outcome = await db.$transaction(async (tx) => {
    await tx.workspace.update({
      where: { id: candidate.workspaceId },
      data: { configVersion: { increment: 1 } },
      select: { id: true },
    });
    const existing = await tx.memberIdentity.findFirst({
      where: { memberId: candidate.id, provider: issuer, kind: OIDC_SUB_KIND },
      select: { externalId: true },
    });
    if (existing && existing.externalId !== sub) return "conflict" as const;
    if (!existing) {
      const identity = await tx.memberIdentity.create({
        data: {
          workspaceId: candidate.workspaceId,
          memberId: candidate.id,
          provider: issuer,
          kind: OIDC_SUB_KIND,
          externalId: sub,
          createdAt: at,
        },
      });
      await writeAudit(tx, {
        workspaceId: candidate.workspaceId,
        actor: { memberId: candidate.id, label: candidate.email },
        action: AUDIT_IDENTITY_LINKED,
        targetType: "MemberIdentity",
        targetId: identity.id,
        after: { issuer, sub, kind: OIDC_SUB_KIND, member: candidate.email, by: "verified email" },
      });
    }
    return await signInWithin(tx, candidate, { ...facts, linkedNow: !existing }, input);
  }, TX_OPTIONS);
  if (outcome === "conflict") return refuse("identity_conflict", candidate);
  logSignIn(
    {
      outcome: "accepted",
      issuer,
      sub,
      email,
      memberId: candidate.id,
      workspaceId: candidate.workspaceId,
      clientAddress,
    },
    at,
  );
  return {
    ok: true,
    member: {
      id: candidate.id,
      workspaceId: candidate.workspaceId,
      email: candidate.email,
      role: outcome,
    },
    linkedNow: true,
  };
}

async function accept(
  db: Db,
  member: MemberRow,
  facts: Record<string, unknown>,
  input: OidcSignInInput,
  at: Date,
): Promise<OidcSignInResult> {
  const role = await db.$transaction((tx) => signInWithin(tx, member, facts, input), TX_OPTIONS);
  logSignIn(
    {
      outcome: "accepted",
      issuer: input.issuer,
      sub: String(input.claims.sub),
      email: emailOf(input.claims),
      memberId: member.id,
      workspaceId: member.workspaceId,
      clientAddress: input.clientAddress,
    },
    at,
  );
  return {
    ok: true,
    member: { id: member.id, workspaceId: member.workspaceId, email: member.email, role },
    linkedNow: false,
  };
}

/** Groups and role from the provider, then the accepted sign-in's audit event; the role in force. */
async function signInWithin(
  tx: Tx,
  member: MemberRow,
  facts: Record<string, unknown>,
  input: OidcSignInInput,
): Promise<Role> {
  const groups = groupsFromClaims(input.claims, input.settings.groupsClaim);
  const actor: AuditActor = { memberId: member.id, label: member.email };
  if (groups !== null) await applyProviderGroups(tx, member, groups, actor);
  const role = await applyProviderRole(
    tx,
    member,
    roleFromGroups(groups, input.settings.roleMap),
    groups ?? [],
    actor,
  );
  await writeAudit(tx, {
    workspaceId: member.workspaceId,
    actor,
    action: AUDIT_SIGNIN,
    targetType: "Member",
    targetId: member.id,
    after: { ...facts, role },
  });
  return role;
}

/**
 * The member's hand-made groups (source "allotment") follow the provider's groups by name
 * (case-insensitive): joined when named, left when not. Groups imported from a vendor are
 * their directory sync's, and groups are never created here (they need a cost center).
 */
export async function applyProviderGroups(
  tx: Tx,
  member: { id: string; workspaceId: string },
  providerGroups: string[],
  actor: AuditActor,
): Promise<boolean> {
  const wanted = new Set(providerGroups.map((g) => g.toLowerCase()));
  const groups = await tx.group.findMany({
    where: { workspaceId: member.workspaceId, source: "allotment" },
    select: { id: true, name: true },
  });
  const have = new Set(
    (
      await tx.groupMember.findMany({
        where: { memberId: member.id, groupId: { in: groups.map((g) => g.id) } },
        select: { groupId: true },
      })
    ).map((g) => g.groupId),
  );
  const add = groups.filter((g) => wanted.has(g.name.toLowerCase()) && !have.has(g.id));
  const remove = groups.filter((g) => !wanted.has(g.name.toLowerCase()) && have.has(g.id));
  if (!add.length && !remove.length) return false;
  if (remove.length)
    await tx.groupMember.deleteMany({
      where: { memberId: member.id, groupId: { in: remove.map((g) => g.id) } },
    });
  if (add.length)
    await tx.groupMember.createMany({
      data: add.map((g) => ({ groupId: g.id, memberId: member.id })),
    });
  await applyMembershipChanges(
    tx,
    member.workspaceId,
    [...add, ...remove].map((g) => g.id),
    new Map([[member.id, add.length - remove.length]]),
  );
  const names = (ids: Set<string>) =>
    groups
      .filter((g) => ids.has(g.id))
      .map((g) => g.name)
      .sort();
  const after = new Set(
    [...have, ...add.map((g) => g.id)].filter((id) => !remove.some((r) => r.id === id)),
  );
  await writeAudit(tx, {
    workspaceId: member.workspaceId,
    actor,
    action: AUDIT_GROUPS_FROM_SSO,
    targetType: "Member",
    targetId: member.id,
    before: { groups: names(have) },
    after: {
      groups: names(after),
      joined: add.map((g) => g.name).sort(),
      left: remove.map((g) => g.name).sort(),
      providerGroups: [...providerGroups].sort(),
    },
  });
  return true;
}

/**
 * The role OIDC_ROLE_MAP gives (null = roles are not managed by the provider). The last active
 * owner of a workspace is never demoted by a sign-in — that would lock everyone out of
 * settings — and the audit event says so.
 */
export async function applyProviderRole(
  tx: Tx,
  member: MemberRow,
  target: Role | null,
  providerGroups: string[],
  actor: AuditActor,
): Promise<Role> {
  if (target === null || target === member.role) return member.role;
  // the last active owner keeps the role: the event records what the provider wanted
  const keep =
    member.role === "OWNER" &&
    (await tx.member.count({
      where: { workspaceId: member.workspaceId, role: "OWNER", active: true },
    })) <= 1;
  if (!keep) await tx.member.update({ where: { id: member.id }, data: { role: target } });
  await writeAudit(tx, {
    workspaceId: member.workspaceId,
    actor,
    action: AUDIT_ROLE_FROM_SSO,
    targetType: "Member",
    targetId: member.id,
    before: { role: member.role },
    after: keep
      ? {
          role: member.role,
          wanted: target,
          kept: "last active owner of the workspace",
          providerGroups: [...providerGroups].sort(),
        }
      : { role: target, providerGroups: [...providerGroups].sort() },
  });
  return keep ? member.role : target;
}

/** The member a linked identity signs in as (the jwt callback's fallback). */
export async function memberForIdentity(
  db: Db,
  issuer: string,
  sub: string,
): Promise<{ id: string; workspaceId: string; role: Role } | null> {
  const linked = (
    await db.memberIdentity.findMany({
      where: { provider: issuer, kind: OIDC_SUB_KIND, externalId: sub },
      select: { member: { select: MEMBER } },
    })
  )
    .map((l) => l.member as MemberRow)
    .filter((m) => m.active)
    .sort(byAge);
  const m = linked[0];
  return m ? { id: m.id, workspaceId: m.workspaceId, role: m.role } : null;
}
