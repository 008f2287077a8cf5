import { expect, test as setup } from "@playwright/test";

import { ROLES, storageStateFor, type RoleName } from "./roles";

// Signs in once per role by clicking the demo sign-in page, like a person would.
for (const role of Object.keys(ROLES) as RoleName[]) {
  setup(`sign in as ${role}`, async ({ page }) => {
    await page.goto("/signin");
    const button = page.getByTestId(`demo-signin-${ROLES[role].email}`);
    await expect(button).toContainText(ROLES[role].button);
    await button.click();
    // an engineer lands on their own budget, everyone who sees more on the Overview
    await page.waitForURL(role === "engineer" ? "**/me" : "**/overview");
    await expect(page.getByTestId("user-role")).toBeVisible();
    await page.context().storageState({ path: storageStateFor(role) });
  });
}
