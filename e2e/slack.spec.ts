import { expect, test } from "@playwright/test";

import { startFakeSlack, type FakeSlack } from "../tests/fake-vendors/slack";
import { serverNowMs } from "./clock";
import { sendRequest } from "./request-form";
import { pageAs } from "./roles";
import { saveScreenshot } from "./screenshots";

// Issue 20 "Done when": a manager approves from the fake Slack and the limit changes; a forged
// or replayed Slack signature is refused. The owner sets Slack up on the Settings screen; the
// engineer files through the Requests form; the fake Slack receives the post and clicks like
// Slack (signed with the server's pinned clock). Signature, mapping and self-approval cases in
// depth: tests/integration/slack-approvals.test.ts.

const REASON = "Load-testing the agent gateway before the release freeze";

test.describe.serial("approvals from Slack", () => {
  let slack: FakeSlack;
  let requestId = 0;
  let appUrl = "";

  test.beforeAll(async ({ browser }) => {
    slack = await startFakeSlack({
      clock: () => new Date(serverNowMs()),
      signingSecret: `e2e-signing-secret-${Date.now()}`,
      users: [
        { id: "U0MANAGER", email: "manager@acme.example" },
        { id: "U0ENGINEER", email: "engineer@acme.example" },
      ],
    });
    const owner = await pageAs(browser, "owner");
    // a limit must exist for a grant to raise it (409 when an earlier spec already set it)
    const res = await owner.request.post("/api/limits/policies", {
      data: { scope: "WORKSPACE", amount: "500" },
    });
    expect([201, 409]).toContain(res.status());
    await owner.context().close();
  });

  test.afterAll(async ({ browser }) => {
    const owner = await pageAs(browser, "owner");
    await owner.request.delete("/api/settings/slack");
    await owner.context().close();
    await slack?.close();
  });

  test("the owner sets Slack approvals up; the secrets never come back", async ({
    browser,
    baseURL,
  }) => {
    appUrl = baseURL!;
    const owner = await pageAs(browser, "owner");
    await owner.goto("/settings");
    const form = owner.getByTestId("slack-settings");
    await expect(form.getByTestId("slack-status")).toHaveText("Not set up.");
    await expect(form.getByTestId("slack-request-url")).toHaveText(/\/api\/slack\/interactions$/);
    await form.getByLabel("Incoming webhook URL", { exact: true }).fill(slack.webhookUrl);
    await form.getByLabel("Bot token", { exact: true }).fill(slack.botToken);
    await form.getByLabel("Signing secret", { exact: true }).fill(slack.signingSecret);
    await form.getByRole("button", { name: "Save Slack approvals" }).click();
    await expect(form.getByTestId("slack-message")).toHaveText("Slack approvals saved.");
    await expect(form.getByTestId("slack-status")).toContainText(
      `bot token ••••${slack.botToken.slice(-4)}`,
    );
    const html = await owner.content();
    expect(html).not.toContain(slack.signingSecret);
    expect(html).not.toContain(slack.botToken);
    expect(html).not.toContain("fakewebhooksecret");
    const api = await (await owner.request.get("/api/settings/slack")).text();
    expect(api).not.toContain(slack.signingSecret);
    expect(api).not.toContain(slack.botToken);
    await form.scrollIntoViewIfNeeded();
    await saveScreenshot(owner, "slack-settings");
    await owner.context().close();

    // only the owner reaches the setting
    const admin = await pageAs(browser, "admin");
    expect((await admin.request.get("/api/settings/slack")).status()).toBe(403);
    await admin.context().close();
  });

  test("an engineer files a request; the fake Slack receives it with its context and buttons", async ({
    browser,
  }) => {
    const engineer = await pageAs(browser, "engineer");
    await engineer.goto("/requests");
    requestId = (await sendRequest(engineer, { amount: "300", reason: REASON })).id;
    await engineer.context().close();

    await expect.poll(() => slack.posted.length).toBeGreaterThan(0);
    const post = slack.posted.find((p) => p.text.startsWith(`Credit request #${requestId} `))!;
    expect(post.text).toContain("300.00 credits");
    const blocks = JSON.stringify(post.blocks);
    expect(blocks).toContain("engineer@acme.example");
    expect(blocks).toContain(REASON);
    expect(blocks).toContain("Spent this period");
    expect(blocks).toContain(`"action_id":"allotment_approve","value":"${requestId}"`);
  });

  test("forged and stale signatures are refused and change nothing", async ({ browser }) => {
    const forged = await slack.click({
      appUrl,
      requestId,
      action: "approve",
      userId: "U0MANAGER",
      secret: "an-attackers-guess-at-the-secret",
    });
    expect(forged.status).toBe(401);
    expect(JSON.stringify(forged.body)).toMatch(/does not match/);
    const stale = await slack.click({
      appUrl,
      requestId,
      action: "approve",
      userId: "U0MANAGER",
      skewSeconds: -600,
    });
    expect(stale.status).toBe(401);
    // a malformed body is a 4xx, never a 5xx
    const bad = await fetch(`${appUrl}/api/slack/interactions`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "payload=%7B",
    });
    expect(bad.status).toBe(401);
    const engineer = await pageAs(browser, "engineer");
    const page = (await (await engineer.request.get("/api/requests")).json()) as {
      mine: { id: number; status: string }[];
    };
    expect(page.mine.find((r) => r.id === requestId)?.status).toBe("PENDING");
    await engineer.context().close();
    expect(slack.updates).toHaveLength(0);
  });

  test("the engineer cannot approve their own request from Slack", async () => {
    const self = await slack.click({ appUrl, requestId, action: "approve", userId: "U0ENGINEER" });
    expect(self.status).toBe(200); // Slack gets its answer at once; the refusal follows
    await expect.poll(() => slack.updates.length).toBe(1);
    expect(slack.updates[0]).toMatchObject({
      ephemeral: true,
      replaceOriginal: false,
      text: "You cannot decide your own request",
    });
  });

  test("the manager approves from Slack: the message shows it, the limit changes in the UI; a replay is refused", async ({
    browser,
  }) => {
    const click = await slack.click({ appUrl, requestId, action: "approve", userId: "U0MANAGER" });
    expect(click.status).toBe(200);
    await expect
      .poll(() => slack.updates.find((u) => u.replaceOriginal)?.text ?? "")
      .toContain("Approved by");
    const update = slack.updates.find((u) => u.replaceOriginal)!;
    expect(JSON.stringify(update.blocks)).not.toContain("allotment_approve");

    const engineer = await pageAs(browser, "engineer");
    await engineer.goto("/me");
    await expect(engineer.getByTestId("member-limit").getByTestId("my-limit-reason")).toHaveText(
      new RegExp(`^request #${requestId} approved by manager@acme\\.example via Slack until `),
    );
    await saveScreenshot(engineer, "slack-engineer-approved");
    await engineer.context().close();

    // the very same signed request again: refused as a replay, nothing more happens
    const replay = await slack.resend(click.sent);
    expect(replay.status).toBe(401);
    expect(JSON.stringify(replay.body)).toMatch(/replay/);
    const updates = slack.updates.length;

    // the audit trail says it was decided through Slack
    const owner = await pageAs(browser, "owner");
    const audit = await (await owner.request.get("/api/audit?limit=20")).text();
    expect(audit).toContain("manager@acme.example via Slack");
    await owner.context().close();
    expect(slack.updates).toHaveLength(updates);
  });

  test("a request approved in the app: the message in Slack (chat.postMessage) is replaced with the outcome", async ({
    browser,
  }) => {
    // the owner switches to chat.postMessage: only a message with a channel and ts can be changed
    const owner = await pageAs(browser, "owner");
    await owner.goto("/settings");
    const form = owner.getByTestId("slack-settings");
    await form.getByLabel("chat.postMessage (bot token)").check();
    await form.getByLabel("chat.postMessage URL", { exact: true }).fill(slack.postMessageUrl);
    await form.getByLabel("Channel", { exact: true }).fill("C0APPROVALS");
    // the token and the secret fields left empty keep the stored ones
    await form.getByRole("button", { name: "Save Slack approvals" }).click();
    await expect(form.getByTestId("slack-message")).toHaveText("Slack approvals saved.");
    await owner.context().close();

    const engineer = await pageAs(browser, "engineer");
    await engineer.goto("/requests");
    const { id } = await sendRequest(engineer, {
      amount: "120",
      reason: `${REASON}, second round`,
    });
    await engineer.context().close();
    await expect
      .poll(() => slack.posted.find((p) => p.text.startsWith(`Credit request #${id} `))?.via)
      .toBe("api");
    const message = slack.posted.find((p) => p.text.startsWith(`Credit request #${id} `))!;
    expect(message.channel).toBe("C0APPROVALS");
    expect(JSON.stringify(message.blocks)).toContain("allotment_approve");

    // the manager approves it in the Requests queue, not in Slack
    const manager = await pageAs(browser, "manager");
    await manager.goto("/requests");
    const item = manager.getByTestId(`queue-item-${id}`);
    await expect(item).toContainText(`${REASON}, second round`);
    await item.getByRole("button", { name: "Approve" }).click();
    await expect(item).toHaveCount(0);
    await manager.context().close();

    // the channel's one message now says so: the context stays, the buttons are gone
    await expect
      .poll(() => message.text)
      .toMatch(/ — Approved by .+ \(manager@acme\.example\): 120\.00 credits granted\.$/);
    const blocks = JSON.stringify(message.blocks);
    expect(blocks).not.toContain("allotment_approve");
    expect(blocks).toContain("Spent this period");
    expect(blocks).toContain(`request #${id} approved by manager@acme.example`);
    expect(slack.edits.filter((e) => e.ts === message.ts)).toHaveLength(1);
    // no response_url was involved: it was chat.update with the stored channel and ts
    expect(slack.updates.filter((u) => u.text.includes(`#${id} `))).toHaveLength(0);
  });
});
