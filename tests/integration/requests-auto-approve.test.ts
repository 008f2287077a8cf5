import { describe, expect, it } from "vitest";

import { ConflictError, ForbiddenError } from "@/lib/core/errors";
import { budgetCheck } from "@/lib/limits/budget-check";
import {
  createAutoPolicy,
  listAutoPolicies,
  previewAutoPolicy,
  revokeGrant,
  updateAutoPolicy,
} from "@/lib/requests/auto-approve";
import { autoPolicySchema, autoPolicyUpdateSchema } from "@/lib/requests/auto-approve-rules";
import { fileRequest } from "@/lib/requests/file-request";
import { fileRequestSchema } from "@/lib/requests/request-input";

import { TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { addUsage, platformLimitWorkspace } from "./limits-fixtures";

const file = (amount: string, neededUntil = "2026-11-25") =>
  fileRequestSchema.parse({
    amount,
    reason: "finishing the migration of the billing service",
    neededUntil,
  });

describe("auto-approval policies", () => {
  it("K = 1 holds when one person files several requests at once: exactly one is approved by the policy", async () => {
    const db = await testDb();
    const f = await platformLimitWorkspace(db);
    const { id: policyId } = await createAutoPolicy(
      db,
      f.owner,
      autoPolicySchema.parse({
        name: "One a period",
        maxAmount: "50",
        maxPerPeriod: 1,
        maxDays: 10,
      }),
      TEST_NOW,
    );
    // several filings in flight together, each in its own transaction (PostgreSQL: its own
    // connection); a count read before the others commit would approve them all
    const filed = await Promise.all(
      ["10", "11", "12", "13", "14", "15"].map((a) => fileRequest(db, f.eng, file(a), TEST_NOW)),
    );
    expect(filed.filter((r) => r.status === "APPROVED")).toHaveLength(1);
    expect(filed.filter((r) => r.status === "PENDING")).toHaveLength(5);
    const rows = await db.creditRequest.findMany({
      where: { workspaceId: f.ws.id, requesterId: f.eng.memberId },
    });
    expect(rows.filter((r) => r.autoPolicyId === policyId)).toHaveLength(1);
    expect(
      await db.limitPolicy.count({
        where: { workspaceId: f.ws.id, sourceRequestId: { not: null } },
      }),
    ).toBe(1);
    // another person's period is their own: two people at once get one each
    const two = await Promise.all([
      fileRequest(db, f.eng2, file("20"), TEST_NOW),
      fileRequest(db, f.manager, file("20"), TEST_NOW),
      fileRequest(db, f.eng2, file("21"), TEST_NOW),
      fileRequest(db, f.manager, file("21"), TEST_NOW),
    ]);
    expect(two.filter((r) => r.status === "APPROVED")).toHaveLength(2);
  });

  it("approve a small request at once by the decision path, leave others pending, and can be revoked", async () => {
    const db = await testDb();
    const f = await platformLimitWorkspace(db);
    await addUsage(db, f.ws.id, f.eng.memberId, TEST_TODAY, 700n);
    // only the owner defines policies
    await expect(
      createAutoPolicy(
        db,
        f.admin,
        autoPolicySchema.parse({ name: "x", maxAmount: "50", maxPerPeriod: 1, maxDays: 10 }),
        TEST_NOW,
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const { id: policyId } = await createAutoPolicy(
      db,
      f.owner,
      autoPolicySchema.parse({
        name: "Small asks",
        groupIds: [f.platform.id],
        maxAmount: "50",
        maxPerPeriod: 1,
        maxDays: 10,
      }),
      TEST_NOW,
    );

    const small = await fileRequest(db, f.eng, file("30"), TEST_NOW);
    expect(small).toMatchObject({ status: "APPROVED", approvedBy: "Small asks" });
    const row = await db.creditRequest.findUniqueOrThrow({ where: { id: small.id } });
    expect(row).toMatchObject({ status: "APPROVED", autoPolicyId: policyId, deciderId: null });
    expect(row.grantedMicros).toBe(30_000_000n);
    const check = await budgetCheck(db, f.ws.id, f.eng.email, "", TEST_NOW);
    expect(check.limit).toBe("830.000000");
    const audit = await db.auditEvent.findMany({
      where: { workspaceId: f.ws.id, action: "request.approve", targetId: String(small.id) },
    });
    expect(audit.map((a) => a.actorLabel)).toEqual(['policy "Small asks"']);

    // K = 1 per person per period; above A; outside the groups; longer than D days
    expect((await fileRequest(db, f.eng, file("20"), TEST_NOW)).status).toBe("PENDING");
    expect((await fileRequest(db, f.eng2, file("500"), TEST_NOW)).status).toBe("PENDING");
    expect((await fileRequest(db, f.eng2, file("20", "2026-12-20"), TEST_NOW)).status).toBe(
      "PENDING",
    );
    expect((await fileRequest(db, f.eng2, file("20"), TEST_NOW)).status).toBe("APPROVED");

    // a decider revokes the policy's grant: the override ends now, audited
    await revokeGrant(db, { kind: "member", actor: f.admin }, small.id, TEST_NOW);
    expect((await budgetCheck(db, f.ws.id, f.eng.email, "", TEST_NOW)).limit).toBe("800.000000");
    await expect(
      revokeGrant(db, { kind: "member", actor: f.admin }, small.id, TEST_NOW),
    ).rejects.toBeInstanceOf(ConflictError);
    const revoked = await db.auditEvent.findFirstOrThrow({
      where: { workspaceId: f.ws.id, action: "request.revoke", targetId: String(small.id) },
    });
    expect(revoked.actorLabel).toBe(f.admin.email);

    // the owner disables the policy: the next small request waits for a person
    const [view] = await listAutoPolicies(db, f.owner);
    expect(view).toMatchObject({ name: "Small asks", approvals: 2, enabled: true });
    await updateAutoPolicy(
      db,
      f.owner,
      policyId,
      autoPolicyUpdateSchema.parse({
        version: view!.version,
        name: "Small asks",
        enabled: false,
        groupIds: [f.platform.id],
        maxAmount: "50",
        maxPerPeriod: 1,
        maxDays: 10,
      }),
    );
    expect((await fileRequest(db, f.manager, file("10"), TEST_NOW)).status).toBe("PENDING");
    expect(
      await db.auditEvent.count({
        where: { workspaceId: f.ws.id, action: { startsWith: "autoapproval." } },
      }),
    ).toBe(2);

    // the preview over past requests: the same verdicts, counting its own approvals per person
    const preview = await previewAutoPolicy(
      db,
      f.owner,
      autoPolicySchema.parse({
        name: "Preview",
        maxAmount: "50",
        maxPerPeriod: 1,
        maxDays: 10,
      }),
      1,
      TEST_NOW,
    );
    const byId = new Map(preview.rows.map((r) => [r.id, r]));
    expect(byId.get(small.id)?.approve).toBe(true);
    expect(
      preview.rows
        .filter((r) => r.approve)
        .map((r) => r.requester)
        .sort(),
    ).toEqual([f.eng.name, f.eng2.name, f.manager.name].sort());
    expect(preview.rows.find((r) => r.amountMicros === 500_000_000n)?.why).toBe(
      "asks for more than the policy allows",
    );
  });
});
