import type { Page } from "@playwright/test";

/** What a person types into the credit request form: whole units of the workspace's currency. */
export interface RequestInput {
  amount: string;
  reason: string;
  /** a day key, for a grant that ends */
  neededUntil?: string;
  link?: string;
}

/**
 * Fills and sends the credit request form on the page (the /requests page's own) and returns
 * the request's number and the confirmation the page showed.
 */
export async function sendRequest(
  page: Page,
  input: RequestInput,
): Promise<{ id: number; text: string }> {
  const form = page.getByTestId("request-form");
  await form.locator('input[name="amount"]').fill(input.amount);
  if (input.neededUntil) await form.locator('input[name="neededUntil"]').fill(input.neededUntil);
  await form.locator('textarea[name="reason"]').fill(input.reason);
  if (input.link) await form.locator('input[name="link"]').fill(input.link);
  await form.getByRole("button", { name: "Send request" }).click();
  const text = await page.getByTestId("request-sent").innerText();
  return { id: Number(/#(\d+)/.exec(text)![1]), text };
}
