/**
 * The integration project pins the app's clock (tests/helpers/pin-app-clock.ts): what lib
 * code reads through lib/server/clock.ts starts at TEST_NOW and moves only with elapsed time, so a
 * machine whose date is months away (faketime, a wrong CMOS clock) runs the same tests.
 */
import { afterEach, describe, expect, it } from "vitest";

import { addDays } from "@/lib/core/period";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";
import { now } from "@/lib/server/clock";

import { resetAppNow, setAppNow } from "../helpers/app-clock";
import { at, TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { limitsWorkspace } from "./limits-fixtures";

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
});
