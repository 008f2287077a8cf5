/**
 * Issue 15 "Controls that hold": a token with requests:decide decides AS the person who
 * created it — their permissions, their manager scope, "nobody decides their own request"
 * and the grant ceiling apply to them, every audit event names them and the token — and an
 * unreadable body is a 400, never "grant the full amount".
 */
import { describe, expect, it } from "vitest";

import { POST as approve } from "@/app/api/v1/credit-requests/[id]/approve/route";
import { POST as deny } from "@/app/api/v1/credit-requests/[id]/deny/route";
import { GET as list } from "@/app/api/v1/credit-requests/route";
import { tokenAuditActor } from "@/lib/auth/token-route";
import { loadMemberLimit } from "@/lib/limits/load-effective-limits";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";
import { fileRequest } from "@/lib/requests/file-request";
import { fileRequestSchema } from "@/lib/requests/request-input";
import { authenticateToken, createToken } from "@/lib/tokens/tokens";

import { daysFrom, TEST_NOW } from "../helpers/clock";
import { testDb } from "../helpers/db";
import { platformLimitWorkspace } from "./limits-fixtures";

const M = 1_000_000n;
const NOW = TEST_NOW;
const REASON = "Migrating the billing service to the new agent workflow";
const file = (amount: string) => fileRequestSchema.parse({ reason: REASON, amount });

type Body = string | Record<string, unknown> | undefined;
function post(
  handler: typeof approve,
  path: string,
  id: number,
  token: string,
  body: Body,
  contentType: string | null = "application/json",
) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (contentType) headers["content-type"] = contentType;
  const text =
    body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  return handler(
    new Request(`http://localhost/api/v1/credit-requests/${id}/${path}`, {
      method: "POST",
      headers,
      body: text,
    }),
    { params: Promise.resolve({ id: String(id) }) },
  );
}
const callApprove = (id: number, token: string, body: Body, contentType?: string | null) =>
  post(approve, "approve", id, token, body, contentType);
const callDeny = (id: number, token: string, body: Body) => post(deny, "deny", id, token, body);
async function callList(token: string, status = "ALL") {
  const res = await list(
    new Request(`http://localhost/api/v1/credit-requests?status=${status}`, {
      headers: { authorization: `Bearer ${token}` },
    }),
    { params: Promise.resolve({}) },
  );
  return {
    status: res.status,
    body: (await res.json()) as { requests?: { id: number }[]; error?: string },
  };
}

async function setup() {
  const db = await testDb();
  const f = await platformLimitWorkspace(db);
  await createPolicy(db, f.owner, createPolicySchema.parse({ scope: "WORKSPACE", amount: "500" }));
  const { token } = await createToken(db, f.owner, {
    name: "gateway-1",
    scopes: ["requests:decide"],
  });
  return { db, f, token };
}

describe("a token decides as the person who created it", () => {
  it("an unreadable body is a 400 (415 without JSON), never 'grant the full amount'; {} grants what was asked, audited as the creator", async () => {
    const { db, f, token } = await setup();
    const { id } = await fileRequest(db, f.eng, file("100"), NOW);

    for (const [body, type, status] of [
      ['{"amount": "50"', "application/json", 400],
      ["", "application/json", 400],
      ["amount=50", "application/x-www-form-urlencoded", 415],
      ['{"amount":"50"}', null, 415],
      ['{"amount":"1e10000000"}', "application/json", 400],
      ['{"amount":"1,5"}', "application/json", 400],
    ] as const) {
      const res = await callApprove(id, token, body, type);
      expect(res.status, `${body} as ${type}`).toBe(status);
    }
    expect((await db.creditRequest.findUniqueOrThrow({ where: { id } })).status).toBe("PENDING");
    expect(await db.limitPolicy.count({ where: { workspaceId: f.ws.id, scope: "MEMBER" } })).toBe(
      0,
    );

    const res = await callApprove(id, token, {});
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "APPROVED", grantedMicros: String(100n * M) });
    const req = await db.creditRequest.findUniqueOrThrow({ where: { id } });
    expect(req.deciderId).toBe(f.owner.memberId);
    const label = `token gateway-1 of ${f.owner.email}`;
    const events = await db.auditEvent.findMany({
      where: {
        workspaceId: f.ws.id,
        action: { in: ["limit.create", "request.approve"] },
        targetId: { in: [String(id), req.overrideId!] },
      },
    });
    expect(events).toHaveLength(2);
    for (const e of events)
      expect(e).toMatchObject({ actorId: f.owner.memberId, actorLabel: label });
    const note = await db.notification.findFirstOrThrow({ where: { memberId: f.eng.memberId } });
    expect(note.body).toMatch(
      new RegExp(`^${label.replace(/\./g, "\\.")} granted 100\\.00 credits`),
    );
    // the grant is effective a moment later (the route's clock runs on from the tests' now)
    expect(
      (await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", daysFrom(NOW, 1))).effective.reason,
    ).toBe(`request #${id} approved by ${label} until ${req.neededUntil}`);

    // the same audit shape for every route that acts with a token (tokenAuditActor)
    const principal = (await authenticateToken(db, token))!;
    expect(tokenAuditActor(principal)).toEqual({ memberId: f.owner.memberId, label });

    // deny: the note is required (400), then audited as the creator
    const second = await fileRequest(db, f.eng2, file("40"), NOW);
    expect((await callDeny(second.id, token, {})).status).toBe(400);
    expect((await callDeny(second.id, token, "{")).status).toBe(400);
    expect((await callDeny(second.id, token, { note: "Use the shared pool" })).status).toBe(200);
    expect(
      await db.auditEvent.findFirstOrThrow({
        where: { workspaceId: f.ws.id, action: "request.deny" },
      }),
    ).toMatchObject({ actorId: f.owner.memberId, actorLabel: label });
  });

  it("nobody decides their own request, through a token either", async () => {
    const { db, f, token } = await setup();
    const own = await fileRequest(db, f.owner, file("75"), NOW);
    const res = await callApprove(own.id, token, {});
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(
      new RegExp(`acts for ${f.owner.email.replace(/\./g, "\\.")}, who filed this request`),
    );
    expect((await callList(token)).body.requests!.map((r) => r.id)).not.toContain(own.id);
    expect((await db.creditRequest.findUniqueOrThrow({ where: { id: own.id } })).status).toBe(
      "PENDING",
    );
  });

  it("refuses (403) when the creator is inactive or may no longer decide; list too", async () => {
    const { db, f, token } = await setup();
    const { id } = await fileRequest(db, f.eng, file("100"), NOW);
    await db.member.update({ where: { id: f.owner.memberId }, data: { role: "FINANCE" } });
    let res = await callApprove(id, token, {});
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(
      /acts for .*, who may not decide credit requests/,
    );
    expect((await callList(token)).status).toBe(403);

    await db.member.update({
      where: { id: f.owner.memberId },
      data: { role: "OWNER", active: false },
    });
    res = await callApprove(id, token, {});
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/no longer an active member/);
    expect((await db.creditRequest.findUniqueOrThrow({ where: { id } })).status).toBe("PENDING");

    await db.member.update({ where: { id: f.owner.memberId }, data: { active: true } });
    expect((await callApprove(id, token, {})).status).toBe(200);
  });

  it("a creator who is now a group manager: their groups only, at most what was asked, the workspace's ceiling", async () => {
    const { db, f, token } = await setup();
    // the owner steps down to a plain member managing Platform
    await db.member.update({ where: { id: f.owner.memberId }, data: { role: "MEMBER" } });
    await db.groupManager.create({ data: { groupId: f.platform.id, memberId: f.owner.memberId } });
    const fromPlatform = await fileRequest(db, f.eng, file("100"), NOW);
    const outside = await fileRequest(db, f.admin, file("100"), NOW);

    expect((await callList(token)).body.requests!.map((r) => r.id)).toEqual([fromPlatform.id]);
    expect((await callApprove(outside.id, token, {})).status).toBe(404);
    const over = await callApprove(fromPlatform.id, token, { amount: "150" });
    expect(over.status).toBe(403);
    expect(((await over.json()) as { error: string }).error).toMatch(
      /at most the 100\.00 credits asked for.*this token acts for/,
    );
    await db.workspace.update({
      where: { id: f.ws.id },
      data: { managerGrantCeilingMicros: 60n * M },
    });
    expect((await callApprove(fromPlatform.id, token, { amount: "70" })).status).toBe(403);
    const ok = await callApprove(fromPlatform.id, token, { amount: "60" });
    expect(ok.status).toBe(200);
    expect(
      (await loadMemberLimit(db, f.ws.id, f.eng.memberId, "", daysFrom(NOW, 1))).effective
        .limitMicros,
    ).toBe(860n * M);
  });
});
