/**
 * Issue 15: a channel that never answers must not hold a person's request — "Send test" and
 * the first delivery of an alert make one attempt with a deadline of a few seconds, and a
 * transient failure is retried later by the scheduler, not inside the request.
 */
import net, { type AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { channelInputSchema, createChannel } from "@/lib/alerts/channels";
import {
  alertMessageOf,
  deliverAlert,
  nextAttemptDue,
  RETRY_SCHEDULE,
  retryDueDeliveries,
  sendTest,
} from "@/lib/alerts/deliver";

import { TEST_NOW } from "../helpers/clock";
import { testDb, workspaceWithAdmin } from "../helpers/db";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver";

/** An SMTP "server" that accepts connections and never says a word (no 220 greeting). */
async function startMuteSmtp(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on("error", () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

let hooks: WebhookReceiver;
let mute: Awaited<ReturnType<typeof startMuteSmtp>>;
beforeAll(async () => {
  hooks = await startWebhookReceiver();
  mute = await startMuteSmtp();
});
afterAll(async () => {
  await hooks.close();
  await mute.close();
});

async function setup() {
  return workspaceWithAdmin(await testDb());
}

describe("slow alert channels", () => {
  it("'Send test' to an SMTP server that never greets gives up after one attempt with a clear message", async () => {
    const { db, workspace, actor } = await setup();
    const channel = await createChannel(
      db,
      actor,
      channelInputSchema.parse({
        kind: "email",
        name: "Silent mail",
        to: "finops@example.test",
        smtpUrl: mute.url,
        from: "alerts@allotment.test",
      }),
    );
    const result = await sendTest(db, { id: workspace.id, name: workspace.name }, channel.id);
    expect(result?.ok).toBe(false);
    expect(result?.attempts).toHaveLength(1);
    expect(result?.error).toBe("The SMTP server did not answer within 5 s");
    const delivery = await db.alertDelivery.findFirstOrThrow({ where: { channelId: channel.id } });
    expect(delivery.status).toBe("FAILED"); // a test is never retried behind the person's back
  }, 60_000);

  it("an alert's first delivery makes one attempt; a transient failure is retried by the scheduler when due", async () => {
    const { db, workspace, actor } = await setup();
    await createChannel(
      db,
      actor,
      channelInputSchema.parse({ kind: "webhook", name: "Flaky hook", url: hooks.url }),
    );
    const alert = await db.alert.create({
      data: {
        workspaceId: workspace.id,
        kind: "threshold",
        subjectType: "WORKSPACE",
        subjectId: workspace.id,
        dedupeKey: `t:${workspace.id}`,
        periodKey: "2026-11-01",
        thresholdPct: 80,
        message: "80 % of the budget used",
        evidenceJson: "{}",
        createdAt: TEST_NOW,
      },
    });
    const before = hooks.received.length;
    hooks.failNext(1, 503);
    const first = await deliverAlert(db, workspace, alertMessageOf(alert));
    expect(first).toEqual({ delivered: 0, failed: 1 });
    expect(hooks.received.length - before).toBe(0); // the 503 is not recorded as received; only one attempt was made
    const pending = await db.alertDelivery.findFirstOrThrow({ where: { alertId: alert.id } });
    expect(pending).toMatchObject({ status: "RETRYING", attempts: 1, responseCode: 503 });
    expect((await db.alert.findUniqueOrThrow({ where: { id: alert.id } })).deliveryState).toBe(
      "RETRYING",
    );

    const lastAttempt = new Date((JSON.parse(pending.logJson) as { at: string }[])[0]!.at);
    const due = nextAttemptDue(1, lastAttempt)!;
    expect(due.getTime() - lastAttempt.getTime()).toBe(RETRY_SCHEDULE.firstDelayMs);
    // not yet due: nothing is sent
    expect(await retryDueDeliveries(db, workspace.id, new Date(due.getTime() - 1000))).toEqual({
      retried: 0,
      delivered: 0,
    });
    // due: the scheduler's attempt goes through
    expect(await retryDueDeliveries(db, workspace.id, due)).toEqual({ retried: 1, delivered: 1 });
    expect(hooks.received.length - before).toBe(1);
    expect(await db.alertDelivery.findFirstOrThrow({ where: { alertId: alert.id } })).toMatchObject(
      { status: "DELIVERED", attempts: 2 },
    );
    expect((await db.alert.findUniqueOrThrow({ where: { id: alert.id } })).deliveryState).toBe(
      "DELIVERED",
    );
  }, 60_000);

  it("a permanent refusal (HTTP 410) is not retried", async () => {
    const { db, workspace, actor } = await setup();
    await createChannel(
      db,
      actor,
      channelInputSchema.parse({ kind: "webhook", name: "Gone hook", url: hooks.url }),
    );
    const alert = await db.alert.create({
      data: {
        workspaceId: workspace.id,
        kind: "threshold",
        subjectType: "WORKSPACE",
        subjectId: workspace.id,
        dedupeKey: `g:${workspace.id}`,
        periodKey: "2026-11-01",
        thresholdPct: 80,
        message: "80 %",
        evidenceJson: "{}",
        createdAt: TEST_NOW,
      },
    });
    hooks.failNext(1, 410);
    await deliverAlert(db, workspace, alertMessageOf(alert));
    expect(await db.alertDelivery.findFirstOrThrow({ where: { alertId: alert.id } })).toMatchObject(
      { status: "FAILED", attempts: 1 },
    );
    expect(
      await retryDueDeliveries(db, workspace.id, new Date(TEST_NOW.getTime() + 86_400_000)),
    ).toEqual({ retried: 0, delivered: 0 });
  }, 60_000);
});
