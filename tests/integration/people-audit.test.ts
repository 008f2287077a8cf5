/** The Audit page's reads: filters by actor, object and action; a member's history gathers what names them; sentences use today's names. */
import { describe, expect, it } from "vitest";

import { writeAudit } from "@/lib/audit/audit";
import { listAuditEvents } from "@/lib/audit/audit-log";
import { auditRowsFor, listAuditPage } from "@/lib/audit/audit-view";
import { addDays } from "@/lib/core/period";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";
import { deactivateMember } from "@/lib/people/deactivate";
import { parseFields, updateMemberSchema } from "@/lib/people/fields";
import { updateMember } from "@/lib/people/members";

import { TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { makeWorkspace, testDb } from "../helpers/db";
import { limitsWorkspace } from "./limits-fixtures";

describe("audit log reads", () => {
  it("a member's history holds their own events, their overrides' and their requests'; filters by actor and action narrow it", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    await db.member.update({ where: { id: f.eng.memberId }, data: { name: "Eli Engineer" } });
    await db.member.update({ where: { id: f.admin.memberId }, data: { name: "Ada Admin" } });
    await db.member.update({ where: { id: f.owner.memberId }, data: { name: "Dana Owner" } });
    await createPolicy(
      db,
      f.owner,
      createPolicySchema.parse({
        scope: "MEMBER",
        memberId: f.eng.memberId,
        amount: "1,200",
        expiresOn: addDays(TEST_TODAY, 10),
      }),
    );
    await createPolicy(
      db,
      f.owner,
      createPolicySchema.parse({ scope: "MEMBER", memberId: f.eng2.memberId, amount: "50" }),
    );
    await db.creditRequest.create({
      data: {
        workspaceId: f.ws.id,
        requesterId: f.eng.memberId,
        amountMicros: 1n,
        reason: "a long enough reason here",
        neededUntil: addDays(TEST_TODAY, 3),
        snapshotJson: "{}",
      },
    });
    await updateMember(
      db,
      f.admin,
      f.eng.memberId,
      parseFields(updateMemberSchema, { costCenter: "CC-9" }),
    );
    await deactivateMember(db, f.admin, f.eng.memberId, { reason: "left" }, TEST_NOW);

    const history = await listAuditPage(db, {
      workspaceId: f.ws.id,
      type: "Member",
      target: f.eng.memberId,
      limit: 50,
    });
    expect(history.rows.map((r) => r.action)).toEqual([
      "member.deactivate",
      "request.cancel",
      "limit.end",
      "member.update",
      "limit.create",
    ]);
    const until = addDays(TEST_TODAY, 10);
    const [y, m, d] = until.split("-");
    const month = new Date(Date.UTC(Number(y), Number(m) - 1, 1)).toLocaleString("en-GB", {
      month: "short",
      timeZone: "UTC",
    });
    expect(history.rows.at(-1)!.summary).toBe(
      `Dana Owner set Eli Engineer's override to 1,200.00 credits until ${Number(d)} ${month} ${y}`,
    );
    expect(history.rows[0]!.summary).toBe(
      "Ada Admin deactivated Eli Engineer (left): 0 sessions ended, 1 override ended, 1 pending request withdrawn",
    );
    expect(history.rows[0]).toMatchObject({
      actorName: "Ada Admin",
      targetLabel: "Eli Engineer",
      targetHref: `/members/${f.eng.memberId}`,
    });
    // the other engineer's override is not in Eli's history
    expect(history.rows.some((r) => r.summary.includes("50.00"))).toBe(false);

    const byAdmin = await listAuditPage(db, {
      workspaceId: f.ws.id,
      actor: f.admin.email,
      limit: 50,
    });
    expect(new Set(byAdmin.rows.map((r) => r.actor))).toEqual(new Set([f.admin.email]));
    const limitsOnly = await listAuditPage(db, {
      workspaceId: f.ws.id,
      action: "limit.*",
      type: "LimitPolicy",
      limit: 50,
    });
    expect(limitsOnly.rows.map((r) => r.action).sort()).toEqual([
      "limit.create",
      "limit.create",
      "limit.end",
    ]);
    // the export reads every page of the same filter
    const pages: string[][] = [];
    for await (const page of auditRowsFor(
      db,
      { workspaceId: f.ws.id, type: "Member", target: f.eng.memberId },
      2,
    ))
      pages.push(page.map((r) => r.action));
    expect(pages).toEqual([
      ["member.deactivate", "request.cancel"],
      ["limit.end", "member.update"],
      ["limit.create"],
    ]);
  });

  it("newest first by the event's time, not its id: back-dated events sort where they happened, and pages continue after the cursor", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const other = await makeWorkspace(db);
    const HOUR = 3_600_000;
    // written in this order (ids ascending), dated out of order, two at one instant
    const hoursAgo = [0, 35 * 24, 28 * 24, 2, 28 * 24, 9 * 24];
    for (const [i, h] of hoursAgo.entries())
      await db.$transaction((tx) =>
        writeAudit(tx, {
          workspaceId: ws.id,
          actor: { memberId: null, label: "seed" },
          action: `demo.step${i}`,
          targetType: "Demo",
          targetId: String(i),
          at: new Date(TEST_NOW.getTime() - h * HOUR),
        }),
      );
    const newestFirst = [
      "demo.step0",
      "demo.step3",
      "demo.step5",
      "demo.step4",
      "demo.step2",
      "demo.step1",
    ];
    const page = await listAuditPage(db, { workspaceId: ws.id, limit: 50 });
    expect(page.rows.map((r) => r.action)).toEqual(newestFirst);
    const pages: string[][] = [];
    for await (const p of auditRowsFor(db, { workspaceId: ws.id }, 2))
      pages.push(p.map((r) => r.action));
    expect(pages.flat()).toEqual(newestFirst);
    expect(pages).toHaveLength(3);
    // GET /api/audit's read pages alike
    const api: string[] = [];
    let before: number | undefined;
    for (;;) {
      const data = await listAuditEvents(db, { workspaceId: ws.id, limit: 2, before });
      if (!data.length) break;
      api.push(...data.map((e) => e.action));
      before = data.at(-1)!.id;
    }
    expect(api).toEqual(newestFirst);
    // a cursor from another workspace is no position in this one
    const foreign = (await listAuditEvents(db, { workspaceId: ws.id, limit: 1 }))[0]!.id;
    expect(await listAuditEvents(db, { workspaceId: other.id, limit: 5, before: foreign })).toEqual(
      [],
    );
    expect(
      (await listAuditPage(db, { workspaceId: other.id, limit: 5, before: foreign })).rows,
    ).toEqual([]);
  });
});
