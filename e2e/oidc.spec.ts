import { execFileSync } from "node:child_process";

import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";

import { FAKE_ACCOUNTS } from "../tests/fake-oidc/accounts";
import { OIDC_ISSUER, SSO_APP_ORIGIN, SSO_DISPLAY_NAME } from "./oidc-env";
import { saveScreenshot } from "./screenshots";

// Issue 22: single sign-on through a real OpenID Connect provider (panva's oidc-provider on its
// spec defaults: email and email_verified only from UserInfo, tests/fake-oidc) into a second
// Allotment server in production mode (playwright.config.ts), in a real browser: the provider's
// own login, consent and logout pages. Runs in order: later journeys read earlier attempts.
test.describe.configure({ mode: "serial" });

interface FixtureState {
  accounts: Record<string, { members: number; linkedTo: string[] }>;
  unmatched: number;
}

function fixture<T>(action: "state" | "reset"): T {
  const out = execFileSync(
    "npx",
    ["tsx", "--conditions=react-server", "e2e/fixtures/oidc-fixture.ts", action, OIDC_ISSUER],
    {
      env: {
        ...process.env,
        DATABASE_URL: process.env.E2E_DATABASE_URL ?? "file:./data/e2e.db",
        NODE_ENV: "test",
      },
      encoding: "utf8",
    },
  );
  return JSON.parse(out.trim().split("\n").pop()!) as T;
}

const isLocal = (url: URL) => url.hostname === "127.0.0.1" || url.hostname === "localhost";

/** A fresh browser on the SSO server; anything not on this machine is refused outright. */
async function ssoContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: SSO_APP_ORIGIN,
    storageState: { cookies: [], origins: [] },
  });
  await context.route(
    (url) => !isLocal(url),
    (route) => route.abort(),
  );
  return context;
}

const onProvider = (page: Page) => page.url().startsWith(OIDC_ISSUER);

/** From the sign-in page to the provider's login form. */
async function startSignIn(page: Page): Promise<void> {
  await page.goto("/signin");
  await expect(page.getByTestId("demo-signin-owner@acme.example")).toHaveCount(0); // production mode: no demo sign-in
  await page.getByTestId("oidc-signin").click();
  await page.waitForURL((u) => u.href.startsWith(OIDC_ISSUER));
}

/** Types the account's login at the provider, consents when asked, and waits to be back at Allotment. */
async function loginAtProvider(page: Page, login: keyof typeof FAKE_ACCOUNTS): Promise<void> {
  await expect(page.locator('input[name="login"]')).toBeVisible();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.waitForURL(
    (u) => u.href.startsWith(SSO_APP_ORIGIN) || u.pathname.startsWith("/interaction/"),
  );
  if (onProvider(page)) {
    // the provider's consent page (the first time an account meets this client)
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL((u) => u.href.startsWith(SSO_APP_ORIGIN));
  }
}

async function signIn(page: Page, login: keyof typeof FAKE_ACCOUNTS): Promise<void> {
  await startSignIn(page);
  await loginAtProvider(page, login);
}

async function setProviderFault(
  page: Page,
  fault: { token?: "invalid_client" | "drop"; discovery?: "drop" },
): Promise<void> {
  const res = await page.request.post(`${OIDC_ISSUER}/__test/fault`, { data: fault });
  expect(res.ok()).toBe(true);
}

async function shoot(page: Page, name: string): Promise<void> {
  await saveScreenshot(page, `sso-${name}`, { attachTo: test.info() });
}

test.beforeAll(() => {
  fixture("reset");
});

test.afterEach(async ({ browser }) => {
  // a failed journey must not leave the provider broken for the next one
  const context = await browser.newContext();
  await context.request.post(`${OIDC_ISSUER}/__test/fault`, { data: {} });
  await context.close();
});

test("the owner signs in through the provider and lands on Overview as Owner; the account is linked", async ({
  browser,
}) => {
  const context = await ssoContext(browser);
  const page = await context.newPage();
  // the authorization request carries state, a nonce and a PKCE S256 challenge, and asks for email
  const authorize = page.waitForRequest((r) => r.url().startsWith(`${OIDC_ISSUER}/auth?`));
  await startSignIn(page);
  const params = new URL((await authorize).url()).searchParams;
  expect(params.get("response_type")).toBe("code");
  expect(params.get("scope")).toBe("openid email profile");
  expect(params.get("code_challenge_method")).toBe("S256");
  for (const p of ["state", "nonce", "code_challenge"])
    expect(params.get(p)?.length ?? 0).toBeGreaterThanOrEqual(20);
  await loginAtProvider(page, "owner");
  await expect(page).toHaveURL(`${SSO_APP_ORIGIN}/overview`);
  await expect(page.getByTestId("user-role")).toHaveText("Owner");
  await expect(page.getByTestId("workspace-name")).toHaveText("Acme Engineering");
  const me = (await (await page.request.get("/api/me")).json()) as { email: string };
  expect(me.email).toBe("owner@acme.example");
  expect(fixture<FixtureState>("state").accounts.owner!.linkedTo).toEqual(["owner@acme.example"]);
  await context.close();
});

test("the engineer signs in and lands on My budget as a member, without admin screens", async ({
  browser,
}) => {
  const context = await ssoContext(browser);
  const page = await context.newPage();
  await signIn(page, "engineer");
  await expect(page).toHaveURL(`${SSO_APP_ORIGIN}/me`);
  await expect(page.getByRole("heading", { level: 1, name: "My budget" })).toBeVisible();
  await expect(page.getByTestId("user-role")).not.toHaveText(/Owner|Admin|Finance/);
  expect((await page.goto("/audit"))?.status()).toBe(403);
  expect(fixture<FixtureState>("state").accounts.engineer!.linkedTo).toEqual([
    "engineer@acme.example",
  ]);
  await context.close();
});

test("a verified address that is no member's is refused, and nothing is created", async ({
  browser,
}) => {
  const before = fixture<FixtureState>("state");
  const context = await ssoContext(browser);
  const page = await context.newPage();
  await signIn(page, "stranger");
  await expect(page).toHaveURL(/\/auth-error\?error=not_a_member/);
  await expect(page.getByTestId("auth-error-title")).toHaveText(
    "You are not a member of any workspace",
  );
  await expect(page.getByText("For your administrator")).toBeVisible();
  await shoot(page, "not-a-member");
  expect((await page.request.get("/api/me")).status()).toBe(401);
  const after = fixture<FixtureState>("state");
  expect(after.accounts.stranger).toEqual({ members: 0, linkedTo: [] });
  expect(after.unmatched).toBe(before.unmatched + 1);
  await context.close();
});

test("an unverified email is refused even though it is a member's address", async ({ browser }) => {
  const context = await ssoContext(browser);
  const page = await context.newPage();
  await signIn(page, "unverified");
  await expect(page).toHaveURL(/\/auth-error\?error=email_unverified/);
  await expect(page.getByTestId("auth-error-title")).toHaveText(
    "Your email address is not verified",
  );
  await expect(page.getByText(/xms_edov/)).toBeVisible();
  await shoot(page, "email-unverified");
  expect((await page.request.get("/api/me")).status()).toBe(401);
  // finance@ is still finance@: the unverified account was not linked to the member
  expect(fixture<FixtureState>("state").accounts.unverified).toEqual({ members: 1, linkedTo: [] });
  await context.close();
});

test("sign-out ends the provider's session too: the next sign-in asks for credentials again", async ({
  browser,
}) => {
  const context = await ssoContext(browser);
  const page = await context.newPage();
  await signIn(page, "owner");
  await expect(page).toHaveURL(`${SSO_APP_ORIGIN}/overview`);
  const stolen = await context.storageState();

  // without a logout, the provider's session would sign straight back in
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((u) => u.href.startsWith(`${OIDC_ISSUER}/session/end`));
  const endSession = new URL(page.url());
  expect(endSession.searchParams.get("id_token_hint")).toBeTruthy();
  expect(endSession.searchParams.get("post_logout_redirect_uri")).toBe(`${SSO_APP_ORIGIN}/signin`);
  await shoot(page, "provider-logout");
  await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await page.waitForURL(`${SSO_APP_ORIGIN}/signin`);
  expect((await page.request.get("/api/me")).status()).toBe(401);

  // Allotment's server-side session is over: a copy of the old cookie no longer works
  const replay = await browser.newContext({ baseURL: SSO_APP_ORIGIN, storageState: stolen });
  expect((await replay.request.get("/api/me")).status()).toBe(401);
  await replay.close();

  // and the provider asks who you are again
  await page.getByTestId("oidc-signin").click();
  await page.waitForURL((u) => u.href.startsWith(OIDC_ISSUER));
  await expect(page.locator('input[name="login"]')).toBeVisible();
  await loginAtProvider(page, "owner");
  await expect(page).toHaveURL(`${SSO_APP_ORIGIN}/overview`);
  await context.close();
});

test.describe("failures at the provider get their own page", () => {
  test("cancelling at the provider", async ({ browser }) => {
    const context = await ssoContext(browser);
    const page = await context.newPage();
    await startSignIn(page);
    await page.getByRole("link", { name: "[ Cancel ]" }).click();
    await page.waitForURL(/\/auth-error\?error=cancelled/);
    await expect(page.getByTestId("auth-error-title")).toHaveText("Sign-in was cancelled");
    await shoot(page, "cancelled");
    await context.close();
  });

  test("a wrong client secret (the provider answers invalid_client)", async ({ browser }) => {
    const context = await ssoContext(browser);
    const page = await context.newPage();
    await setProviderFault(page, { token: "invalid_client" });
    await signIn(page, "owner");
    await expect(page).toHaveURL(/\/auth-error\?error=client_misconfigured&detail=invalid_client/);
    await expect(page.getByTestId("auth-error-title")).toHaveText(
      "Single sign-on is not set up correctly",
    );
    await expect(page.getByText(/OIDC_CLIENT_SECRET/)).toBeVisible();
    await shoot(page, "client-misconfigured");
    expect((await page.request.get("/api/me")).status()).toBe(401);
    await context.close();
  });

  test("the provider going away during the sign-in", async ({ browser }) => {
    const context = await ssoContext(browser);
    const page = await context.newPage();
    await setProviderFault(page, { token: "drop" });
    await signIn(page, "owner");
    await expect(page).toHaveURL(/\/auth-error\?error=provider_unreachable/);
    await expect(page.getByTestId("auth-error-title")).toHaveText(
      "The sign-in provider could not be reached",
    );
    await shoot(page, "provider-unreachable");
    await context.close();
  });

  test("the provider down before the sign-in starts", async ({ browser }) => {
    const context = await ssoContext(browser);
    const page = await context.newPage();
    await page.goto("/signin");
    await setProviderFault(page, { discovery: "drop" });
    await page.getByTestId("oidc-signin").click();
    await page.waitForURL(/\/auth-error\?error=provider_unreachable/);
    await expect(page.getByTestId("auth-error-title")).toHaveText(
      "The sign-in provider could not be reached",
    );
    await context.close();
  });

  test("a callback without the browser's state (a forged or replayed answer)", async ({
    browser,
  }) => {
    const context = await ssoContext(browser);
    const page = await context.newPage();
    await page.goto(
      `/api/auth/callback/oidc?code=forged-code&state=forged-state&iss=${encodeURIComponent(OIDC_ISSUER)}`,
    );
    await expect(page).toHaveURL(/\/auth-error\?error=security_check_failed/);
    await expect(page.getByTestId("auth-error-title")).toHaveText(
      "The sign-in could not be verified",
    );
    await shoot(page, "security-check-failed");
    expect((await page.request.get("/api/me")).status()).toBe(401);
    await context.close();
  });
});

test("every attempt is on the Audit page", async ({ browser }) => {
  const context = await ssoContext(browser);
  const page = await context.newPage();
  await signIn(page, "owner");
  await page.goto("/audit?action=auth.*");
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  const rows = page.getByTestId("audit-row");
  // accepted sign-ins of both members, the link made on the first one, the unverified refusal
  await expect(
    rows.filter({ hasText: "owner@acme.example" }).filter({ hasText: "auth.signin" }).first(),
  ).toBeVisible();
  await expect(
    rows
      .filter({ hasText: "engineer@acme.example" })
      .filter({ hasText: "Signed in with single sign-on" })
      .first(),
  ).toBeVisible();
  await expect(
    rows
      .filter({ hasText: "auth.identity_linked" })
      .filter({ hasText: "engineer@acme.example" })
      .first(),
  ).toBeVisible();
  const refused = rows
    .filter({ hasText: "auth.signin_refused" })
    .filter({ hasText: "finance@acme.example" })
    .first();
  await expect(refused).toContainText("email not verified");
  // attempts that named nobody: the stranger, and the failures at the provider
  const unmatched = page.getByTestId("unmatched-row");
  await expect(unmatched.filter({ hasText: "stranger@elsewhere.example" }).first()).toContainText(
    "not a member",
  );
  for (const reason of [
    "cancelled",
    "client_misconfigured",
    "provider_unreachable",
    "security_check_failed",
  ]) {
    await expect(
      page.locator(`[data-testid="unmatched-row"][data-reason="${reason}"]`).first(),
    ).toBeVisible();
  }
  await shoot(page, "audit");

  // the filter narrows the list to one action
  await page.getByTestId("audit-action-filter").selectOption("auth.signin_refused");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/action=auth\.signin_refused/);
  await expect(rows.first()).toBeVisible();
  for (const action of await rows.evaluateAll((els) =>
    els.map((e) => e.getAttribute("data-action")),
  ))
    expect(action).toBe("auth.signin_refused");
  await context.close();
});

test("the sign-in page offers the provider by its configured name", async ({ browser }) => {
  const context = await ssoContext(browser);
  const page = await context.newPage();
  await page.goto("/signin");
  await expect(page.getByTestId("oidc-signin")).toHaveText(`Continue with ${SSO_DISPLAY_NAME}`);
  await context.close();
});
