import { randomUUID } from "node:crypto";

import { afterEach, describe, expect, it } from "vitest";

import { loadMemberLimit } from "@/lib/limits/load-effective-limits";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";
import { decideMany } from "@/lib/requests/bulk-decide";
import {
  cancelRequest,
  denyRequest,
  expireDueRequests,
} from "@/lib/requests/decide-credit-request";
import { fileRequest } from "@/lib/requests/file-request";
import { fileRequestSchema } from "@/lib/requests/request-input";
import type { Db } from "@/lib/server/db";
import { announceRequest, retrySlackPosts } from "@/lib/slack/announce";
import { retrySlackUpdates, WEBHOOK_CANNOT_UPDATE } from "@/lib/slack/follow-decision";
import { receiveInteraction } from "@/lib/slack/interaction";
import {
  getSlackSettings,
  saveSlackSettings,
  slackSettingsInputSchema,
} from "@/lib/slack/settings";

import { startFakeSlack, type FakeSlack } from "../fake-vendors/slack";
import { daysFrom, msFrom, TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { approveAsAsked } from "../helpers/requests";
import { addUsage, limitsWorkspace } from "./limits-fixtures";

const M = 1_000_000n;
const NOW = TEST_NOW;
const fakes: FakeSlack[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

/** A workspace with Slack approvals on (its own signing secret), a fake Slack and a filed request. */
async function setup(opts: { mode?: "webhook" | "api" } = {}) {
  const db = await testDb();
  const f = await limitsWorkspace(db);
  await createPolicy(db, f.owner, createPolicySchema.parse({ scope: "WORKSPACE", amount: "500" }));
  await addUsage(db, f.ws.id, f.eng.memberId, TEST_TODAY, 450n);
  const slack = await startFakeSlack({
    clock: () => NOW,
    // every test its own secret: the endpoint tells workspaces apart by the secret that signed
    signingSecret: `secret-${randomUUID()}`,
    users: [
      { id: "U_MANAGER", email: f.manager.email },
      { id: "U_ENG", email: f.eng.email },
      { id: "U_ENG2", email: f.eng2.email },
      { id: "U_OWNER", email: f.owner.email.toUpperCase() },
      { id: "U_STRANGER", email: "nobody@elsewhere.example" },
    ],
  });
  fakes.push(slack);
  const mode = opts.mode ?? "webhook";
  await saveSlackSettings(
    db,
    f.owner,
    slackSettingsInputSchema.parse({
      mode,
      postUrl: mode === "api" ? slack.postMessageUrl : slack.webhookUrl,
      channel: mode === "api" ? "C0APPROVALS" : undefined,
      botToken: slack.botToken,
      signingSecret: slack.signingSecret,
    }),
  );
  const { id } = await fileRequest(
    db,
    f.eng,
    fileRequestSchema.parse({
      amount: "200",
      reason: "Finishing the <!channel> migration & its tests",
      product: "",
    }),
    NOW,
  );
  return { db, f, slack, id };
}

async function click(
  db: Db,
  slack: FakeSlack,
  requestId: number,
  action: "approve" | "deny",
  userId: string,
  o: { secret?: string; skewSeconds?: number; at?: Date } = {},
) {
  const s = slack.signed({
    payload: slack.clickPayload(requestId, action, userId),
    secret: o.secret,
    skewSeconds: o.skewSeconds,
  });
  const answer = await receiveInteraction(db, input(s), o.at ?? NOW);
  return { answer, sent: s, outcome: answer.later ? await answer.later() : null };
}

function input(s: { body: string; headers: Record<string, string> }) {
  return {
    rawBody: s.body,
    contentType: s.headers["content-type"] ?? null,
    timestamp: s.headers["x-slack-request-timestamp"] ?? null,
    signature: s.headers["x-slack-signature"] ?? null,
  };
}

async function statusOf(db: Db, id: number) {
  return (await db.creditRequest.findUniqueOrThrow({ where: { id } })).status;
}

describe("Slack approvals", () => {
  it("posts a filed request with its context and buttons; the settings never show the secrets", async () => {
    const { db, f, slack, id } = await setup();
    expect(slack.posted).toHaveLength(1);
    const m = slack.posted[0]!;
    expect(m.text).toBe(`Credit request #${id} from ${f.eng.name}: 200.00 credits`);
    const json = JSON.stringify(m.blocks);
    // who, how much, why (escaped: no @channel), spend and limit now, group
    expect(json).toContain(f.eng.email);
    expect(json).toContain("&lt;!channel&gt; migration &amp; its tests");
    expect(json).not.toContain("<!channel>");
    expect(json).toContain("450.00 credits");
    expect(json).toContain("500.00 credits (workspace default)");
    expect(json).toContain("Platform");
    const actions = (
      m.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]
    ).find((b) => b.type === "actions")!;
    expect(actions.elements!.map((e) => [e.action_id, e.value])).toEqual([
      ["allotment_approve", String(id)],
      ["allotment_deny", String(id)],
    ]);
    const post = await db.slackPost.findUniqueOrThrow({ where: { requestId: id } });
    expect(post.status).toBe("POSTED");
    // a second announcement of the same request posts nothing
    expect(await announceRequest(db, f.ws.id, id, NOW)).toBe("ALREADY");
    expect(slack.posted).toHaveLength(1);

    const dto = await getSlackSettings(db, f.ws.id);
    const text = JSON.stringify(dto);
    expect(text).not.toContain(slack.signingSecret);
    expect(text).not.toContain(slack.botToken);
    expect(text).not.toContain("fakewebhooksecret");
    expect(dto.botToken).toBe(`••••${slack.botToken.slice(-4)}`);
    const stored = await db.slackSetting.findUniqueOrThrow({ where: { workspaceId: f.ws.id } });
    expect(stored.signingSecretSealed).not.toContain(slack.signingSecret);
    expect(stored.botTokenSealed).not.toContain(slack.botToken);
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { workspaceId: f.ws.id, action: "slack.settings_update" },
    });
    expect(`${audit.beforeJson} ${audit.afterJson}`).not.toContain(slack.signingSecret);
    expect(`${audit.beforeJson} ${audit.afterJson}`).not.toContain("fakewebhooksecret");
  });

  it("chat.postMessage mode keeps the channel and ts; a Slack outage never fails the filing and is retried", async () => {
    const { db, f, slack, id } = await setup({ mode: "api" });
    const post = await db.slackPost.findUniqueOrThrow({ where: { requestId: id } });
    expect(post).toMatchObject({ status: "POSTED", channel: "C0APPROVALS" });
    expect(post.ts).toBe(slack.posted[0]!.ts);

    await slack.close(); // Slack unreachable
    fakes.splice(fakes.indexOf(slack), 1);
    const second = await fileRequest(
      db,
      f.eng2,
      fileRequestSchema.parse({ amount: "10", reason: "A second request while Slack is down" }),
      NOW,
    );
    const failed = await db.slackPost.findUniqueOrThrow({ where: { requestId: second.id } });
    expect(failed.status).toBe("RETRYING");
    expect(failed.lastError).toMatch(/cannot be reached|did not answer/);
    expect(await statusOf(db, second.id)).toBe("PENDING");
    // the request is decided before Slack comes back: the retry gives up instead of posting it
    await db.creditRequest.update({ where: { id: second.id }, data: { status: "CANCELLED" } });
    expect(await retrySlackPosts(db, f.ws.id, NOW)).toBe(0);
    expect((await db.slackPost.findUniqueOrThrow({ where: { requestId: second.id } })).status).toBe(
      "FAILED",
    );
  });

  it("a manager approves from Slack: the same decision path, the limit rises, audited 'via Slack', the message shows the outcome", async () => {
    const { db, f, slack, id } = await setup();
    const { answer, outcome } = await click(db, slack, id, "approve", "U_MANAGER");
    expect(answer.status).toBe(200);
    expect(outcome).toMatchObject({ decided: "APPROVED" });
    expect(await statusOf(db, id)).toBe("APPROVED");
    const limit = await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", NOW);
    expect(limit.effective.limitMicros).toBe(700n * M);
    expect(limit.effective.reason).toContain(`approved by ${f.manager.email} via Slack`);
    const events = await db.auditEvent.findMany({
      where: {
        workspaceId: f.ws.id,
        OR: [
          { action: "request.approve" },
          {
            action: "limit.create",
            targetId: (await db.creditRequest.findUniqueOrThrow({ where: { id } })).overrideId!,
          },
        ],
      },
    });
    expect(events.map((e) => e.actorLabel)).toEqual([
      `${f.manager.email} via Slack`,
      `${f.manager.email} via Slack`,
    ]);
    expect(events.every((e) => e.actorId === f.manager.memberId)).toBe(true);
    // the clicker was mapped by the email on their Slack profile, and the link is kept and audited
    const link = await db.memberIdentity.findFirstOrThrow({
      where: { workspaceId: f.ws.id, provider: "slack", externalId: "U_MANAGER" },
    });
    expect(link.memberId).toBe(f.manager.memberId);
    expect(
      await db.auditEvent.count({
        where: { workspaceId: f.ws.id, action: "slack.identity_linked" },
      }),
    ).toBe(1);
    // the channel's message is replaced with the outcome and loses its buttons
    expect(slack.updates).toHaveLength(1);
    const u = slack.updates[0]!;
    expect(u.replaceOriginal).toBe(true);
    expect(u.text).toContain(`Approved by ${f.manager.name}`);
    expect(JSON.stringify(u.blocks)).not.toContain("allotment_approve");

    // a second click (a later one, properly signed) finds it decided and changes nothing
    const again = await click(db, slack, id, "deny", "U_MANAGER", { at: msFrom(NOW, 1000) });
    expect(again.outcome).toMatchObject({ decided: null });
    expect(again.outcome!.text).toMatch(/already approved/);
    expect(await statusOf(db, id)).toBe("APPROVED");
  });

  it("deny from Slack records the decider's note", async () => {
    const { db, f, slack, id } = await setup();
    const { outcome } = await click(db, slack, id, "deny", "U_OWNER"); // Slack's email in capitals
    expect(outcome).toMatchObject({ decided: "DENIED" });
    const r = await db.creditRequest.findUniqueOrThrow({ where: { id } });
    expect(r).toMatchObject({ status: "DENIED", deciderId: f.owner.memberId });
    expect(r.decisionNote).toBe(`Denied in Slack by ${f.owner.name}`);
  });

  it("forged, stale and replayed signatures get 401 and change nothing", async () => {
    const { db, slack, id } = await setup();
    const receipts = await db.slackReceipt.count();

    const forged = await click(db, slack, id, "approve", "U_MANAGER", { secret: "not-the-secret" });
    expect(forged.answer).toMatchObject({ status: 401, later: null });
    expect(JSON.stringify(forged.answer.body)).toMatch(/does not match/);

    const stale = await click(db, slack, id, "approve", "U_MANAGER", { skewSeconds: -301 });
    expect(stale.answer.status).toBe(401);
    expect(JSON.stringify(stale.answer.body)).toMatch(/five minutes/);
    const future = await click(db, slack, id, "approve", "U_MANAGER", { skewSeconds: 301 });
    expect(future.answer.status).toBe(401);
    // just inside the window is accepted (checked below with a deny by someone who may not)

    // a body changed after signing
    const s = slack.signed({ payload: slack.clickPayload(id, "approve", "U_MANAGER") });
    const tampered = await receiveInteraction(
      db,
      { ...input(s), rawBody: s.body.replace("allotment_approve", "allotment_deny") },
      NOW,
    );
    expect(tampered.status).toBe(401);
    // no signature headers at all
    const bare = await receiveInteraction(db, { ...input(s), signature: null }, NOW);
    expect(bare.status).toBe(401);
    expect(await statusOf(db, id)).toBe("PENDING");
    expect(await db.slackReceipt.count()).toBe(receipts);

    // a genuine click 299 s old is taken; the very same request sent again is a replay
    const old = slack.signed({
      payload: slack.clickPayload(id, "deny", "U_ENG2"),
      skewSeconds: -299,
    });
    const first = await receiveInteraction(db, input(old), NOW);
    expect(first.status).toBe(200);
    const firstOutcome = await first.later!();
    expect(firstOutcome.decided).toBeNull(); // an engineer may not decide
    const replay = await receiveInteraction(db, input(old), NOW);
    expect(replay).toMatchObject({ status: 401, later: null });
    expect(JSON.stringify(replay.body)).toMatch(/replay/);
    expect(await statusOf(db, id)).toBe("PENDING");
  });

  it("refuses self-approval, people who may not decide, and Slack users who are not members", async () => {
    const { db, f, slack, id } = await setup();
    const self = await click(db, slack, id, "approve", "U_ENG");
    expect(self.outcome).toEqual({ decided: null, text: "You cannot decide your own request" });
    const other = await click(db, slack, id, "approve", "U_ENG2", { at: msFrom(NOW, 1) });
    expect(other.outcome).toEqual({ decided: null, text: "You cannot decide credit requests" });
    const stranger = await click(db, slack, id, "approve", "U_STRANGER", { at: msFrom(NOW, 2) });
    expect(stranger.outcome!.text).toMatch(/not an active member/);
    const unknown = await click(db, slack, id, "approve", "U_NOBODY", { at: msFrom(NOW, 3) });
    expect(unknown.outcome!.text).toMatch(/user_not_found/);
    expect(await statusOf(db, id)).toBe("PENDING");
    // refusals go to the clicker alone; the channel's message keeps its buttons
    expect(slack.updates.every((u) => u.ephemeral && !u.replaceOriginal)).toBe(true);
    expect(
      await db.auditEvent.count({
        where: { workspaceId: f.ws.id, action: { in: ["request.approve", "request.deny"] } },
      }),
    ).toBe(0);
  });

  it("a manager's grant ceiling holds in Slack too", async () => {
    const { db, f, slack, id } = await setup();
    await db.workspace.update({
      where: { id: f.ws.id },
      data: { managerGrantCeilingMicros: 100n * M },
    });
    const { outcome } = await click(db, slack, id, "approve", "U_MANAGER");
    expect(outcome!.decided).toBeNull();
    expect(outcome!.text).toMatch(/Managers may grant at most 100.00 credits/);
    expect(await statusOf(db, id)).toBe("PENDING");
  });

  it("a click signed with another workspace's secret acts only in that workspace", async () => {
    const a = await setup();
    const b = await setup();
    // B's Slack signs a click on A's request: B's secret identifies workspace B, where it is not found
    const { outcome } = await click(b.db, b.slack, a.id, "approve", "U_MANAGER");
    expect(outcome!.decided).toBeNull();
    expect(outcome!.text).toMatch(/not yours to decide|not an active member/);
    expect(await statusOf(a.db, a.id)).toBe("PENDING");
  });

  it("answers 4xx to bodies that are not a Slack interaction", async () => {
    const { db, slack, id } = await setup();
    const json = await receiveInteraction(
      db,
      { rawBody: "{}", contentType: "application/json", timestamp: null, signature: null },
      NOW,
    );
    expect(json.status).toBe(415);
    for (const [payload, field] of [
      [{ type: "view_submission" }, /type/],
      [
        {
          ...(slack.clickPayload(id, "approve", "U_MANAGER") as object),
          response_url: "https://evil.example/x",
        },
        /response_url/,
      ],
      [
        {
          ...(slack.clickPayload(id, "approve", "U_MANAGER") as object),
          actions: [{ action_id: "allotment_approve", value: "1e9" }],
        },
        /value/,
      ],
    ] as const) {
      const s = slack.signed({ payload });
      const r = await receiveInteraction(db, input(s), NOW);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toMatch(field);
    }
    const notJson = slack.signed({ payload: "x" });
    const r = await receiveInteraction(
      db,
      { ...input(notJson), rawBody: "payload=%7Bnot-json" },
      NOW,
    );
    expect(r.status).toBe(401); // the body no longer matches its signature
    expect(await statusOf(db, id)).toBe("PENDING");
  });
});

describe("the Slack message follows a decision made in Allotment", () => {
  const buttonsOf = (blocks: unknown[]) => JSON.stringify(blocks).includes("allotment_approve");
  const postOf = (db: Db, requestId: number) =>
    db.slackPost.findUniqueOrThrow({ where: { requestId } });

  it("approved and denied in the app: chat.update replaces the posted message with the outcome, without buttons", async () => {
    const { db, f, slack, id } = await setup({ mode: "api" });
    expect(buttonsOf(slack.posted[0]!.blocks)).toBe(true);
    await approveAsAsked(db, f.manager, id, NOW);
    expect(slack.edits).toHaveLength(1);
    const edit = slack.edits[0]!;
    expect(edit).toMatchObject({ channel: "C0APPROVALS", ts: slack.posted[0]!.ts });
    const outcome = `Approved by ${f.manager.name} (${f.manager.email}): 200.00 credits granted.`;
    expect(edit.text).toBe(`Credit request #${id} from ${f.eng.name}: 200.00 credits — ${outcome}`);
    // the channel's one message now shows it: context kept, outcome in, buttons gone
    expect(slack.posted).toHaveLength(1);
    const json = JSON.stringify(slack.posted[0]!.blocks);
    expect(json).toContain(outcome);
    expect(json).toContain("Spent this period");
    expect(buttonsOf(slack.posted[0]!.blocks)).toBe(false);
    // the limit it shows is the one after the grant (500 + 200)
    expect(json).toContain("700.00 credits (request #");
    expect(await postOf(db, id)).toMatchObject({ status: "UPDATED", attempts: 1, lastError: null });
    expect(slack.updates).toHaveLength(0); // no response_url was used

    const second = await fileRequest(
      db,
      f.eng2,
      fileRequestSchema.parse({ amount: "40", reason: "More <b>tokens</b> for the demo" }),
      NOW,
    );
    await denyRequest(
      db,
      { kind: "member", actor: f.admin },
      second.id,
      { note: "Use the shared <!here> pool" },
      NOW,
    );
    const denied = slack.posted.find((p) => p.text.startsWith(`Credit request #${second.id} `))!;
    expect(denied.text).toContain(`Denied by ${f.admin.name} (${f.admin.email}). Note:`);
    // the note a person typed is escaped in the blocks
    expect(JSON.stringify(denied.blocks)).toContain("Use the shared &lt;!here&gt; pool");
    expect(buttonsOf(denied.blocks)).toBe(false);
  });

  it("Slack being away never undoes the decision: the update is retried by the scheduler; a permanent refusal is recorded and not retried", async () => {
    const { db, f, slack, id } = await setup({ mode: "api" });
    slack.updateFaults.push("http500");
    const d = await approveAsAsked(db, f.manager, id, NOW);
    // the decision committed: approved, the override exists, the limit rose
    expect(await statusOf(db, id)).toBe("APPROVED");
    expect(await db.limitPolicy.count({ where: { id: d.overrideId! } })).toBe(1);
    expect(
      (await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", NOW)).effective.limitMicros,
    ).toBe(700n * M);
    expect(await postOf(db, id)).toMatchObject({
      status: "UPDATE_RETRYING",
      attempts: 1,
      lastError: "Slack answered HTTP 500",
    });
    expect(buttonsOf(slack.posted[0]!.blocks)).toBe(true);
    // the scheduler's pass: ratelimited once more, then it goes through
    slack.updateFaults.push("ratelimited");
    expect(await retrySlackUpdates(db, f.ws.id, NOW)).toBe(0);
    expect(await postOf(db, id)).toMatchObject({ status: "UPDATE_RETRYING", attempts: 2 });
    expect(await retrySlackUpdates(db, f.ws.id, NOW)).toBe(1);
    expect(await postOf(db, id)).toMatchObject({ status: "UPDATED", attempts: 3, lastError: null });
    expect(slack.posted[0]!.text).toContain("Approved by");
    expect(await retrySlackUpdates(db, f.ws.id, NOW)).toBe(0); // nothing left

    // a message Slack no longer has: recorded, not retried
    const second = await fileRequest(
      db,
      f.eng2,
      fileRequestSchema.parse({ amount: "40", reason: "A second request for the load tests" }),
      NOW,
    );
    slack.updateFaults.push("message_not_found");
    await denyRequest(db, { kind: "member", actor: f.admin }, second.id, { note: "No" }, NOW);
    expect(await statusOf(db, second.id)).toBe("DENIED");
    expect(await postOf(db, second.id)).toMatchObject({
      status: "UPDATE_FAILED",
      lastError: "chat.update: message_not_found",
    });
    const edits = slack.edits.length;
    await retrySlackUpdates(db, f.ws.id, NOW);
    expect(slack.edits).toHaveLength(edits);
  });

  it("expiry, withdrawal and a bulk decision reach their messages; one decided without reaching it is caught by the scheduler", async () => {
    const { db, f, slack, id } = await setup({ mode: "api" });
    const file = (amount: string, neededUntil?: string) =>
      fileRequest(
        db,
        f.eng2,
        fileRequestSchema.parse({
          amount,
          reason: "Another request for the load tests",
          neededUntil,
        }),
        NOW,
      );
    const messageOf = (requestId: number) =>
      slack.posted.find((p) => p.text.startsWith(`Credit request #${requestId} `))!;

    const soon = await file("10", TEST_TODAY);
    expect(await expireDueRequests(db, f.ws.id, daysFrom(NOW, 1))).toBe(1);
    expect(messageOf(soon.id).text).toContain(`Expired: nobody decided it by ${TEST_TODAY}.`);
    expect(buttonsOf(messageOf(soon.id).blocks)).toBe(false);

    const withdrawn = await file("11");
    await cancelRequest(db, f.eng2, withdrawn.id, NOW);
    expect(messageOf(withdrawn.id).text).toContain(`Withdrawn by ${f.eng2.name}.`);

    const a = await file("12");
    const b = await file("13");
    const bulk = await decideMany(
      db,
      { kind: "member", actor: f.admin },
      { action: "deny", ids: [a.id, b.id], note: "Budget review on Friday" },
      NOW,
    );
    expect(bulk.decided).toBe(2);
    for (const r of [a, b]) {
      expect(messageOf(r.id).text).toContain("Note: Budget review on Friday");
      expect((await postOf(db, r.id)).status).toBe("UPDATED");
    }

    // decided while its message could not be reached (say the process stopped): the next pass
    await approveAsAsked(db, f.manager, id, NOW, { followSlack: false });
    expect((await postOf(db, id)).status).toBe("POSTED");
    expect(await retrySlackUpdates(db, f.ws.id, NOW)).toBe(1);
    expect(messageOf(id).text).toContain(`Approved by ${f.manager.name}`);
  });

  it("a click in Slack replaces the message through response_url only; an incoming webhook's message cannot be changed, and the decision stands", async () => {
    const api = await setup({ mode: "api" });
    await click(api.db, api.slack, api.id, "approve", "U_MANAGER");
    expect(api.slack.updates.filter((u) => u.replaceOriginal)).toHaveLength(1);
    expect(await postOf(api.db, api.id)).toMatchObject({ status: "UPDATED" });
    expect(await retrySlackUpdates(api.db, api.f.ws.id, NOW)).toBe(0);
    expect(api.slack.edits).toHaveLength(0);

    const { db, f, slack, id } = await setup({ mode: "webhook" });
    await approveAsAsked(db, f.manager, id, NOW);
    expect(await statusOf(db, id)).toBe("APPROVED");
    expect(await postOf(db, id)).toMatchObject({
      status: "UPDATE_FAILED",
      lastError: WEBHOOK_CANNOT_UPDATE,
    });
    expect(slack.log.filter((c) => c.path.endsWith("/chat.update"))).toHaveLength(0);
  });
});
