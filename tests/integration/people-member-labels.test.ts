/**
 * A service account is named by what it is, never by its internal address
 * (<name>@service.invalid): the Limits screen (rows, overrides, the inline editor's target), the
 * alerts (messages, the alert list, the notification bell), a group's page, the manager's digest
 * and the Connections picker's label all go through lib/people/member-label.ts — on either engine.
 */
import { describe, expect, it } from "vitest";

import { evaluateAlerts } from "@/lib/alerts/evaluate";
import { listAlerts } from "@/lib/alerts/list";
import { getGroupSummary } from "@/lib/analytics/group";
import { spendScopeFor } from "@/lib/auth/scope";
import { unmappedIdentities } from "@/lib/connections/identity-mapping";
import { buildDigest } from "@/lib/digest/content";
import { loadDigestInput } from "@/lib/digest/send";
import { getLimitsOverview, getLimitTarget } from "@/lib/limits/limits-screen";
import { createPolicySchema } from "@/lib/limits/policy-input";
import { createPolicy } from "@/lib/limits/write-policy";
import { addServiceAccountSchema } from "@/lib/people/fields";
import { addServiceAccount } from "@/lib/people/service-accounts";

import { TEST_NOW } from "../helpers/clock";
import { makeMember, testDb } from "../helpers/db";
import { automationWorkspace } from "./automation-fixtures";

const LABEL = "Nightly evals · Service account · owner Dev One";
const SUBLABEL = "Service account · owner Dev One";

describe("a service account's label on every surface that names a member", () => {
  it("reads 'Nightly evals · Service account · owner Dev One', never its @service.invalid address", async () => {
    const db = await testDb();
    const f = await automationWorkspace(db);
    const { ws, group, owner } = f;
    const managerRow = await makeMember(db, ws.id, { role: "MEMBER", name: "Mia Manager" });
    await db.groupManager.create({ data: { groupId: group.id, memberId: managerRow.id } });
    const keys = (await unmappedIdentities(db, ws.id)).filter(
      (u) => u.externalId === "key_nightly_evals",
    );
    const svc = await addServiceAccount(
      db,
      owner,
      addServiceAccountSchema.parse({
        name: "Nightly evals",
        ownerId: f.dev.memberId,
        groupIds: [group.id],
        identities: keys.map((k) => ({
          identityProvider: k.identityProvider,
          identityKey: k.identityKey,
        })),
      }),
    );
    // the answer goes to the browser: no internal address (the database keeps it)
    expect(svc.email).toBe("");
    expect((await db.member.findUniqueOrThrow({ where: { id: svc.id } })).email).toBe(
      "nightly-evals@service.invalid",
    );
    // an override it has already spent past: threshold and hard-limit alerts name it
    await createPolicy(
      db,
      owner,
      createPolicySchema.parse({ scope: "MEMBER", memberId: svc.id, amount: "1" }),
      TEST_NOW,
    );
    const noAddress = (text: string) => expect(text).not.toContain("service.invalid");

    // Limits: its row, its override, the inline editor's target
    const overview = await getLimitsOverview(db, owner, TEST_NOW);
    const row = overview.members.find((m) => m.memberId === svc.id)!;
    expect(row.sublabel).toBe(SUBLABEL);
    // its internal address is not sent at all (not even as a field the screen does not show)
    expect(row.email).toBe("");
    expect(
      JSON.stringify(overview.members, (_k, v: unknown) => (typeof v === "bigint" ? 0 : v)),
    ).not.toContain("service.invalid");
    const dev = overview.members.find((m) => m.memberId === f.dev.memberId)!;
    expect([dev.sublabel, dev.email]).toEqual([f.dev.email, f.dev.email]);
    const policy = overview.policies.find((p) => p.targetId === svc.id)!;
    expect(policy).toMatchObject({ targetName: "Nightly evals", targetDetail: SUBLABEL });
    // its search finds it by name or as a service account, never by the pseudo-domain
    const search = async (q: string) =>
      (
        await getLimitsOverview(db, owner, TEST_NOW, { state: "all", q, sort: "name", page: 1 })
      ).members.map((m) => m.memberId);
    expect(await search("service.invalid")).toEqual([]);
    expect(await search("nightly-evals@")).toEqual([]);
    expect(await search("nightly evals")).toEqual([svc.id]);
    expect(await search("service account")).toContain(svc.id);
    expect(await search(f.dev.email.toUpperCase())).toEqual([f.dev.memberId]);
    const target = await getLimitTarget(db, owner, { memberId: svc.id }, TEST_NOW);
    expect(target).toMatchObject({ targetName: "Nightly evals", targetDetail: SUBLABEL });

    // alerts: the messages, the list and the bell
    await evaluateAlerts(db, ws.id, TEST_NOW);
    const alerts = (await listAlerts(db, ws.id)).filter((a) => a.subjectId === svc.id);
    expect(alerts.map((a) => a.kind)).toEqual(expect.arrayContaining(["hard_limit"]));
    for (const a of alerts) {
      expect(a.subjectLabel).toBe(LABEL);
      expect(a.message.startsWith(`${LABEL} `)).toBe(true);
      noAddress(a.message);
    }
    const bell = await db.notification.findMany({
      where: { workspaceId: ws.id, memberId: owner.memberId, kind: { startsWith: "alert." } },
    });
    expect(bell.length).toBeGreaterThan(0);
    for (const n of bell) noAddress(`${n.title} ${n.body}`);

    // the group's page and the manager's digest
    const summary = await getGroupSummary(db, await spendScopeFor(db, owner), group.id, TEST_NOW);
    expect(summary.members.find((m) => m.memberId === svc.id)!.sublabel).toBe(SUBLABEL);
    const input = (await loadDigestInput(db, ws.id, managerRow.id, TEST_NOW))!;
    expect(input.people.find((p) => p.name.startsWith("Nightly evals"))).toMatchObject({
      name: LABEL,
      email: null,
    });
    const digest = buildDigest(input);
    expect(digest.text).toContain(`${LABEL}: `);
    noAddress(digest.text);
    noAddress(JSON.stringify(digest.payload));
  });
});
