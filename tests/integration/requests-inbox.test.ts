import { describe, expect, it } from "vitest";

import { loadMemberLimit } from "@/lib/limits/load-effective-limits";
import { deletePolicy } from "@/lib/limits/write-policy";
import { bulkDecisionSchema, decideMany } from "@/lib/requests/bulk-decide";
import { fileRequest } from "@/lib/requests/file-request";
import { fileRequestSchema } from "@/lib/requests/request-input";
import { listQueue } from "@/lib/requests/request-queue";

import { TEST_NOW, TEST_TODAY } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { addUsage, platformLimitWorkspace } from "./limits-fixtures";

// Issue 17 "a decider's inbox": limit before → after by the rule, pending first, minutes on the
// app's clock, and bulk decisions through the one decision path, reported per request.

const M = 1_000_000n;
const REASON = "Migrating the billing service to the new agent workflow";
const file = (v: Record<string, unknown>) => fileRequestSchema.parse({ reason: REASON, ...v });
const later = (minutes: number) => new Date(TEST_NOW.getTime() + minutes * 60_000);

async function setup() {
  const db = await testDb();
  const f = await platformLimitWorkspace(db);
  await addUsage(db, f.ws.id, f.eng.memberId, TEST_TODAY, 300n);
  return { db, f };
}

describe("the deciders' inbox", () => {
  it("shows the limit before → after approval by the rule, and minutes on the app's clock", async () => {
    const { db, f } = await setup();
    const { id } = await fileRequest(db, f.eng, file({ amount: "150" }), TEST_NOW);
    const q = await listQueue(db, f.manager, {}, later(185));
    const item = q.items.find((i) => i.id === id)!;
    expect(item.ageMinutes).toBe(185);
    expect(item.current).toMatchObject({ limitMicros: 800n * M, usedMicros: 300n * M });
    expect(item.afterApproval?.limitMicros).toBe(950n * M);
    expect(item.afterApproval?.remainingMicros).toBe(650n * M);
    expect(item.afterApproval?.reason).toMatch(new RegExp(`^request #${id}`));
    // nothing was written by the preview
    const now = await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", later(185));
    expect(now.effective.limitMicros).toBe(800n * M);
  });

  it("puts pending requests first, then the decided ones newest first", async () => {
    const { db, f } = await setup();
    const a = await fileRequest(db, f.eng, file({ amount: "10" }), TEST_NOW);
    const b = await fileRequest(db, f.eng2, file({ amount: "20" }), later(1));
    const c = await fileRequest(db, f.eng, file({ amount: "30" }), later(2));
    await decideMany(
      db,
      { kind: "member", actor: f.admin },
      bulkDecisionSchema.parse({ action: "deny", ids: [a.id, c.id], note: "not now" }),
      later(3),
    );
    const q = await listQueue(db, f.admin, { status: "ALL" }, later(4));
    expect(q.items.map((i) => [i.id, i.status])).toEqual([
      [b.id, "PENDING"],
      [c.id, "DENIED"],
      [a.id, "DENIED"],
    ]);
  });

  it("bulk approval decides each request on its own and reports the ones it could not", async () => {
    const { db, f } = await setup();
    const one = await fileRequest(db, f.eng, file({ amount: "100" }), TEST_NOW);
    const two = await fileRequest(db, f.eng2, file({ amount: "50" }), TEST_NOW);
    const own = await fileRequest(db, f.manager, file({ amount: "70" }), TEST_NOW);
    const gone = await fileRequest(db, f.eng2, file({ amount: "40", product: "codex" }), TEST_NOW);
    const res = await decideMany(
      db,
      { kind: "member", actor: f.manager },
      bulkDecisionSchema.parse({ action: "approve", ids: [one.id, two.id, own.id, 999999] }),
      later(5),
    );
    expect(res.decided).toBe(2);
    expect(res.failed).toBe(2);
    expect(res.outcomes.find((o) => o.id === one.id)).toMatchObject({
      ok: true,
      status: "APPROVED",
      grantedMicros: 100n * M,
    });
    expect(res.outcomes.find((o) => o.id === own.id)).toMatchObject({
      ok: false,
      error: "You cannot decide your own request",
    });
    expect(res.outcomes.find((o) => o.id === 999999)).toMatchObject({
      ok: false,
      error: "Request #999999 was not found",
    });
    // each approval is audited on its own, with the limit before and after
    const audits = await db.auditEvent.findMany({
      where: { workspaceId: f.ws.id, action: "request.approve" },
    });
    expect(audits.map((a) => a.targetId).sort()).toEqual([String(one.id), String(two.id)].sort());
    const eng = await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", later(6));
    expect(eng.effective.limitMicros).toBe(900n * M);
    // a second bulk approval of the same requests: already decided, reported, nothing changes
    const again = await decideMany(
      db,
      { kind: "member", actor: f.manager },
      bulkDecisionSchema.parse({ action: "approve", ids: [one.id, one.id] }),
      later(7),
    );
    expect(again.outcomes).toEqual([
      { id: one.id, ok: false, error: expect.stringMatching(/already approved/) },
    ]);

    // no limit to raise: the queue offers no "after", and the decision path refuses
    for (const p of await db.limitPolicy.findMany({ where: { workspaceId: f.ws.id } }))
      await deletePolicy(db, f.admin, p.id, p.version);
    const q = await listQueue(db, f.admin, {}, later(8));
    const item = q.items.find((i) => i.id === gone.id)!;
    expect(item.current?.limitMicros).toBeNull();
    expect(item.afterApproval).toBeNull();
    const none = await decideMany(
      db,
      { kind: "member", actor: f.admin },
      bulkDecisionSchema.parse({ action: "approve", ids: [gone.id] }),
      later(9),
    );
    expect(none.outcomes[0]).toMatchObject({
      ok: false,
      error: expect.stringMatching(/has no limit for codex now .*a grant would change nothing/),
    });
  });

  it("bulk denial needs a note; the input is bounded", () => {
    expect(bulkDecisionSchema.safeParse({ action: "deny", ids: [1] }).success).toBe(false);
    expect(bulkDecisionSchema.safeParse({ action: "approve", ids: [] }).success).toBe(false);
    expect(
      bulkDecisionSchema.safeParse({
        action: "approve",
        ids: Array.from({ length: 51 }, (_, i) => i + 1),
      }).success,
    ).toBe(false);
    expect(bulkDecisionSchema.safeParse({ action: "archive", ids: [1] }).success).toBe(false);
  });
});
