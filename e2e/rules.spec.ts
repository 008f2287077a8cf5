import { expect, test } from "@playwright/test";

import { sendRequest } from "./request-form";
import { pageAs } from "./roles";
import { saveScreenshot } from "./screenshots";

// Issue 15 "Controls that hold", on the screens: the decision screen shows the requester's
// limit before and after approval for the amount typed, refuses an amount the decider may
// not grant (or cannot parse) before sending it; the Settings screen says what a timezone
// change touches before it is saved.

const REASON = "Load-testing the new agent workflow against staging this week";

test.describe.serial("controls that hold", () => {
  test("the decision screen shows the limit before and after the amount typed, and what may not be granted", async ({
    browser,
  }) => {
    const engineer = await pageAs(browser, "engineer");
    await engineer.goto("/requests");
    const { id } = await sendRequest(engineer, { amount: "120", reason: REASON });

    const manager = await pageAs(browser, "manager");
    await manager.goto("/requests");
    const item = manager.getByTestId(`queue-item-${id}`);
    const current = (await item.getByTestId("queue-current").innerText()).match(
      /of ([\d,.]+) credits/,
    )![1]!;
    const before = Number(current.replace(/,/g, ""));
    const preview = item.getByTestId("grant-preview");
    const fmt = (n: number) =>
      n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    await expect(preview).toHaveText(
      new RegExp(
        `^Limit: ${fmt(before).replace(/\./g, "\\.")} credits now → ${fmt(before + 120).replace(/\./g, "\\.")} credits until \\d{4}-\\d{2}-\\d{2}`,
      ),
    );
    await item.getByLabel("Amount to grant").fill("80");
    await expect(preview).toContainText(`→ ${fmt(before + 80)} credits`);
    await saveScreenshot(manager, "rules-decision-preview");
    // a manager grants at most what was asked
    await item.getByLabel("Amount to grant").fill("150");
    await expect(preview).toContainText("at most the 120.00 credits asked for");
    await expect(item.getByRole("button", { name: "Approve" })).toBeDisabled();
    // the one parser: a decimal comma is an error, never 15
    await item.getByLabel("Amount to grant").fill("1,5");
    await expect(preview).toContainText("a comma may only separate thousands");
    await expect(item.getByRole("button", { name: "Approve" })).toBeDisabled();
    await saveScreenshot(manager, "rules-decision-refused");
    // and the server holds the same line when the screen is bypassed
    const res = await manager.request.post(`/api/requests/${id}/approve`, {
      data: { amount: "150" },
    });
    expect(res.status()).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(
      /at most the 120\.00 credits asked for/,
    );
    await manager.context().close();

    await engineer.goto("/requests");
    await engineer.getByTestId(`my-request-${id}`).getByRole("button", { name: "Cancel" }).click();
    await expect(engineer.getByTestId(`my-request-${id}`).getByTestId("request-status")).toHaveText(
      "cancelled",
    );
    await engineer.context().close();
  });

  test("Settings says what a timezone change touches before saving", async ({ browser }) => {
    const owner = await pageAs(browser, "owner");
    await owner.goto("/settings");
    const tz = owner.locator('input[name="timezone"]');
    const was = await tz.inputValue();
    const next = was === "America/New_York" ? "Europe/Berlin" : "America/New_York";
    await tz.fill(next);
    const preview = owner.getByTestId("timezone-preview");
    await expect(preview).toContainText(
      `Changing the timezone from ${was} to ${next} keeps every date's meaning`,
    );
    await expect(preview).toContainText(/needed-until day/);
    await saveScreenshot(owner, "rules-settings-timezone-preview");
    // not saved: back to what it was, the note goes away
    await tz.fill(was);
    await expect(preview).toHaveCount(0);
    await owner.context().close();
  });
});
