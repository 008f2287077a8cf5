import { readFileSync } from "node:fs";

import { defineConfig, type PlaywrightTestConfig } from "@playwright/test";

import { CHROMIUM_ARGS, chromiumPath } from "./e2e/browser";
import { clockFile } from "./e2e/clock";
import {
  FAKE_CLIENT,
  OIDC_ISSUER,
  OIDC_PORT,
  SSO_APP_ORIGIN,
  SSO_APP_PORT,
  SSO_DISPLAY_NAME,
} from "./e2e/oidc-env";

// scripts/test-all.sh prepares the database (migrate + seed at the pinned e2e "today", e2e/clock.ts)
// and the production build, then runs this suite once per engine with E2E_DATABASE_URL.
const port = Number(process.env.E2E_PORT ?? 3107);
const baseURL = `http://127.0.0.1:${port}`;
const databaseUrl = process.env.E2E_DATABASE_URL ?? "file:./data/e2e.db";
const engine = databaseUrl.startsWith("postgres") ? "postgres" : "sqlite";
const sqliteOnly = JSON.parse(
  readFileSync(new URL("./e2e/sqlite-only.json", import.meta.url), "utf8"),
) as { specs: Record<string, string> };
const leftOut = engine === "postgres" ? Object.keys(sqliteOnly.specs) : [];
// the provider and the single-sign-on server only for the run that has the sign-in journey
const withSso = !process.env.E2E_ISOLATED && !leftOut.includes("oidc.spec.ts");

/** An Allotment server on the suite's build and database; `env` says how it signs people in. */
function appServer(serverPort: number, origin: string, env: Record<string, string>) {
  return {
    // Playwright's API requests reuse keep-alive sockets: a server that closes an idle one after
    // Node's default 5 s can close it as a request goes out (ECONNRESET on a busy machine)
    command: `npx next start -p ${serverPort} -H 127.0.0.1 --keepAliveTimeout 600000`,
    url: `${origin}/signin`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
    env: {
      DATABASE_URL: databaseUrl,
      ALLOTMENT_ENCRYPTION_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
      NEXT_TELEMETRY_DISABLED: "1",
      TZ: process.env.E2E_TZ ?? "UTC",
      ...env,
    },
  };
}

/** Single sign-on (e2e/oidc.spec.ts): a local OpenID Connect provider and an app that uses it. */
function ssoServers(): Extract<PlaywrightTestConfig["webServer"], unknown[]> {
  return [
    // the provider on its spec defaults (tests/fake-oidc), started before the server that needs it …
    {
      command: "npx tsx tests/fake-oidc/server.ts",
      url: `${OIDC_ISSUER}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
      env: { FAKE_OIDC_PORT: String(OIDC_PORT), FAKE_OIDC_APP_ORIGINS: SSO_APP_ORIGIN },
    },
    // … and a second Allotment server on the same build and database in production mode: no
    // demo sign-in, NEXTAUTH_URL its origin, OIDC_* pointing at the provider (http allowed for
    // 127.0.0.1 only by ALLOTMENT_OIDC_ALLOW_HTTP).
    appServer(SSO_APP_PORT, SSO_APP_ORIGIN, {
      ALLOTMENT_DEMO_MODE: "",
      AUTH_TRUST_HOST: "",
      ALLOTMENT_ALLOW_CLOCK_OVERRIDE: "",
      ALLOTMENT_GATEWAY_PORT: "",
      ALLOTMENT_SCHEDULER: "off",
      NEXTAUTH_URL: SSO_APP_ORIGIN,
      NEXTAUTH_SECRET: "sso-e2e-Xq7vR2mL9pK4tW8zN3bC6yH1jF5dG0sAeU",
      OIDC_ISSUER,
      OIDC_CLIENT_ID: FAKE_CLIENT.clientId,
      OIDC_CLIENT_SECRET: FAKE_CLIENT.clientSecret,
      OIDC_DISPLAY_NAME: SSO_DISPLAY_NAME,
      ALLOTMENT_OIDC_ALLOW_HTTP: "1",
    }),
  ];
}

export default defineConfig({
  testDir: "e2e",
  outputDir: `test-results/e2e-${engine}-${port}`,
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  globalSetup: "./e2e/global-setup.ts",
  retries: 0,
  // hang guards, not speed checks: with both cores busy (other builds, busy loops) a five-page
  // walk has taken 66 s and a page 15 s to show, so allow three minutes per test, 30 s per expect
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    // a trace records every action's snapshots even for tests that pass; under CI, where the
    // failure's message, log and screenshot are what is read, that is CPU spent for nothing
    trace: process.env.CI ? "off" : "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? chromiumPath(),
      args: CHROMIUM_ARGS,
    },
  },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    {
      name: "chromium",
      dependencies: ["setup"],
      // e2e/isolated/: journeys that leave a vendor's state behind or need the governed demo,
      // run on freshly seeded databases of their own (scripts/test-all.sh, E2E_ISOLATED=1);
      // e2e/sqlite-only.json: journeys that run on SQLite only, with the reason
      testIgnore: [
        /auth\.setup\.ts/,
        ...(process.env.E2E_ISOLATED ? [] : [/isolated\//]),
        ...(engine === "postgres"
          ? Object.keys(sqliteOnly.specs).map((spec) => `**/e2e/${spec}`)
          : []),
      ],
    },
  ],
  webServer: [
    appServer(port, baseURL, {
      ALLOTMENT_DEMO_MODE: "1",
      // deterministic e2e: nothing runs behind the tests' backs (passes are triggered from the UI)
      ALLOTMENT_SCHEDULER: "off",
      ALLOTMENT_ALLOW_CLOCK_OVERRIDE: "1",
      ALLOTMENT_CLOCK_FILE: clockFile,
      // demo mode trusts the Host header, so sign-in works at 127.0.0.1, localhost or the machine's name
      AUTH_TRUST_HOST: "1",
      NEXTAUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e-secret-0123456789",
      ALLOTMENT_SIGNIN_MAX_ATTEMPTS: "200",
    }),
    ...(withSso ? ssoServers() : []),
  ],
});
