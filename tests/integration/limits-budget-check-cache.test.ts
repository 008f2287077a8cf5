/**
 * The budget check keeps what it reads in memory (lib/limits/limit-inputs.ts) and checks it
 * against the workspace version on every call. These tests change things the ways real
 * users do — a sync, an admin in ANOTHER process (a second client on the same database),
 * a token revoked elsewhere, a settings change — and expect the very next check to see it.
 */
import { afterAll, describe, expect, it } from "vitest";

import { SYSTEM_ACTOR } from "@/lib/audit/audit";
import { microsToDecimal } from "@/lib/core/money";
import { applyDirectory } from "@/lib/ingest/directory";
import { runSync } from "@/lib/ingest/sync";
import { budgetCheck } from "@/lib/limits/budget-check";
import { createPolicySchema, updatePolicySchema } from "@/lib/limits/policy-input";
import { updateWorkspaceSettings } from "@/lib/limits/workspace-settings";
import { createPolicy, updatePolicy } from "@/lib/limits/write-policy";
import { createDb, prepareDb } from "@/lib/server/db";
import { authenticateToken, createToken, revokeToken } from "@/lib/tokens/tokens";

import { makeMember, testDatabaseUrl, testDb } from "../helpers/db";
import { simulatedWorkspace } from "../helpers/simulator";
import { actorOf } from "./limits-fixtures";

const NOW = new Date("2026-11-20T12:00:00Z");
const other = createDb(testDatabaseUrl()); // "another server process": its own client, its own caches
afterAll(() => other.$disconnect());

async function usedThisMonth(
  workspaceId: string,
  memberId: string,
  column: "creditsMicros" | "costMicros",
) {
  const db = await testDb();
  const r = await db.usageDailyRollup.aggregate({
    where: { workspaceId, memberKey: memberId, day: { gte: "2026-11-01", lte: "2026-11-30" } },
    _sum: { [column]: true },
  });
  return (r._sum as Record<string, bigint | null>)[column] ?? 0n;
}

describe("budget check caching", () => {
  it("sees a sync, a limit changed in another process, a revoked token and a settings change on the next call", async () => {
    const db = await testDb();
    await prepareDb(other);
    const { workspace, connection, adapter } = await simulatedWorkspace(db, { members: 12 });
    const sync = (start: string, end: string) =>
      runSync({
        db,
        connectionId: connection.id,
        adapter,
        window: { start, end },
      });
    expect((await sync("2026-11-01", "2026-11-03")).status).toBe("SUCCEEDED");
    const owner = actorOf(await makeMember(db, workspace.id, { role: "OWNER" }));

    // someone with usage in the first days
    const rows = await db.usageDailyRollup.groupBy({
      by: ["memberKey"],
      where: { workspaceId: workspace.id, memberKey: { not: "" } },
      _sum: { creditsMicros: true },
    });
    const memberId = rows.find((r) => (r._sum.creditsMicros ?? 0n) > 0n)!.memberKey;
    const member = await db.member.findUniqueOrThrow({ where: { id: memberId } });
    const { token } = await createToken(db, owner, { name: "gw", scopes: ["budget:check"] });

    const check = async () => {
      const principal = await authenticateToken(db, token);
      if (!principal) return null;
      return budgetCheck(db, principal.workspaceId, member.email, "", NOW, principal.version);
    };
    const first = (await check())!;
    expect(first.used).toBe(
      microsToDecimal(await usedThisMonth(workspace.id, memberId, "creditsMicros")),
    );
    expect(first.limit).toBeNull();
    expect((await check())!.used).toBe(first.used); // served again (from memory), same answer

    // a sync brings more days: the next check counts them
    expect((await sync("2026-11-04", "2026-11-12")).status).toBe("SUCCEEDED");
    const afterSync = (await check())!;
    const expected = await usedThisMonth(workspace.id, memberId, "creditsMicros");
    expect(afterSync.used).toBe(microsToDecimal(expected));
    expect(afterSync.used).not.toBe(first.used);

    // another process sets the default, then lowers it below the usage
    const otherOwner = { ...owner };
    const created = await createPolicy(
      other,
      otherOwner,
      createPolicySchema.parse({ scope: "WORKSPACE", amount: "100000" }),
    );
    expect((await check())!).toMatchObject({
      limit: "100000.000000",
      allowed: true,
      reason: "workspace default",
    });
    await updatePolicy(
      other,
      otherOwner,
      created.id,
      updatePolicySchema.parse({ version: created.version, amount: "0.000001" }),
    );
    expect((await check())!).toMatchObject({ limit: "0.000001", allowed: false, state: "over" });

    // another process switches the budget unit to USD: the next check answers in dollars
    await updateWorkspaceSettings(other, otherOwner, {
      budgetUnit: "USD",
      budgetPeriod: "MONTHLY",
      timezone: "UTC",
    });
    const inUsd = (await check())!;
    expect(inUsd.unit).toBe("USD");
    expect(inUsd.used).toBe(
      microsToDecimal(await usedThisMonth(workspace.id, memberId, "costMicros")),
    );

    // another process revokes the token: refused on the next call
    const tokenRow = await db.apiToken.findFirstOrThrow({ where: { workspaceId: workspace.id } });
    await revokeToken(other, otherOwner, tokenRow.id);
    expect(await check()).toBeNull();
  });

  it("sees a group membership that a directory sync in another process adds or removes", async () => {
    const db = await testDb();
    await prepareDb(other);
    const { workspace } = await simulatedWorkspace(db, { members: 4 });
    const owner = actorOf(await makeMember(db, workspace.id, { role: "OWNER" }));
    const person = await makeMember(db, workspace.id, { role: "MEMBER" });
    const directory = (memberEmails: string[]) => ({
      source: "hr",
      people: [{ email: person.email, name: person.name, identities: [] }],
      groups: [{ name: "Cache Testers", costCenter: "CC-9", memberEmails, managerEmails: [] }],
    });
    await db.$transaction((tx) => applyDirectory(tx, workspace.id, directory([]), SYSTEM_ACTOR));
    const group = await db.group.findFirstOrThrow({
      where: { workspaceId: workspace.id, name: "Cache Testers" },
    });
    await createPolicy(db, owner, createPolicySchema.parse({ scope: "WORKSPACE", amount: "100" }));
    await createPolicy(
      db,
      owner,
      createPolicySchema.parse({ scope: "GROUP", groupId: group.id, amount: "700" }),
    );
    const check = () => budgetCheck(db, workspace.id, person.email, "", NOW);
    expect(await check()).toMatchObject({ limit: "100.000000", reason: "workspace default" });

    // the roster sync (another process) puts the person in the group: the group limit applies at once
    const added = await other.$transaction((tx) =>
      applyDirectory(tx, workspace.id, directory([person.email]), SYSTEM_ACTOR),
    );
    expect(added.membershipsChanged).toBe(1);
    expect((await check()).limit).toBe("700.000000");

    // and takes them out again
    await other.$transaction((tx) => applyDirectory(tx, workspace.id, directory([]), SYSTEM_ACTOR));
    expect(await check()).toMatchObject({ limit: "100.000000", reason: "workspace default" });
  });
});
