import { describe, expect, it } from "vitest";

import { describeAuditEvent, parseActionFilter } from "./audit-view";

describe("the Audit page's summaries", () => {
  it("sign-ins read as sentences", () => {
    expect(
      describeAuditEvent("auth.signin", undefined, {
        issuer: "https://acme.okta.com/oauth2/default",
        role: "OWNER",
        linkedNow: true,
      }),
    ).toBe(
      "Signed in with single sign-on (acme.okta.com) · role OWNER · account linked on this sign-in",
    );
    expect(
      describeAuditEvent("auth.signin_refused", undefined, {
        reason: "email_unverified",
        email: "finance@acme.example",
        emailVerified: false,
        issuer: "http://127.0.0.1:13107",
      }),
    ).toBe(
      "Refused: email not verified · finance@acme.example · email_verified false · via 127.0.0.1:13107",
    );
    expect(
      describeAuditEvent("auth.signin_refused", undefined, {
        reason: "email_missing",
        sub: "s-1",
        issuer: "x",
      }),
    ).toMatch(/no email from the provider · subject s-1/);
    expect(describeAuditEvent("member.role_from_sso", { role: "MEMBER" }, { role: "ADMIN" })).toBe(
      "Role MEMBER → ADMIN from provider groups",
    );
    expect(
      describeAuditEvent(
        "member.role_from_sso",
        { role: "OWNER" },
        { role: "OWNER", wanted: "MEMBER", kept: "last active owner of the workspace" },
      ),
    ).toMatch(/Role kept OWNER/);
    expect(
      describeAuditEvent("member.groups_from_sso", {}, { joined: ["Platform"], left: ["Mobile"] }),
    ).toBe("Groups from provider: joined Platform; left Mobile");
  });

  it("other events show their before → after briefly", () => {
    expect(
      describeAuditEvent("limit.update", { amount: "100" }, { amount: "200", nested: { a: 1 } }),
    ).toBe("amount: 100 → amount: 200");
    expect(describeAuditEvent("token.revoke", undefined, undefined)).toBe("");
    expect(
      describeAuditEvent("x", undefined, { long: "y".repeat(400) }).length,
    ).toBeLessThanOrEqual(160);
  });

  it("the action filter accepts action names and one prefix form only", () => {
    expect(parseActionFilter("auth.signin_refused")).toBe("auth.signin_refused");
    expect(parseActionFilter("auth.*")).toBe("auth.*");
    expect(parseActionFilter("enforcement.plan.apply")).toBe("enforcement.plan.apply");
    for (const bad of ["", "*", "auth.%", "AUTH", "a' OR 1=1", ["auth.*"], "a".repeat(65)])
      expect(parseActionFilter(bad)).toBeUndefined();
  });
});
