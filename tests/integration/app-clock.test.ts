/**
 * The integration project pins the app's clock (tests/helpers/pin-app-clock.ts): what lib
 * code reads through lib/server/clock.ts starts at TEST_NOW and moves only with elapsed time, so a
 * machine whose date is months away (faketime, a wrong CMOS clock) runs the same tests.
 */
import { afterEach, describe, expect, it } from "vitest";

import { evaluateAlerts } from "@/lib/alerts/evaluate";
import { addDays } from "@/lib/core/period";
import { createPolicySchema, updatePolicySchema } from "@/lib/limits/policy-input";
import { createPolicy, updatePolicy } from "@/lib/limits/write-policy";
import { now } from "@/lib/server/clock";

import { resetAppNow, setAppNow } from "../helpers/app-clock";
import { at, TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { grantRequest } from "../helpers/requests";
import { addUsage, limitsWorkspace } from "./limits-fixtures";

afterEach(() => resetAppNow());

describe("the app's clock in integration tests", () => {
  it("starts at TEST_NOW and only runs forward with elapsed time", async () => {
    const a = now().getTime();
    expect(a).toBeGreaterThanOrEqual(TEST_NOW.getTime());
    // a test file runs for minutes at most; never the machine's date
    expect(a - TEST_NOW.getTime()).toBeLessThan(3_600_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(now().getTime()).toBeGreaterThanOrEqual(a);
  });

  it("is what lib code reads: a policy's 'expiry in the past' check follows it", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    const yesterday = addDays(TEST_TODAY, -1);
    await expect(
      createPolicy(
        db,
        f.admin,
        createPolicySchema.parse({
          scope: "MEMBER",
          memberId: f.eng.memberId,
          amount: "10",
          expiresOn: yesterday,
        }),
      ),
    ).rejects.toThrow(/in the past/);
    await createPolicy(
      db,
      f.admin,
      createPolicySchema.parse({
        scope: "MEMBER",
        memberId: f.eng.memberId,
        amount: "10",
        expiresOn: TEST_TODAY,
      }),
    );
    // moved a day on, the same date is in the past for the app too
    setAppNow(at(`${addDays(TEST_TODAY, 1)}T12:00:00Z`));
    await expect(
      createPolicy(
        db,
        f.admin,
        createPolicySchema.parse({
          scope: "MEMBER",
          memberId: f.eng2.memberId,
          amount: "10",
          expiresOn: TEST_TODAY,
        }),
      ),
    ).rejects.toThrow(/in the past/);
  });

  it("dates the audit event of a change by it, not by the database's clock", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    const pinned = at(`${addDays(TEST_TODAY, 3)}T09:15:00Z`);
    setAppNow(pinned);
    const policy = await createPolicy(
      db,
      f.admin,
      createPolicySchema.parse({ scope: "MEMBER", memberId: f.eng.memberId, amount: "10" }),
    );
    const event = await db.auditEvent.findFirstOrThrow({
      where: { workspaceId: f.ws.id, targetId: policy.id },
    });
    expect(event.createdAt.getTime() - pinned.getTime()).toBeGreaterThanOrEqual(0);
    expect(event.createdAt.getTime() - pinned.getTime()).toBeLessThan(60_000);
  });

  it("dates a grant, its notification, a limit's update and an alert by it (a pinned demo shows no wall-clock date)", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    const pinned = at(`${addDays(TEST_TODAY, -9)}T10:05:00Z`);
    setAppNow(pinned);
    const near = (d: Date) => {
      expect(d.getTime() - pinned.getTime()).toBeGreaterThanOrEqual(0);
      expect(d.getTime() - pinned.getTime()).toBeLessThan(60_000);
    };
    const own = await createPolicy(
      db,
      f.admin,
      createPolicySchema.parse({ scope: "MEMBER", memberId: f.eng.memberId, amount: "100" }),
    );
    const id = await grantRequest(
      db,
      { requester: f.eng, approver: f.admin },
      { amount: "50", reason: "a long enough reason here", neededUntil: TEST_TODAY },
      pinned,
    );
    const grant = await db.limitPolicy.findFirstOrThrow({ where: { sourceRequestId: id } });
    near(grant.createdAt);
    near(grant.updatedAt);
    near(
      (
        await db.notification.findFirstOrThrow({
          where: { memberId: f.eng.memberId, kind: "request.approved" },
        })
      ).createdAt,
    );
    const updated = await updatePolicy(
      db,
      f.admin,
      own.id,
      updatePolicySchema.parse({ version: own.version, amount: "10" }),
    );
    near(updated.updatedAt);
    // spent past the own limit of the other engineer: the alert and the bell's entries
    await createPolicy(
      db,
      f.admin,
      createPolicySchema.parse({ scope: "MEMBER", memberId: f.eng2.memberId, amount: "1" }),
    );
    await addUsage(db, f.ws.id, f.eng2.memberId, addDays(TEST_TODAY, -9), 5n);
    await evaluateAlerts(db, f.ws.id, pinned);
    const alert = await db.alert.findFirstOrThrow({
      where: { workspaceId: f.ws.id, subjectId: f.eng2.memberId, kind: "hard_limit" },
    });
    near(alert.createdAt);
    const bell = await db.notification.findMany({
      where: { workspaceId: f.ws.id, kind: "alert.hard_limit" },
    });
    expect(bell.length).toBeGreaterThan(0);
    for (const n of bell) near(n.createdAt);
  });
});
