/**
 * Issue 22, single sign-on after the provider's answer passed the protocol checks: who an
 * attempt signs in as (identities keyed by issuer + sub once linked), what is refused (an
 * unverified or missing email, a non-member, a member linked to another account, a deactivated
 * member), where each attempt is recorded (the member's workspace's audit log, or a
 * SignInAttempt row when it names nobody), group and role claims, and next-auth's callbacks.
 */
import { randomUUID } from "node:crypto";

import { afterEach, describe, expect, it } from "vitest";

import { listAuditPage } from "@/lib/audit/audit-view";
import { listUnmatchedAttempts, recordUnmatchedAttempt } from "@/lib/auth/oidc-audit";
import type { Claims } from "@/lib/auth/oidc-claims";
import { OIDC_SUB_KIND, parseRoleMap } from "@/lib/auth/oidc-config";
import { memberForIdentity, resolveOidcSignIn, type OidcSignInInput } from "@/lib/auth/oidc-signin";
import { authOptions } from "@/lib/auth/options";
import { isSessionLive } from "@/lib/auth/sessions";
import type { Db } from "@/lib/server/db";
import { resetEnvCache } from "@/lib/server/env";

import { TEST_NOW } from "../helpers/clock";
import { makeMember, makeWorkspace, testDb } from "../helpers/db";

const ISSUER = "https://id.acme-test.example/oauth2/default";
const plain = {
  verifiedClaim: null,
  groupsClaim: null,
  roleMap: new Map(),
} as OidcSignInInput["settings"];

const email = (name: string) => `${name}-${randomUUID().slice(0, 8)}@acme.test`;
const sub = () => `00u${randomUUID().replaceAll("-", "").slice(0, 16)}`;

/** `ABSENT` leaves the claim out (an explicit undefined would take the default). */
const ABSENT = Symbol("absent");

function claims(
  s: string,
  address: string | typeof ABSENT,
  verified: unknown = true,
  extra: Claims = {},
): Claims {
  return {
    iss: ISSUER,
    sub: s,
    aud: "allotment",
    ...(address !== ABSENT ? { email: address } : {}),
    ...(verified !== ABSENT ? { email_verified: verified } : {}),
    ...extra,
  };
}

function attempt(db: Db, c: Claims, settings = plain, clientAddress = "203.0.113.7") {
  return resolveOidcSignIn(db, {
    issuer: ISSUER,
    claims: c,
    clientAddress,
    settings,
    at: TEST_NOW,
  });
}

async function links(db: Db, s: string) {
  return (
    await db.memberIdentity.findMany({
      where: { provider: ISSUER, kind: OIDC_SUB_KIND, externalId: s },
      select: { memberId: true },
    })
  ).map((l) => l.memberId);
}

async function events(db: Db, workspaceId: string) {
  return (await db.auditEvent.findMany({ where: { workspaceId }, orderBy: { id: "asc" } })).map(
    (e) => ({
      action: e.action,
      actor: e.actorLabel,
      targetId: e.targetId,
      after: e.afterJson ? (JSON.parse(e.afterJson) as Record<string, unknown>) : null,
    }),
  );
}

describe("linking by verified email, then by issuer + sub", () => {
  it("the first sign-in links the account to the member (audited); later ones sign in by the link", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const owner = await makeMember(db, ws.id, { email: email("owner"), role: "OWNER" });
    const s = sub();
    const first = await attempt(db, claims(s, owner.email.toUpperCase()));
    expect(first).toEqual({
      ok: true,
      member: { id: owner.id, workspaceId: ws.id, email: owner.email, role: "OWNER" },
      linkedNow: true,
    });
    expect(await links(db, s)).toEqual([owner.id]);
    const log = await events(db, ws.id);
    expect(log.map((e) => e.action)).toEqual(["auth.identity_linked", "auth.signin"]);
    expect(log[1]).toMatchObject({
      actor: owner.email,
      targetId: owner.id,
      after: {
        method: "oidc",
        issuer: ISSUER,
        sub: s,
        email: owner.email,
        emailVerified: true,
        linkedNow: true,
        role: "OWNER",
        clientAddress: "203.0.113.7",
      },
    });
    // no token or code anywhere in the trail
    expect(JSON.stringify(log)).not.toMatch(/id_token|access_token|"code"/);

    const again = await attempt(db, claims(s, owner.email));
    expect(again).toMatchObject({ ok: true, linkedNow: false, member: { id: owner.id } });
    expect(await links(db, s)).toEqual([owner.id]);
    expect((await events(db, ws.id)).map((e) => e.action)).toEqual([
      "auth.identity_linked",
      "auth.signin",
      "auth.signin",
    ]);
    expect(await memberForIdentity(db, ISSUER, s)).toEqual({
      id: owner.id,
      workspaceId: ws.id,
      role: "OWNER",
    });
  });

  it("a changed email at the provider cannot take over another member: the sub stays with its member", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const engineer = await makeMember(db, ws.id, { email: email("engineer") });
    const owner = await makeMember(db, ws.id, { email: email("owner"), role: "OWNER" });
    const s = sub();
    expect(await attempt(db, claims(s, engineer.email))).toMatchObject({
      ok: true,
      member: { id: engineer.id },
    });
    // the engineer's account at the provider now carries the owner's (verified) address
    const hijack = await attempt(db, claims(s, owner.email));
    expect(hijack).toMatchObject({ ok: true, member: { id: engineer.id, role: "MEMBER" } });
    const last = (await events(db, ws.id)).at(-1)!;
    expect(last).toMatchObject({
      action: "auth.signin",
      targetId: engineer.id,
      after: { email: owner.email, providerEmailDiffers: true },
    });
    // and the owner can still link their own account
    const ownSub = sub();
    expect(await attempt(db, claims(ownSub, owner.email))).toMatchObject({
      ok: true,
      member: { id: owner.id },
      linkedNow: true,
    });
  });

  it("another account with a linked member's address is refused (identity_conflict), audited, nothing linked", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const finance = await makeMember(db, ws.id, { email: email("finance"), role: "FINANCE" });
    const original = sub();
    await attempt(db, claims(original, finance.email));
    const intruder = sub();
    expect(await attempt(db, claims(intruder, finance.email))).toEqual({
      ok: false,
      reason: "identity_conflict",
      workspaceId: ws.id,
    });
    expect(await links(db, intruder)).toEqual([]);
    expect((await events(db, ws.id)).at(-1)).toMatchObject({
      action: "auth.signin_refused",
      actor: finance.email,
      targetId: finance.id,
      after: { reason: "identity_conflict", sub: intruder },
    });
  });

  it("two first sign-ins racing for one member with different accounts: one links, the other is refused", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const m = await makeMember(db, ws.id, { email: email("racer") });
    const [a, b] = [sub(), sub()];
    const results = await Promise.all([
      attempt(db, claims(a, m.email)),
      attempt(db, claims(b, m.email)),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual([
      "identity_conflict",
    ]);
    expect(await db.memberIdentity.count({ where: { memberId: m.id, kind: OIDC_SUB_KIND } })).toBe(
      1,
    );
  });

  it("the same account completing two sign-ins at once links once and signs in twice", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const m = await makeMember(db, ws.id, { email: email("twotabs") });
    const s = sub();
    const results = await Promise.all([
      attempt(db, claims(s, m.email)),
      attempt(db, claims(s, m.email)),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(await links(db, s)).toEqual([m.id]);
  });
});

describe("refusals", () => {
  it("an unverified email is refused even when it is a member's address; the member's workspace sees it", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const finance = await makeMember(db, ws.id, { email: email("finance"), role: "FINANCE" });
    for (const verified of [false, "false", ABSENT, null]) {
      const s = sub();
      expect(await attempt(db, claims(s, finance.email, verified))).toEqual({
        ok: false,
        reason: "email_unverified",
        workspaceId: ws.id,
      });
      expect(await links(db, s)).toEqual([]);
    }
    const refused = (await events(db, ws.id)).filter((e) => e.action === "auth.signin_refused");
    expect(refused).toHaveLength(4);
    expect(refused[0]).toMatchObject({
      actor: finance.email,
      targetId: finance.id,
      after: { reason: "email_unverified", emailVerified: false },
    });
  });

  it("a linked account whose email became unverified is refused too (the check is never skipped)", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const m = await makeMember(db, ws.id, { email: email("m") });
    const s = sub();
    await attempt(db, claims(s, m.email));
    expect(await attempt(db, claims(s, m.email, false))).toEqual({
      ok: false,
      reason: "email_unverified",
      workspaceId: ws.id,
    });
    expect(await attempt(db, claims(s, ABSENT, ABSENT))).toEqual({
      ok: false,
      reason: "email_missing",
      workspaceId: ws.id,
    });
  });

  it("a provider-specific verification claim counts only when configured (Entra ID's xms_edov)", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const m = await makeMember(db, ws.id, { email: email("entra") });
    const c = claims(sub(), m.email, ABSENT, { xms_edov: true });
    expect(await attempt(db, c)).toMatchObject({ ok: false, reason: "email_unverified" });
    expect(await attempt(db, c, { ...plain, verifiedClaim: "xms_edov" })).toMatchObject({
      ok: true,
      member: { id: m.id },
    });
  });

  it("a verified address that is no member's: refused, nothing created, recorded as an attempt that matched no workspace", async () => {
    const db = await testDb();
    const stranger = email("stranger");
    const s = sub();
    const address = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
    const membersBefore = await db.member.count();
    expect(await attempt(db, claims(s, stranger), plain, address)).toEqual({
      ok: false,
      reason: "not_a_member",
      workspaceId: null,
    });
    expect(await db.member.count()).toBe(membersBefore);
    expect(await db.member.count({ where: { email: stranger } })).toBe(0);
    expect(await links(db, s)).toEqual([]);
    const row = await db.signInAttempt.findFirst({ where: { subject: s } });
    expect(row).toMatchObject({
      outcome: "refused",
      reason: "not_a_member",
      issuer: ISSUER,
      email: stranger,
      clientAddress: address,
    });
    expect((await listUnmatchedAttempts(db, { limit: 500 })).some((r) => r.subject === s)).toBe(
      true,
    );
  });

  it("a deactivated member is refused, linked or not", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const m = await makeMember(db, ws.id, { email: email("gone") });
    const s = sub();
    await attempt(db, claims(s, m.email));
    await db.member.update({ where: { id: m.id }, data: { active: false } });
    expect(await attempt(db, claims(s, m.email))).toEqual({
      ok: false,
      reason: "member_inactive",
      workspaceId: ws.id,
    });
    expect(await attempt(db, claims(sub(), m.email))).toEqual({
      ok: false,
      reason: "member_inactive",
      workspaceId: ws.id,
    });
    expect(await memberForIdentity(db, ISSUER, s)).toBeNull();
  });

  it("attempts that name nobody are recorded at most 60 times per client address in 15 minutes", async () => {
    const db = await testDb();
    const address = `2001:db8::${randomUUID().slice(0, 4)}`;
    const results: boolean[] = [];
    for (let i = 0; i < 61; i++)
      results.push(
        await recordUnmatchedAttempt(
          db,
          { reason: "cancelled", issuer: ISSUER, detail: "access_denied", clientAddress: address },
          TEST_NOW,
        ),
      );
    expect(results.filter(Boolean)).toHaveLength(60);
    expect(results.at(-1)).toBe(false);
    expect(await db.signInAttempt.count({ where: { clientAddress: address } })).toBe(60);
  });
});

describe("provider groups and roles (OIDC_GROUPS_CLAIM, OIDC_ROLE_MAP)", () => {
  const settings = {
    verifiedClaim: null,
    groupsClaim: "groups",
    roleMap: parseRoleMap("allotment-owners=OWNER,allotment-admins=ADMIN").map,
  };

  it("hand-made groups follow the claim by name; vendor groups are left alone; the role follows the map; all audited", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    await makeMember(db, ws.id, { email: email("boss"), role: "OWNER" });
    const m = await makeMember(db, ws.id, { email: email("dev") });
    const platform = await db.group.create({
      data: { workspaceId: ws.id, name: "Platform", costCenter: "CC-1" },
    });
    const mobile = await db.group.create({
      data: { workspaceId: ws.id, name: "Mobile", costCenter: "CC-2" },
    });
    const vendor = await db.group.create({
      data: { workspaceId: ws.id, name: "ChatGPT team", costCenter: "CC-3", source: "chatgpt" },
    });
    await db.groupMember.createMany({
      data: [mobile, vendor].map((g) => ({ groupId: g.id, memberId: m.id })),
    });

    const r = await attempt(
      db,
      claims(sub(), m.email, true, { groups: ["platform", "Allotment-Admins", "Unknown"] }),
      settings,
    );
    expect(r).toMatchObject({ ok: true, member: { id: m.id, role: "ADMIN" } });
    const groups = (
      await db.groupMember.findMany({ where: { memberId: m.id }, select: { groupId: true } })
    )
      .map((g) => g.groupId)
      .sort();
    expect(groups).toEqual([platform.id, vendor.id].sort());
    expect((await db.member.findUniqueOrThrow({ where: { id: m.id } })).role).toBe("ADMIN");
    const log = await events(db, ws.id);
    expect(log.find((e) => e.action === "member.groups_from_sso")?.after).toMatchObject({
      joined: ["Platform"],
      left: ["Mobile"],
      groups: ["Platform"],
    });
    expect(log.find((e) => e.action === "member.role_from_sso")?.after).toMatchObject({
      role: "ADMIN",
    });
    expect(log.at(-1)).toMatchObject({ action: "auth.signin", after: { role: "ADMIN" } });
  });

  it("leaving every mapped group makes a MEMBER, but the last active owner is never demoted; no claim changes nothing", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const owner = await makeMember(db, ws.id, { email: email("only-owner"), role: "OWNER" });
    const admin = await makeMember(db, ws.id, { email: email("admin"), role: "ADMIN" });
    const ownerSub = sub();
    expect(
      await attempt(db, claims(ownerSub, owner.email, true, { groups: [] }), settings),
    ).toMatchObject({ ok: true, member: { role: "OWNER" } });
    expect(
      (await events(db, ws.id)).find((e) => e.action === "member.role_from_sso")?.after,
    ).toMatchObject({
      role: "OWNER",
      wanted: "MEMBER",
      kept: "last active owner of the workspace",
    });
    const adminSub = sub();
    expect(
      await attempt(db, claims(adminSub, admin.email, true, { groups: ["Everyone"] }), settings),
    ).toMatchObject({ ok: true, member: { role: "MEMBER" } });
    // a second owner exists → the first may be demoted
    await makeMember(db, ws.id, { email: email("owner-2"), role: "OWNER" });
    expect(
      await attempt(db, claims(ownerSub, owner.email, true, { groups: ["Everyone"] }), settings),
    ).toMatchObject({ ok: true, member: { role: "MEMBER" } });
    // no groups claim in this sign-in: nothing is known, nothing changes
    await db.member.update({ where: { id: admin.id }, data: { role: "ADMIN" } });
    expect(await attempt(db, claims(adminSub, admin.email), settings)).toMatchObject({
      ok: true,
      member: { role: "ADMIN" },
    });
  });

  it("without the groups claim in the token, groups and role stay as they are", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const m = await makeMember(db, ws.id, { email: email("keep"), role: "FINANCE" });
    const g = await db.group.create({
      data: { workspaceId: ws.id, name: "Finance", costCenter: "CC-9" },
    });
    await db.groupMember.create({ data: { groupId: g.id, memberId: m.id } });
    expect(await attempt(db, claims(sub(), m.email), settings)).toMatchObject({
      ok: true,
      member: { role: "FINANCE" },
    });
    expect(await db.groupMember.count({ where: { memberId: m.id } })).toBe(1);
    expect((await events(db, ws.id)).map((e) => e.action)).toEqual([
      "auth.identity_linked",
      "auth.signin",
    ]);
  });
});

describe("the Audit page's reads", () => {
  it("newest first, one action or a prefix, keyset pages", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const m = await makeMember(db, ws.id, { email: email("audited") });
    const s = sub();
    await attempt(db, claims(s, m.email));
    await attempt(db, claims(s, m.email, false));
    await attempt(db, claims(s, m.email));
    const all = await listAuditPage(db, { workspaceId: ws.id, limit: 50 });
    expect(all.rows.map((r) => r.action)).toEqual([
      "auth.signin",
      "auth.signin_refused",
      "auth.signin",
      "auth.identity_linked",
    ]);
    expect(all.rows[1]!.summary).toMatch(/^Refused: email not verified/);
    expect(all.olderBefore).toBeNull();
    const auth = await listAuditPage(db, { workspaceId: ws.id, action: "auth.*", limit: 2 });
    expect(auth.rows).toHaveLength(2);
    expect(auth.olderBefore).toBe(auth.rows[1]!.id);
    const older = await listAuditPage(db, {
      workspaceId: ws.id,
      action: "auth.*",
      limit: 2,
      before: auth.olderBefore!,
    });
    expect(older.rows.map((r) => r.action)).toEqual(["auth.signin", "auth.identity_linked"]);
    expect(
      (await listAuditPage(db, { workspaceId: ws.id, action: "auth.signin_refused", limit: 50 }))
        .rows,
    ).toHaveLength(1);
  });
});

describe("next-auth's callbacks", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetEnvCache();
  });

  function ssoOptions() {
    Object.assign(process.env, {
      ALLOTMENT_DEMO_MODE: "",
      NEXTAUTH_SECRET: "k3Jd9-aQz7_LmP0xVb2NcR5tYw8EuHi4sGfO1ZrTy6",
      NEXTAUTH_URL: "https://allotment.example.com",
      OIDC_ISSUER: ISSUER,
      OIDC_CLIENT_ID: "allotment",
      OIDC_CLIENT_SECRET: "secret",
    });
    resetEnvCache();
    return authOptions();
  }

  it("an accepted sign-in gets a session for the member and keeps the ID token for logout; a refused one goes to its page", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const m = await makeMember(db, ws.id, { email: email("cb"), role: "ADMIN" });
    const options = ssoOptions();
    const provider = options.providers.find((p) => p.id === "oidc") as unknown as {
      checks: string[];
      idToken: boolean;
      userinfo: { request: unknown };
    };
    expect(provider.checks).toEqual(["pkce", "state", "nonce"]);
    expect(provider.idToken).toBe(true);
    expect(typeof provider.userinfo.request).toBe("function");
    const s = sub();
    const profile = claims(s, m.email);
    const user = { id: s, email: m.email, name: "x" };
    const account = {
      provider: "oidc",
      type: "oauth",
      providerAccountId: s,
      id_token: "eyJhbGciOiJSUzI1NiJ9.e30.sig",
    };
    const signIn = options.callbacks!.signIn! as (p: unknown) => Promise<boolean | string>;
    const jwt = options.callbacks!.jwt! as (p: unknown) => Promise<Record<string, unknown>>;
    expect(await signIn({ user, account, profile })).toBe(true);
    const token = await jwt({ token: { sub: s }, user, account, profile });
    expect(token).toMatchObject({
      memberId: m.id,
      workspaceId: ws.id,
      role: "ADMIN",
      idToken: account.id_token,
    });
    expect(await isSessionLive(db, token.sessionId as string, m.id)).toBe(true);
    // the session the browser can read carries no ID token
    const session = await (
      options.callbacks!.session! as unknown as (p: unknown) => Promise<Record<string, unknown>>
    )({ session: { expires: "x" }, token });
    expect(JSON.stringify(session)).not.toContain(account.id_token);

    const stranger = claims(sub(), email("nobody"));
    expect(
      await signIn({ user: { id: "x", email: stranger.email }, account, profile: stranger }),
    ).toBe("/auth-error?error=not_a_member");
    const unverified = claims(sub(), m.email, false);
    expect(await signIn({ user: { id: "y", email: m.email }, account, profile: unverified })).toBe(
      "/auth-error?error=email_unverified",
    );
  });
});
