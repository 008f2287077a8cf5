import { expect, test } from "@playwright/test";

import { startSmtpSink, type SmtpSink } from "../tests/helpers/smtp-sink";
import { startWebhookReceiver, type WebhookReceiver } from "../tests/helpers/webhook-receiver";
import { runFixture } from "./fixtures/run-fixture";
import { storageStateFor } from "./roles";
import { saveScreenshot } from "./screenshots";

let hooks: WebhookReceiver;
let smtp: SmtpSink;

test.beforeAll(async () => {
  runFixture("reset-alerts");
  hooks = await startWebhookReceiver();
  smtp = await startSmtpSink();
});
test.afterAll(async () => {
  await hooks?.close();
  await smtp?.close();
});

type Hook = { text?: string; allotment?: { alert?: { kind?: string; message?: string } } };

test.describe("alerts", () => {
  test.use({ storageState: storageStateFor("admin") });

  test("the runaway spike raises one anomaly alert that reaches the webhook and the SMTP sink exactly once", async ({
    page,
  }, testInfo) => {
    const runaway = runFixture<{ email: string; name: string }>("runaway");
    await page.goto("/alerts");
    await expect(page.getByText("No channels yet")).toBeVisible();

    // a Slack-compatible webhook, tested
    await page.getByLabel("Name").fill("Slack #ai-spend");
    await page.getByLabel("Webhook URL").fill(hooks.url);
    await page.getByRole("button", { name: "Add channel" }).click();
    await expect(page.getByTestId("signing-secret")).toBeVisible();
    await expect(page.getByTestId("channel-list")).toContainText("Slack #ai-spend");
    await page.getByRole("button", { name: "Send test" }).first().click();
    await expect(page.getByTestId("test-result")).toContainText("Delivered");
    await expect
      .poll(
        () =>
          hooks.received.filter((h) => (h.json as Hook).allotment?.alert?.kind === "test").length,
      )
      .toBe(1);
    expect(hooks.received[0]!.headers["x-allotment-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);

    // email through the local SMTP sink
    await page.getByLabel("Type").selectOption("email");
    await page.getByLabel("Name").fill("FinOps mail");
    await page.getByLabel("Recipients (comma-separated)").fill("finops@acme.example");
    await page.getByLabel("SMTP server").fill(smtp.url);
    await page.getByLabel("From address").fill("alerts@acme.example");
    await page.getByRole("button", { name: "Add channel" }).click();
    await expect(page.getByTestId("channel-list")).toContainText("FinOps mail");

    // evaluate twice: the second run must not raise or send anything again
    await page.getByTestId("evaluate-alerts").click();
    await expect(page.getByTestId("evaluate-result")).toBeVisible({ timeout: 60_000 });
    await page.getByTestId("evaluate-alerts").click();
    await expect(page.getByTestId("evaluate-result")).toContainText(/^0 new/, { timeout: 60_000 });

    const anomaly = page.getByTestId("alert-anomaly").filter({ hasText: runaway.email });
    await expect(anomaly).toHaveCount(1);
    await expect(anomaly).toContainText("Open");
    await expect(anomaly.getByRole("img")).toBeVisible(); // the evidence chart
    await expect(anomaly).toContainText("Slack #ai-spend (delivered)");

    const anomalyHooks = hooks.received.filter(
      (h) =>
        (h.json as Hook).allotment?.alert?.kind === "anomaly" &&
        (h.json as Hook).text?.includes(runaway.email),
    );
    expect(anomalyHooks).toHaveLength(1);
    const mails = smtp.messages.filter(
      (m) => m.subject.includes("anomaly") && m.data.includes(runaway.email),
    );
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual(["finops@acme.example"]);
    await saveScreenshot(page, "alerts-admin", { attachTo: testInfo });
  });
});

test.describe("finance reads alerts but does not manage channels", () => {
  test.use({ storageState: storageStateFor("finance") });
  test("no Check now, no channel form, 403 on writes", async ({ page }) => {
    await page.goto("/alerts");
    await expect(page.getByTestId("alert-list")).toBeVisible();
    await expect(page.getByTestId("evaluate-alerts")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Add channel" })).toHaveCount(0);
    expect((await page.request.post("/api/alerts/evaluate")).status()).toBe(403);
    expect(
      (
        await page.request.post("/api/alerts/channels", {
          data: { kind: "webhook", name: "x", url: "http://127.0.0.1:1/x" },
        })
      ).status(),
    ).toBe(403);
  });
});
