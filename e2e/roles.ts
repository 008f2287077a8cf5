import type { Browser, Page } from "@playwright/test";

/** The demo people each e2e journey signs in as (seeded by the simulator). */
export const ROLES = {
  owner: { email: "owner@acme.example", button: "Sign in as Owner" },
  admin: { email: "admin@acme.example", button: "Sign in as Admin" },
  finance: { email: "finance@acme.example", button: "Sign in as Finance" },
  manager: { email: "manager@acme.example", button: "Sign in as Group manager" },
  engineer: { email: "engineer@acme.example", button: "Sign in as Engineer" },
  ciAdmin: { email: "ci-admin@acme.example", button: "Sign in as Admin (Acme CI)" },
} as const;

export type RoleName = keyof typeof ROLES;

/** One folder per test server, so parallel runs (other ports/databases) never share sessions. */
export function storageStateFor(role: RoleName): string {
  return `e2e/.auth/${process.env.E2E_PORT ?? "3107"}/${role}.json`;
}

/** The window most journeys that check a layout open: a laptop's 1440 px. */
export const DESKTOP_WIDTH = 1440;

/**
 * A page signed in as `role` (the session auth.setup.ts saved), in a context of its own; with
 * `width`, a window that wide and 900 px high, else Playwright's default 1280 × 720.
 */
export async function pageAs(browser: Browser, role: RoleName, width?: number): Promise<Page> {
  const context = await browser.newContext({
    storageState: storageStateFor(role),
    ...(width === undefined ? {} : { viewport: { width, height: 900 } }),
  });
  return context.newPage();
}
