import { afterEach, describe, expect, it } from "vitest";

import { resetEnvCache, settingsProblems } from "./env";

const saved = { ...process.env };
const STRONG = "k3Jd9-aQz7_LmP0xVb2NcR5tYw8EuHi4sGfO1ZrTy6";

function withEnv(vars: Record<string, string | undefined>) {
  for (const k of [
    "ALLOTMENT_DEMO_MODE",
    "NEXTAUTH_URL",
    "AUTH_TRUST_HOST",
    "NEXTAUTH_SECRET",
    "ALLOTMENT_ENCRYPTION_KEY",
    "OIDC_ISSUER",
    "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET",
  ])
    delete process.env[k];
  Object.assign(process.env, vars);
  resetEnvCache();
}

afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});

const production = {
  NEXTAUTH_SECRET: STRONG,
  ALLOTMENT_ENCRYPTION_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
  OIDC_ISSUER: "https://id.example.com",
  OIDC_CLIENT_ID: "c",
  OIDC_CLIENT_SECRET: "s",
};

describe("the sign-in origin at start-up", () => {
  it("a production server with NEXTAUTH_URL starts", () => {
    withEnv({ ...production, NEXTAUTH_URL: "https://allotment.example.com" });
    expect(settingsProblems()).toEqual([]);
  });

  it("outside demo mode NEXTAUTH_URL is required", () => {
    withEnv(production);
    expect(settingsProblems().join("\n")).toMatch(/NEXTAUTH_URL is not set/);
  });

  it("outside demo mode the Host header is never trusted", () => {
    withEnv({ ...production, NEXTAUTH_URL: "https://allotment.example.com", AUTH_TRUST_HOST: "1" });
    expect(settingsProblems().join("\n")).toMatch(/AUTH_TRUST_HOST .* demo mode only/);
  });

  it("demo mode trusts the Host header without NEXTAUTH_URL", () => {
    withEnv({ ALLOTMENT_DEMO_MODE: "1", AUTH_TRUST_HOST: "1" });
    expect(settingsProblems()).toEqual([]);
  });
});
