/**
 * Issue 15 "Controls that hold": an expiry or start is an inclusive calendar day in the
 * workspace timezone. Changing the timezone moves every stored instant so each keeps its day
 * (same transaction, audited); pending requests keep their needed-until day; the owner is
 * told beforehand how many limits and requests the change touches.
 */
import { describe, expect, it } from "vitest";

import { ForbiddenError } from "@/lib/core/errors";
import { endOfDayIn, startOfDayIn } from "@/lib/core/period";
import { getLimitsOverview } from "@/lib/limits/limits-screen";
import { loadMemberLimit } from "@/lib/limits/load-effective-limits";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { previewTimezoneChange, updateWorkspaceSettings } from "@/lib/limits/workspace-settings";
import { createPolicy } from "@/lib/limits/write-policy";
import { approveRequest } from "@/lib/requests/decide-credit-request";
import { fileRequest } from "@/lib/requests/file-request";
import { approveSchema, fileRequestSchema } from "@/lib/requests/request-input";

import { at, TEST_NOW } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { limitsWorkspace } from "./limits-fixtures";

const M = 1_000_000n;
const NOW = TEST_NOW; // 2026-11-18T14:30Z
const NY = "America/New_York";
const REASON = "Migrating the billing service to the new agent workflow";
const settings = (timezone: string) =>
  ({ budgetUnit: "CREDITS", budgetPeriod: "MONTHLY", timezone }) as const;

describe("a timezone change keeps every date's meaning", () => {
  it("an override 'until 2027-01-15' made under UTC still ends at the end of 2027-01-15 New York time after switching to America/New_York", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db); // UTC
    await createPolicy(
      db,
      f.owner,
      createPolicySchema.parse({ scope: "WORKSPACE", amount: "500" }),
    );
    const override = await createPolicy(
      db,
      f.admin,
      createPolicySchema.parse({
        scope: "MEMBER",
        memberId: f.eng.memberId,
        amount: "1200",
        expiresOn: "2027-01-15",
      }),
    );
    expect(override.expiresAt).toEqual(endOfDayIn("2027-01-15", "UTC"));
    const scheduled = await createPolicy(
      db,
      f.admin,
      createPolicySchema.parse({
        scope: "MEMBER",
        memberId: f.eng2.memberId,
        amount: "900",
        startsOn: "2026-12-20",
        expiresOn: "2026-12-31",
      }),
    );
    // a grant: starts "now" (no calendar day: stays), ends at the end of its needed-until day (moves)
    const granted = await fileRequest(
      db,
      f.eng2,
      fileRequestSchema.parse({ amount: "100", reason: REASON, neededUntil: "2026-12-10" }),
      NOW,
    );
    const grant = await approveRequest(
      db,
      { kind: "member", actor: f.admin },
      granted.id,
      approveSchema.parse({}),
      NOW,
    );
    const pending = await fileRequest(
      db,
      f.eng,
      fileRequestSchema.parse({ amount: "50", reason: REASON, neededUntil: "2026-12-15" }),
      NOW,
    );

    // before saving, the owner is told what the change touches
    await expect(previewTimezoneChange(db, f.admin, NY)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await previewTimezoneChange(db, f.owner, NY)).toEqual({
      from: "UTC",
      to: NY,
      policies: 3,
      pendingRequests: 1,
    });
    expect(await previewTimezoneChange(db, f.owner, "UTC")).toEqual({
      from: "UTC",
      to: "UTC",
      policies: 0,
      pendingRequests: 0,
    });

    expect(await updateWorkspaceSettings(db, f.owner, settings(NY))).toEqual({ policiesMoved: 3 });

    const after = await db.limitPolicy.findUniqueOrThrow({ where: { id: override.id } });
    expect(after.expiresAt).toEqual(endOfDayIn("2027-01-15", NY));
    expect(after.expiresAt!.toISOString()).toBe("2027-01-16T05:00:00.000Z");
    expect(after.version).toBe(override.version + 1);
    // 22:00 New York time on 2027-01-15 (already 01-16 in UTC): the override still holds; at midnight there it ends
    const limitAt = async (iso: string) =>
      (await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", at(iso))).effective;
    expect((await limitAt("2027-01-15T22:00:00-05:00")).limitMicros).toBe(1200n * M);
    expect((await limitAt("2027-01-15T22:00:00-05:00")).reason).toBe(
      "individual override until 2027-01-15",
    );
    expect((await limitAt("2027-01-16T00:00:00-05:00")).limitMicros).toBe(500n * M);

    const s = await db.limitPolicy.findUniqueOrThrow({ where: { id: scheduled.id } });
    expect(s.startsAt).toEqual(startOfDayIn("2026-12-20", NY));
    expect(s.expiresAt).toEqual(endOfDayIn("2026-12-31", NY));
    const g = await db.limitPolicy.findUniqueOrThrow({ where: { id: grant.overrideId! } });
    expect(g.startsAt).toEqual(NOW);
    expect(g.expiresAt).toEqual(endOfDayIn("2026-12-10", NY));

    // the screens read the same days in the new timezone
    const o = await getLimitsOverview(db, f.admin, NOW);
    expect(o.policies.find((p) => p.id === override.id)).toMatchObject({ expiresOn: "2027-01-15" });
    expect(o.policies.find((p) => p.id === scheduled.id)).toMatchObject({
      startsOn: "2026-12-20",
      expiresOn: "2026-12-31",
    });

    // the pending request keeps its day; approved now, its grant ends at the end of that day in New York
    expect(
      (await db.creditRequest.findUniqueOrThrow({ where: { id: pending.id } })).neededUntil,
    ).toBe("2026-12-15");
    const d = await approveRequest(
      db,
      { kind: "member", actor: f.admin },
      pending.id,
      approveSchema.parse({}),
      NOW,
    );
    expect(
      (await db.limitPolicy.findUniqueOrThrow({ where: { id: d.overrideId! } })).expiresAt,
    ).toEqual(endOfDayIn("2026-12-15", NY));

    // audited: one event per moved policy, and the settings change says how many
    const moved = await db.auditEvent.findMany({
      where: { workspaceId: f.ws.id, action: "limit.timezone" },
    });
    expect(moved.map((e) => e.targetId).sort()).toEqual(
      [override.id, scheduled.id, grant.overrideId!].sort(),
    );
    const ev = await db.auditEvent.findFirstOrThrow({
      where: { workspaceId: f.ws.id, action: "workspace.settings" },
    });
    expect(JSON.parse(ev.afterJson!)).toMatchObject({
      timezone: NY,
      policiesMoved: 3,
      pendingRequestsKeptDay: 1,
    });

    // and back (the new grant moves too): the instants return to what they were under UTC
    expect(await updateWorkspaceSettings(db, f.owner, settings("UTC"))).toEqual({
      policiesMoved: 4,
    });
    expect(
      (await db.limitPolicy.findUniqueOrThrow({ where: { id: override.id } })).expiresAt,
    ).toEqual(endOfDayIn("2027-01-15", "UTC"));
    expect(
      (await db.limitPolicy.findUniqueOrThrow({ where: { id: scheduled.id } })).startsAt,
    ).toEqual(startOfDayIn("2026-12-20", "UTC"));
  });

  it("a settings save that keeps the timezone moves nothing", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db, { timezone: NY });
    const p = await createPolicy(
      db,
      f.admin,
      createPolicySchema.parse({
        scope: "MEMBER",
        memberId: f.eng.memberId,
        amount: "1200",
        expiresOn: "2027-01-15",
      }),
    );
    expect(
      await updateWorkspaceSettings(db, f.owner, { ...settings(NY), budgetUnit: "USD" }),
    ).toEqual({ policiesMoved: 0 });
    expect(await db.limitPolicy.findUniqueOrThrow({ where: { id: p.id } })).toMatchObject({
      expiresAt: p.expiresAt,
      version: p.version,
    });
  });
});
