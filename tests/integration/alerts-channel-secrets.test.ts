import { createHash } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { isSealed } from "@/lib/alerts/channel-secrets";
import { channelInputSchema, createChannel, listChannels } from "@/lib/alerts/channels";
import { sendTest } from "@/lib/alerts/deliver";
import { verifySignature } from "@/lib/alerts/signature";
import { encryptSecret } from "@/lib/crypto/secrets";

import { testDb, workspaceWithAdmin } from "../helpers/db";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver";

const FAST = { attempts: 2, baseDelayMs: 5, timeoutMs: 15_000 };
let hooks: WebhookReceiver;
let smtp: SmtpSink;

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await hooks.close();
  await smtp.close();
});

async function setup() {
  return workspaceWithAdmin(await testDb());
}

const lastHook = () => hooks.received[hooks.received.length - 1]!;
/** unix seconds at which the last hook arrived: a receiver checks freshness on arrival */
const arrived = () => Math.floor(lastHook().receivedAt / 1000);

describe("alert channel secrets at rest", () => {
  it("stores the webhook signing secret and the SMTP URL sealed, shows the secret once, and still signs and sends", async () => {
    const { db, workspace, actor } = await setup();
    const hook = await createChannel(
      db,
      actor,
      channelInputSchema.parse({ kind: "webhook", name: "Slack", url: hooks.url }),
    );
    expect(hook.signingSecret).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const smtpWithPassword = smtp.url.replace("://", "://alerts:hunter2-secret@");
    const mail = await createChannel(
      db,
      actor,
      channelInputSchema.parse({
        kind: "email",
        name: "Mail",
        to: "finops@example.test",
        smtpUrl: smtpWithPassword,
        from: "alerts@allotment.test",
      }),
    );
    expect(mail.signingSecret).toBeUndefined();

    const stored = await db.alertChannel.findMany({ where: { workspaceId: workspace.id } });
    const storedHook = stored.find((c) => c.id === hook.id)!;
    const storedMail = stored.find((c) => c.id === mail.id)!;
    expect(isSealed(storedHook.signingSecret!)).toBe(true);
    expect(storedHook.signingSecret).not.toContain(hook.signingSecret!);
    expect(storedMail.settingsJson).not.toContain("hunter2");
    expect(storedMail.settingsJson).not.toContain(smtp.url.split("://")[1]!);
    expect(
      isSealed((JSON.parse(storedMail.settingsJson) as { smtpUrlSealed: string }).smtpUrlSealed),
    ).toBe(true);

    // what the settings screen gets never holds either
    const listed = JSON.stringify(await listChannels(db, workspace.id));
    expect(listed).not.toContain(hook.signingSecret!);
    expect(listed).not.toContain("hunter2");
    expect(listed).not.toContain("signingSecret");
    const audit = JSON.stringify(
      await db.auditEvent.findMany({ where: { workspaceId: workspace.id } }),
    );
    expect(audit).not.toContain(hook.signingSecret!);
    expect(audit).not.toContain("hunter2");

    const sent = await sendTest(db, { id: workspace.id, name: workspace.name }, hook.id, FAST);
    expect(sent?.ok).toBe(true);
    expect(
      verifySignature(
        hook.signingSecret!,
        lastHook().body,
        String(lastHook().headers["x-allotment-signature"]),
        arrived(),
      ),
    ).toBe(true);
    expect(
      verifySignature(
        storedHook.signingSecret!,
        lastHook().body,
        String(lastHook().headers["x-allotment-signature"]),
        arrived(),
      ),
    ).toBe(false);
  });

  it("reads channels stored in plaintext before sealing, and seals them on first use without losing them", async () => {
    const { db, workspace } = await setup();
    const legacyHook = await db.alertChannel.create({
      data: {
        workspaceId: workspace.id,
        kind: "webhook",
        name: "Old hook",
        target: hooks.url,
        signingSecret: "old-plain-secret",
      },
    });
    const legacyMail = await db.alertChannel.create({
      data: {
        workspaceId: workspace.id,
        kind: "email",
        name: "Old mail",
        target: "ops@example.test",
        settingsJson: JSON.stringify({ smtpUrl: smtp.url, from: "alerts@allotment.test" }),
      },
    });
    const mailsBefore = smtp.messages.length;

    for (let round = 0; round < 2; round++) {
      expect(
        (await sendTest(db, { id: workspace.id, name: workspace.name }, legacyHook.id, FAST))?.ok,
      ).toBe(true);
      expect(
        verifySignature(
          "old-plain-secret",
          lastHook().body,
          String(lastHook().headers["x-allotment-signature"]),
          arrived(),
        ),
      ).toBe(true);
      expect(
        (await sendTest(db, { id: workspace.id, name: workspace.name }, legacyMail.id, FAST))?.ok,
      ).toBe(true);
      // sealed after the first use, and the sealed form opens to the same values
      const hookRow = await db.alertChannel.findUniqueOrThrow({ where: { id: legacyHook.id } });
      const mailRow = await db.alertChannel.findUniqueOrThrow({ where: { id: legacyMail.id } });
      expect(isSealed(hookRow.signingSecret!)).toBe(true);
      expect(hookRow.signingSecret).not.toContain("old-plain-secret");
      expect(mailRow.settingsJson).not.toContain(smtp.url);
      expect(JSON.parse(mailRow.settingsJson)).toEqual({
        smtpUrlSealed: expect.any(String),
        from: "alerts@allotment.test",
      });
    }
    expect(smtp.messages.length - mailsBefore).toBe(2);
  });

  it("a secret sealed under another key fails the send with a clear error that never shows the secret", async () => {
    const { db, workspace } = await setup();
    const otherKey = createHash("sha256").update("some other installation").digest();
    const channel = await db.alertChannel.create({
      data: {
        workspaceId: workspace.id,
        kind: "webhook",
        name: "Foreign",
        target: hooks.url,
        signingSecret: encryptSecret("foreign-secret", otherKey),
      },
    });
    const before = hooks.received.length;
    const result = await sendTest(db, { id: workspace.id, name: workspace.name }, channel.id, FAST);
    expect(result?.ok).toBe(false);
    expect(result?.error).toContain("cannot be decrypted");
    expect(result?.error).not.toContain("foreign-secret");
    expect(hooks.received.length).toBe(before); // nothing went out unsigned
    const delivery = await db.alertDelivery.findFirstOrThrow({ where: { channelId: channel.id } });
    expect(delivery.status).toBe("FAILED");
  });
});
