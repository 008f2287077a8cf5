import { afterEach, describe, expect, it } from "vitest";

import { resetEnvCache } from "../server/env";
import {
  issuerProblem,
  normalizeIssuer,
  oidcProblems,
  parseRoleMap,
  type OidcEnv,
} from "./oidc-config";
import { startupProblems } from "./startup";

const prod = { demoMode: false, allowHttp: false };

describe("OIDC_ISSUER at start-up", () => {
  it.each([
    ["https://login.example.com/oauth2/default", prod, null],
    ["https://accounts.google.com", prod, null],
    ["https://login.microsoftonline.com/0b4c3e0a-1111-2222-3333-444455556666/v2.0", prod, null],
    // no scheme: URL parsing takes "localhost:" for one, and every sign-in would fail
    ["localhost:18900", prod, /"localhost:18900" is not an absolute URL \(no scheme\)/],
    ["login.example.com", prod, /not an absolute URL/],
    ["/oauth2/default", prod, /not an absolute URL/],
    ["ftp://login.example.com", prod, /not an http\(s\) URL/],
    ["https://login.example.com/?tenant=1", prod, /query/],
    ["https://user:pw@login.example.com", prod, /credentials/],
    // plain http: refused in production …
    ["http://login.example.com", prod, /plain http/],
    [
      "http://127.0.0.1:18900",
      prod,
      /ALLOTMENT_OIDC_ALLOW_HTTP=1 allows http for a provider on localhost only/,
    ],
    // … allowed with the flag for this machine only …
    ["http://127.0.0.1:18900", { demoMode: false, allowHttp: true }, null],
    ["http://localhost:18900", { demoMode: false, allowHttp: true }, null],
    ["http://[::1]:18900", { demoMode: false, allowHttp: true }, null],
    [
      "http://idp.internal:8080",
      { demoMode: false, allowHttp: true },
      /only allows http for localhost/,
    ],
    // … and in demo mode (demo data only)
    ["http://idp.internal:8080", { demoMode: true, allowHttp: false }, null],
    ["localhost:18900", { demoMode: true, allowHttp: false }, /no scheme/],
    ["http:/login.example.com", prod, /no scheme/],
  ] as const)("%s (%j)", (issuer, opts, expected) => {
    const problem = issuerProblem(issuer, opts);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it("the issuer is compared without trailing slashes", () => {
    expect(normalizeIssuer("https://tenant.auth0.com/")).toBe("https://tenant.auth0.com");
    expect(normalizeIssuer(" https://x.example/oauth2/default// ")).toBe(
      "https://x.example/oauth2/default",
    );
  });
});

describe("OIDC_ROLE_MAP", () => {
  it("maps provider groups (case-insensitive) to roles", () => {
    const { map, problems } = parseRoleMap(
      "allotment-owners=OWNER, Allotment Admins = admin ,,okta:finance=FINANCE",
    );
    expect(problems).toEqual([]);
    expect([...map]).toEqual([
      ["allotment-owners", "OWNER"],
      ["allotment admins", "ADMIN"],
      ["okta:finance", "FINANCE"],
    ]);
  });

  it("names bad entries", () => {
    expect(parseRoleMap("admins").problems[0]).toMatch(/not group=ROLE/);
    expect(parseRoleMap("admins=ROOT").problems[0]).toMatch(/ROOT is not a role/);
    expect(parseRoleMap("a=OWNER,A=ADMIN").problems[0]).toMatch(/twice/);
    expect(parseRoleMap(undefined)).toEqual({ map: new Map(), problems: [] });
  });
});

describe("single sign-on settings", () => {
  const base: OidcEnv = {
    OIDC_DISPLAY_NAME: "SSO",
    OIDC_SCOPES: "openid email profile",
    ALLOTMENT_OIDC_ALLOW_HTTP: false,
    ALLOTMENT_DEMO_MODE: false,
    OIDC_ISSUER: "https://id.example.com",
  };
  it("flags what cannot work", () => {
    expect(oidcProblems(base)).toEqual([]);
    expect(oidcProblems({ ...base, OIDC_SCOPES: "email profile" }).join()).toMatch(
      /must include openid/,
    );
    expect(oidcProblems({ ...base, OIDC_ROLE_MAP: "a=OWNER" }).join()).toMatch(
      /OIDC_GROUPS_CLAIM is not/,
    );
    expect(oidcProblems({ ...base, OIDC_GROUPS_CLAIM: "my groups" }).join()).toMatch(
      /not a claim name/,
    );
    expect(oidcProblems({ ...base, OIDC_EMAIL_VERIFIED_CLAIM: "email" }).join()).toMatch(
      /email_verified is always honoured/,
    );
    expect(
      oidcProblems({
        ...base,
        OIDC_EMAIL_VERIFIED_CLAIM: "xms_edov",
        OIDC_GROUPS_CLAIM: "groups",
        OIDC_ROLE_MAP: "Allotment Owners=OWNER",
      }),
    ).toEqual([]);
  });
});

describe("startupProblems refuses an unusable issuer outside demo mode", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    resetEnvCache();
  });
  const production = {
    NEXTAUTH_SECRET: "k3Jd9-aQz7_LmP0xVb2NcR5tYw8EuHi4sGfO1ZrTy6",
    ALLOTMENT_ENCRYPTION_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    NEXTAUTH_URL: "https://allotment.example.com",
    OIDC_CLIENT_ID: "c",
    OIDC_CLIENT_SECRET: "s",
  };
  function withEnv(vars: Record<string, string>) {
    for (const k of Object.keys(process.env))
      if (
        k.startsWith("OIDC_") ||
        k.startsWith("ALLOTMENT_") ||
        k.startsWith("NEXTAUTH") ||
        k === "AUTH_TRUST_HOST"
      )
        delete process.env[k];
    Object.assign(process.env, vars);
    resetEnvCache();
  }

  it("localhost:18900 (no scheme) does not pass any more", () => {
    withEnv({ ...production, OIDC_ISSUER: "localhost:18900" });
    expect(startupProblems().join("\n")).toMatch(/OIDC_ISSUER "localhost:18900"/);
  });

  it("http is refused without the flag, and the flag only covers this machine", () => {
    withEnv({ ...production, OIDC_ISSUER: "http://127.0.0.1:18900" });
    expect(startupProblems().join("\n")).toMatch(/plain http/);
    withEnv({
      ...production,
      OIDC_ISSUER: "http://127.0.0.1:18900",
      ALLOTMENT_OIDC_ALLOW_HTTP: "1",
    });
    expect(startupProblems()).toEqual([]);
    withEnv({
      ...production,
      OIDC_ISSUER: "http://idp.corp.example",
      ALLOTMENT_OIDC_ALLOW_HTTP: "1",
    });
    expect(startupProblems().join("\n")).toMatch(/only allows http for localhost/);
  });

  it("an https issuer starts", () => {
    withEnv({ ...production, OIDC_ISSUER: "https://id.example.com/" });
    expect(startupProblems()).toEqual([]);
  });
});
