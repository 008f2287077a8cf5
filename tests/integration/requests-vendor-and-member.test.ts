import { describe, expect, it } from "vitest";

import { InvalidInputError } from "@/lib/core/errors";
import { loadMemberLimit } from "@/lib/limits/load-effective-limits";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";
import { approveRequest, denyRequest } from "@/lib/requests/decide-credit-request";
import { fileRequest } from "@/lib/requests/file-request";
import { approveSchema, denySchema, fileRequestSchema } from "@/lib/requests/request-input";
import { listMemberRequests, listQueue } from "@/lib/requests/request-queue";

import { TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { limitsWorkspace, platformLimitWorkspace } from "./limits-fixtures";

const M = 1_000_000n;
const NOW = TEST_NOW;
const today = TEST_TODAY;
const REASON = "Migrating the billing service to the new agent workflow";

async function setup() {
  const db = await testDb();
  const f = await platformLimitWorkspace(db);
  return { db, f };
}

/** A request as the Claude import writes it: no amount (0), source "claude". */
async function claudeRequest(
  db: Awaited<ReturnType<typeof testDb>>,
  workspaceId: string,
  requesterId: string,
) {
  return db.creditRequest.create({
    data: {
      workspaceId,
      requesterId,
      amountMicros: 0n,
      reason: "Asked for more usage in Claude",
      neededUntil: today,
      product: "",
      snapshotJson: "{}",
      source: "claude",
      externalId: `x-${Math.random()}`,
    },
  });
}

describe("vendor requests without an amount", () => {
  it("refuses to approve a Claude request with no amount given, then approves the amount entered", async () => {
    const { db, f } = await setup();
    const r = await claudeRequest(db, f.ws.id, f.eng.memberId);
    const q = await listQueue(db, f.admin, {}, NOW);
    expect(q.items.find((i) => i.id === r.id)).toMatchObject({
      source: "claude",
      amountMicros: 0n,
    });

    await expect(
      approveRequest(db, { kind: "member", actor: f.admin }, r.id, approveSchema.parse({}), NOW),
    ).rejects.toBeInstanceOf(InvalidInputError);
    await expect(
      approveRequest(
        db,
        { kind: "member", actor: f.admin },
        r.id,
        approveSchema.parse({ amount: "" }),
        NOW,
      ),
    ).rejects.toBeInstanceOf(InvalidInputError);
    await expect(
      approveRequest(
        db,
        { kind: "member", actor: f.admin },
        r.id,
        approveSchema.parse({ amount: "0" }),
        NOW,
      ),
    ).rejects.toThrow("more than zero");
    await expect(
      approveRequest(
        db,
        { kind: "token", actor: f.admin, token: { id: "t", name: "t" } },
        r.id,
        approveSchema.parse({}),
        NOW,
      ),
    ).rejects.toBeInstanceOf(InvalidInputError);
    // nothing changed: still pending, no override, no audit
    expect((await db.creditRequest.findUniqueOrThrow({ where: { id: r.id } })).status).toBe(
      "PENDING",
    );
    expect(await db.limitPolicy.count({ where: { workspaceId: f.ws.id, scope: "MEMBER" } })).toBe(
      0,
    );
    expect(
      await db.auditEvent.count({ where: { workspaceId: f.ws.id, action: "request.approve" } }),
    ).toBe(0);

    const d = await approveRequest(
      db,
      { kind: "member", actor: f.admin },
      r.id,
      approveSchema.parse({ amount: "150" }),
      NOW,
    );
    expect(d.grantedMicros).toBe(150n * M);
    expect(
      (await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", NOW)).effective.limitMicros,
    ).toBe(950n * M);
  });

  it("still denies a Claude request with a note (no amount needed)", async () => {
    const { db, f } = await setup();
    const r = await claudeRequest(db, f.ws.id, f.eng.memberId);
    const d = await denyRequest(
      db,
      { kind: "member", actor: f.admin },
      r.id,
      denySchema.parse({ note: "use the shared pool" }),
      NOW,
    );
    expect(d.status).toBe("DENIED");
  });
});

describe("a member's requests on their member page", () => {
  it("are shown to the member and to their deciders, not to finance, other managers or other engineers", async () => {
    const { db, f } = await setup();
    const { id } = await fileRequest(
      db,
      f.eng,
      fileRequestSchema.parse({ amount: "300", reason: REASON }),
      NOW,
    );
    await denyRequest(
      db,
      { kind: "member", actor: f.manager },
      id,
      denySchema.parse({ note: "next sprint" }),
      NOW,
    );
    for (const viewer of [f.eng, f.admin, f.owner, f.manager]) {
      const list = await listMemberRequests(db, viewer, f.eng.memberId, NOW);
      expect(list?.map((r) => [r.id, r.status, r.decisionNote, r.amountMicros, r.source])).toEqual([
        [id, "DENIED", "next sprint", 300n * M, "allotment"],
      ]);
    }
    expect(await listMemberRequests(db, f.finance, f.eng.memberId, NOW)).toBeNull();
    expect(await listMemberRequests(db, f.eng2, f.eng.memberId, NOW)).toBeNull();
    // the manager manages Platform only: an engineer outside it is not theirs
    expect(await listMemberRequests(db, f.manager, f.admin.memberId, NOW)).toBeNull();
  });

  it("never reach into another workspace", async () => {
    const { db, f } = await setup();
    const other = await limitsWorkspace(db);
    await createPolicy(
      db,
      other.owner,
      createPolicySchema.parse({ scope: "WORKSPACE", amount: "500" }),
    ); // a request needs a limit to raise
    await fileRequest(
      db,
      other.eng,
      fileRequestSchema.parse({ amount: "300", reason: REASON }),
      NOW,
    );
    expect(await listMemberRequests(db, f.admin, other.eng.memberId, NOW)).toEqual([]);
  });
});
