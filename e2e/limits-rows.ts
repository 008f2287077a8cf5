import type { Locator, Page } from "@playwright/test";

/**
 * A person's row in the Limits screen's member table. Rows are keyed by member id (an address
 * is no test id: a service account's internal one is never sent to the browser), so a person
 * is found by the email that starts the line under their name ("eli@… · Platform"): exactly,
 * not "ci-admin@…" for "admin@…".
 */
export function limitsMemberRow(page: Page, email: string): Locator {
  const escaped = email.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return page
    .locator('[data-testid^="member-row-"]')
    .filter({ has: page.getByText(new RegExp(`^${escaped}( ·|$)`)) });
}
