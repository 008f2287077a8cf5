import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { channelInputSchema, createChannel } from "@/lib/alerts/channels";
import { ConflictError, InvalidInputError, NotFoundError } from "@/lib/core/errors";
import { previewDigest, runWeeklyDigests, sendDigestsNow } from "@/lib/digest/send";
import {
  digestSettingsInputSchema,
  getDigestSettings,
  saveDigestSettings,
} from "@/lib/digest/settings";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";
import { fileRequest } from "@/lib/requests/file-request";
import { fileRequestSchema } from "@/lib/requests/request-input";

import { at } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { startSmtpSink, type SmtpSink, type SunkMail } from "../helpers/smtp-sink";
import { startWebhookReceiver, type WebhookReceiver } from "../helpers/webhook-receiver";
import { addUsage, limitsWorkspace } from "./limits-fixtures";

let smtp: SmtpSink;
let hooks: WebhookReceiver;
beforeAll(async () => {
  smtp = await startSmtpSink();
  hooks = await startWebhookReceiver();
});
afterAll(async () => {
  await smtp.close();
  await hooks.close();
});

/** A workspace whose Platform manager gets the digest by email and webhook. */
async function setup(firstNow: Date) {
  const db = await testDb();
  const f = await limitsWorkspace(db);
  await createPolicy(db, f.owner, createPolicySchema.parse({ scope: "WORKSPACE", amount: "500" }));
  const email = await createChannel(
    db,
    f.owner,
    channelInputSchema.parse({
      kind: "email",
      name: "Mail",
      to: "finops@example.test",
      smtpUrl: smtp.url,
      from: "digest@allotment.test",
    }),
  );
  const hook = await createChannel(
    db,
    f.owner,
    channelInputSchema.parse({ kind: "webhook", name: "Hook", url: hooks.url }),
  );
  await saveDigestSettings(
    db,
    f.owner,
    digestSettingsInputSchema.parse({
      enabled: true,
      emailChannelId: email.id,
      webhookChannelId: hook.id,
    }),
  );
  const { id } = await fileRequest(
    db,
    f.eng,
    fileRequestSchema.parse({ amount: "120", reason: "More agent time for the release week" }),
    firstNow,
  );
  return { db, f, requestId: id };
}

/** The Subject header, unfolded (RFC 5322 folds long headers onto continuation lines). */
const subjectOf = (m: SunkMail) =>
  /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(m.data)![1]!.replace(/\r?\n[ \t]/g, " ");
const mailsTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address));
const hooksFor = (email: string) =>
  hooks.received.filter(
    (h) =>
      (h.json as { allotment?: { digest?: { manager?: { email?: string } } } })?.allotment?.digest
        ?.manager?.email === email,
  );

describe("the weekly manager digest", () => {
  it("goes once per manager and week across a month end, by email to the manager and by webhook", async () => {
    const monday = at("2026-11-30T06:00:00Z"); // the last day of November is a Monday
    const { db, f, requestId } = await setup(monday);
    await addUsage(db, f.ws.id, f.eng.memberId, "2026-11-16", 40n);
    await addUsage(db, f.ws.id, f.eng.memberId, "2026-11-24", 480n);
    await addUsage(db, f.ws.id, f.eng2.memberId, "2026-11-25", 30n);

    expect(await runWeeklyDigests(db, f.ws.id, monday)).toEqual({
      weekStart: "2026-11-30",
      sent: 2,
      failed: 0,
    });
    const [mail] = mailsTo(f.manager.email);
    expect(mail!.to).toEqual([f.manager.email]); // the manager, not the channel's list
    expect(subjectOf(mail!)).toBe(
      "[Allotment] Week of 2026-11-23: 2 people, 1 projected over, 1 pending request",
    );
    const body = mail!.data.replace(/=\r?\n/g, "");
    expect(body).toContain(`${f.eng.name}: 520.00 credits of 500.00 credits (104%)`);
    expect(body).toContain(`#${requestId} ${f.eng.name} asks for 120.00 credits`);
    expect(body).toContain(`${f.eng.name}: +440.00 credits (40.00 credits =E2=86=92 480.00`);
    expect(hooksFor(f.manager.email)).toHaveLength(1);

    // later passes in the same week (into December) send nothing more
    for (const t of ["2026-11-30T06:00:01Z", "2026-12-01T00:00:00Z", "2026-12-06T23:59:59Z"])
      expect((await runWeeklyDigests(db, f.ws.id, at(t))).sent).toBe(0);
    expect(mailsTo(f.manager.email)).toHaveLength(1);
    expect(hooksFor(f.manager.email)).toHaveLength(1);

    // the next Monday is a new week
    expect(await runWeeklyDigests(db, f.ws.id, at("2026-12-07T00:00:00Z"))).toEqual({
      weekStart: "2026-12-07",
      sent: 2,
      failed: 0,
    });
    expect(mailsTo(f.manager.email).map(subjectOf)).toEqual([
      "[Allotment] Week of 2026-11-23: 2 people, 1 projected over, 1 pending request",
      "[Allotment] Week of 2026-11-30: 2 people, 0 projected over, 1 pending request", // December is a new period
    ]);
    // engineers manage nobody and get nothing
    expect(mailsTo(f.eng.email)).toHaveLength(0);
  });

  it("across New Year: 31 December and 3 January are one week; 4 January reports the week across it", async () => {
    const eve = at("2026-12-31T12:00:00Z");
    const { db, f } = await setup(eve);
    await addUsage(db, f.ws.id, f.eng2.memberId, "2026-12-29", 50n);
    await addUsage(db, f.ws.id, f.eng2.memberId, "2027-01-02", 70n);

    expect((await runWeeklyDigests(db, f.ws.id, eve)).weekStart).toBe("2026-12-28");
    expect((await runWeeklyDigests(db, f.ws.id, at("2027-01-01T00:00:00Z"))).sent).toBe(0);
    expect((await runWeeklyDigests(db, f.ws.id, at("2027-01-03T23:59:59Z"))).sent).toBe(0);
    const r = await runWeeklyDigests(db, f.ws.id, at("2027-01-04T08:00:00Z"));
    expect(r).toEqual({ weekStart: "2027-01-04", sent: 2, failed: 0 });
    const digests = hooksFor(f.manager.email).map(
      (h) =>
        (
          h.json as {
            allotment: {
              digest: {
                covered: { start: string; end: string };
                period: { start: string };
                people: { email: string; weekMicros: string; usedMicros: string }[];
              };
            };
          }
        ).allotment.digest,
    );
    expect(digests.map((d) => d.covered)).toEqual([
      { start: "2026-12-21", end: "2026-12-27" },
      { start: "2026-12-28", end: "2027-01-03" },
    ]);
    // the week across New Year sums both years' days; the budget period is January's
    const eng2 = digests[1]!.people.find((p) => p.email === f.eng2.email)!;
    expect(eng2.weekMicros).toBe(String(120n * 1_000_000n));
    expect(eng2.usedMicros).toBe(String(70n * 1_000_000n));
    expect(digests[1]!.period.start).toBe("2027-01-01");
  });

  it("concurrent passes send each digest once", async () => {
    const now = at("2026-11-18T14:30:00Z");
    const { db, f } = await setup(now);
    const runs = await Promise.all([1, 2, 3].map(() => runWeeklyDigests(db, f.ws.id, now)));
    expect(runs.reduce((n, r) => n + r.sent, 0)).toBe(2);
    expect(
      mailsTo(f.manager.email).filter((m) => subjectOf(m).includes("2026-11-09")),
    ).toHaveLength(1);
    expect(
      await db.alertDelivery.count({
        where: { workspaceId: f.ws.id, dedupeKey: { startsWith: "digest:" } },
      }),
    ).toBe(2);
  });

  it("is off until the owner turns it on, and refuses another workspace's or the wrong kind of channel", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    expect(await runWeeklyDigests(db, f.ws.id, at("2026-11-18T14:30:00Z"))).toEqual({
      weekStart: "2026-11-16",
      sent: 0,
      failed: 0,
    });
    const hook = await createChannel(
      db,
      f.owner,
      channelInputSchema.parse({ kind: "webhook", name: "Hook", url: hooks.url }),
    );
    await expect(
      saveDigestSettings(
        db,
        f.owner,
        digestSettingsInputSchema.parse({ enabled: true, emailChannelId: hook.id }),
      ),
    ).rejects.toBeInstanceOf(InvalidInputError);
    await expect(
      saveDigestSettings(db, f.owner, digestSettingsInputSchema.parse({ enabled: true })),
    ).rejects.toThrow(/Choose an email or a webhook channel/);
    const other = await limitsWorkspace(db);
    await expect(
      saveDigestSettings(
        db,
        other.owner,
        digestSettingsInputSchema.parse({ enabled: true, webhookChannelId: hook.id }),
      ),
    ).rejects.toThrow(/this workspace's webhook channels/);
    expect(
      await db.auditEvent.count({
        where: { action: "digest.settings_update", workspaceId: f.ws.id },
      }),
    ).toBe(0);
  });

  it("the owner previews a manager's digest and sends this week's now: once, audited, and the scheduler's pass then sends nothing", async () => {
    const now = at("2026-11-20T15:00:00Z");
    const { db, f, requestId } = await setup(now);
    await addUsage(db, f.ws.id, f.eng.memberId, "2026-11-10", 90n);
    // the preview lists who gets a digest, and says what the manager would read now
    const dto = await getDigestSettings(db, f.ws.id);
    expect(dto.managers.map((m) => m.email)).toEqual([f.manager.email]);
    const preview = await previewDigest(db, f.ws.id, f.manager.memberId, now);
    expect(preview.weekStart).toBe("2026-11-16");
    expect(preview.subject).toContain("Week of 2026-11-09");
    expect(preview.text).toContain(`#${requestId} ${f.eng.name} asks for 120.00 credits`);
    expect(preview.text).toContain(`${f.eng.name}: +90.00 credits (0.00 credits → 90.00 credits)`);
    await expect(previewDigest(db, f.ws.id, f.eng.memberId, now)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(smtp.messages.filter((m) => m.to.includes(f.manager.email))).toHaveLength(0);

    const first = await sendDigestsNow(db, f.owner, now);
    expect(first).toEqual({ weekStart: "2026-11-16", sent: 2, failed: 0, alreadySent: 0 });
    const mail = mailsTo(f.manager.email).filter((m) => subjectOf(m).includes("2026-11-09"));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.data).toContain(`#${requestId} ${f.eng.name} asks for 120.00 credits`);
    expect(
      hooksFor(f.manager.email).filter((h) => h.body.includes(`"id":${requestId}`)),
    ).toHaveLength(1);
    // again, and the scheduler's pass: nothing more this week
    expect(await sendDigestsNow(db, f.owner, now)).toEqual({
      weekStart: "2026-11-16",
      sent: 0,
      failed: 0,
      alreadySent: 2,
    });
    expect((await runWeeklyDigests(db, f.ws.id, now)).sent).toBe(0);
    expect(
      mailsTo(f.manager.email).filter((m) => subjectOf(m).includes("2026-11-09")),
    ).toHaveLength(1);
    const audit = await db.auditEvent.findMany({
      where: { workspaceId: f.ws.id, action: "digest.send_now" },
    });
    expect(audit.map((a) => a.actorLabel)).toEqual([f.owner.email, f.owner.email]);

    // off: refused, nothing sent
    await saveDigestSettings(db, f.owner, digestSettingsInputSchema.parse({ enabled: false }));
    await expect(sendDigestsNow(db, f.owner, at("2026-11-23T09:00:00Z"))).rejects.toBeInstanceOf(
      ConflictError,
    );
  });
});
