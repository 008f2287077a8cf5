import { describe, expect, it } from "vitest";

import {
  emailOf,
  groupsFromClaims,
  isEmailVerified,
  mergeClaims,
  needsUserinfo,
  roleFromGroups,
} from "./oidc-claims";
import { parseRoleMap } from "./oidc-config";

const none = { verifiedClaim: null, groupsClaim: null };
// what a provider on the specification's defaults puts in the ID token (oidc-provider, conformIdTokenClaims)
const bareIdToken = {
  iss: "https://id.example.com",
  sub: "s-1",
  aud: "allotment",
  exp: 2,
  iat: 1,
  nonce: "n",
};

describe("claims from the ID token and UserInfo (OIDC Core §5.4)", () => {
  it("a bare ID token needs UserInfo; one with email and email_verified does not", () => {
    expect(needsUserinfo(bareIdToken, none)).toBe(true);
    expect(needsUserinfo({ ...bareIdToken, email: "a@x.test" }, none)).toBe(true);
    expect(needsUserinfo({ ...bareIdToken, email: "a@x.test", email_verified: true }, none)).toBe(
      false,
    );
    // the configured alternative counts as the verification claim; a configured groups claim must be there too
    expect(
      needsUserinfo(
        { ...bareIdToken, email: "a@x.test", xms_edov: true },
        { verifiedClaim: "xms_edov", groupsClaim: null },
      ),
    ).toBe(false);
    expect(
      needsUserinfo(
        { ...bareIdToken, email: "a@x.test", email_verified: true },
        { verifiedClaim: null, groupsClaim: "groups" },
      ),
    ).toBe(true);
  });

  it("email and email_verified from UserInfo when the ID token has neither", () => {
    const merged = mergeClaims(
      bareIdToken,
      { sub: "s-1", email: "Owner@Acme.example", email_verified: true, name: "Olivia" },
      none,
    );
    expect(merged).toMatchObject({
      sub: "s-1",
      iss: "https://id.example.com",
      email: "Owner@Acme.example",
      email_verified: true,
      name: "Olivia",
    });
    expect(emailOf(merged)).toBe("owner@acme.example");
    expect(isEmailVerified(merged, null)).toBe(true);
  });

  it("refuses a UserInfo answer about another subject, and an ID token without sub", () => {
    expect(() =>
      mergeClaims(
        bareIdToken,
        { sub: "someone-else", email: "a@x.test", email_verified: true },
        none,
      ),
    ).toThrow(/another subject/);
    expect(() => mergeClaims({ ...bareIdToken, sub: undefined }, null, none)).toThrow(/no sub/);
    expect(() => mergeClaims(bareIdToken, { email: "a@x.test" }, none)).toThrow(/another subject/);
  });

  it("UserInfo never overrides the ID token's protocol claims or its claims", () => {
    const merged = mergeClaims(
      { ...bareIdToken, name: "From token" },
      {
        sub: "s-1",
        iss: "https://evil.example",
        aud: "other",
        nonce: "x",
        name: "From userinfo",
        locale: "de",
      },
      none,
    );
    expect(merged).toMatchObject({
      iss: "https://id.example.com",
      aud: "allotment",
      nonce: "n",
      name: "From token",
      locale: "de",
    });
  });

  it("email and its verification travel as a pair: a flag from the other source counts only for the same address", () => {
    // the ID token's email without a flag; UserInfo vouches for the same address → verified
    const same = mergeClaims(
      { ...bareIdToken, email: "a@x.test" },
      { sub: "s-1", email: "A@x.test", email_verified: true },
      none,
    );
    expect(same.email).toBe("a@x.test");
    expect(isEmailVerified(same, null)).toBe(true);
    // UserInfo vouches for another address → the ID token's address stays unverified
    const other = mergeClaims(
      { ...bareIdToken, email: "a@x.test" },
      { sub: "s-1", email: "b@x.test", email_verified: true },
      none,
    );
    expect(other.email).toBe("a@x.test");
    expect(isEmailVerified(other, null)).toBe(false);
    // the ID token's own false is not overridden by UserInfo's true
    const conflicting = mergeClaims(
      { ...bareIdToken, email: "a@x.test", email_verified: false },
      { sub: "s-1", email: "a@x.test", email_verified: true },
      none,
    );
    expect(isEmailVerified(conflicting, null)).toBe(false);
    // a verification flag without any email is dropped
    expect(mergeClaims({ ...bareIdToken, email_verified: true }, null, none)).not.toHaveProperty(
      "email_verified",
    );
  });

  it("the provider-specific verification claim follows the same pairing", () => {
    const needs = { verifiedClaim: "xms_edov", groupsClaim: null };
    const merged = mergeClaims(
      { ...bareIdToken, email: "a@x.test" },
      { sub: "s-1", email: "a@x.test", xms_edov: true },
      needs,
    );
    expect(isEmailVerified(merged, "xms_edov")).toBe(true);
    const elsewhere = mergeClaims(
      { ...bareIdToken, email: "a@x.test" },
      { sub: "s-1", email: "b@x.test", xms_edov: true },
      needs,
    );
    expect(isEmailVerified(elsewhere, "xms_edov")).toBe(false);
  });
});

describe("email_verified must be true", () => {
  const email = "a@x.test";
  it.each([
    [{ email, email_verified: true }, null, true],
    [{ email, email_verified: "true" }, null, true],
    [{ email, email_verified: false }, null, false],
    [{ email, email_verified: "false" }, null, false],
    [{ email, email_verified: 1 }, null, false],
    [{ email }, null, false],
    [{ email_verified: true }, null, false],
    [{ email: "", email_verified: true }, null, false],
    // a provider-specific claim counts only when an administrator named it …
    [{ email, xms_edov: true }, null, false],
    [{ email, xms_edov: true }, "xms_edov", true],
    [{ email, xms_edov: false }, "xms_edov", false],
    // … and never turns an explicit false into a pass unless it is itself true
    [{ email, email_verified: false, xms_edov: false }, "xms_edov", false],
  ] as const)("%j with %s → %s", (claims, verifiedClaim, expected) => {
    expect(isEmailVerified(claims, verifiedClaim)).toBe(expected);
  });
});

describe("provider groups → Allotment groups and roles", () => {
  it("reads an array or a single string; absent means 'unknown', not 'none'", () => {
    expect(
      groupsFromClaims({ groups: ["Platform", "allotment-admins", "Platform", 7, " "] }, "groups"),
    ).toEqual(["Platform", "allotment-admins"]);
    expect(groupsFromClaims({ groups: "Platform" }, "groups")).toEqual(["Platform"]);
    expect(groupsFromClaims({ groups: [] }, "groups")).toEqual([]);
    expect(groupsFromClaims({}, "groups")).toBeNull();
    expect(groupsFromClaims({ groups: { a: 1 } }, "groups")).toBeNull();
    expect(groupsFromClaims({ groups: ["x"] }, null)).toBeNull();
  });

  it("the most powerful mapped role wins; no mapped group is MEMBER; no map or no claim changes nothing", () => {
    const { map } = parseRoleMap("allotment-owners=OWNER, Allotment-Admins=admin,finance=FINANCE");
    expect(roleFromGroups(["finance", "allotment-admins"], map)).toBe("ADMIN");
    expect(roleFromGroups(["ALLOTMENT-OWNERS", "finance"], map)).toBe("OWNER");
    expect(roleFromGroups(["Platform"], map)).toBe("MEMBER");
    expect(roleFromGroups([], map)).toBe("MEMBER");
    expect(roleFromGroups(null, map)).toBeNull();
    expect(roleFromGroups(["allotment-owners"], new Map())).toBeNull();
  });
});
