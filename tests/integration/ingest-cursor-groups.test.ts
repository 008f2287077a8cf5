/**
 * Cursor billing groups (§3.6, `GET /teams/groups`) through the real sync engine: each group
 * becomes an Allotment group (source "cursor", its Cursor id kept) with its current members
 * who are on the team; a team whose API has no groups route (404) imports no groups and the
 * sync still succeeds; a groups page that breaks the documented shape fails naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { cursorAdapter } from "@/lib/ingest/adapters/cursor";
import { runSync } from "@/lib/ingest/sync";
import type { Db } from "@/lib/server/db";

import { startCursorFake, type CursorFake } from "../fake-vendors/cursor";
import { makeWorkspace, testDatabaseUrl, testDb } from "../helpers/db";

const KEY = "key_cursor_groups_0123456789";
const PEOPLE = ["ana@groups.test", "bo@groups.test", "cas@groups.test"];

let fake: CursorFake;

beforeAll(async () => {
  fake = await startCursorFake({
    keys: [KEY],
    perMinute: { "/teams/filtered-usage-events": 10_000, "/teams/members": 10_000 },
    members: PEOPLE.map((email, i) => ({
      id: `user_${i}`,
      email,
      name: email.split("@")[0]!,
      role: "member",
      isRemoved: false,
    })),
  });
});
afterAll(() => fake.close());

async function sync(db: Db) {
  const ws = await makeWorkspace(db);
  const connection = await db.connection.create({
    data: { workspaceId: ws.id, kind: "cursor", name: "Cursor", baseUrl: fake.url },
  });
  const result = await runSync({
    db,
    databaseUrl: testDatabaseUrl(),
    connectionId: connection.id,
    adapter: cursorAdapter({ baseUrl: fake.url, apiKey: KEY, sleep: async () => {} }),
    window: { start: "2026-11-01", end: "2026-11-02" },
  });
  const groups = await db.group.findMany({
    where: { workspaceId: ws.id },
    include: { members: { include: { member: { select: { email: true } } } } },
    orderBy: { name: "asc" },
  });
  return { result, groups };
}

describe("Cursor billing groups", () => {
  it("imports billing groups as groups with their team members", async () => {
    const db = await testDb();
    fake.state.groups = [
      { id: "group_platform", name: "Platform", emails: [PEOPLE[0]!, PEOPLE[1]!] },
      // someone who left the team is not made a member
      { id: "group_design", name: "Design", emails: [PEOPLE[2]!, "gone@groups.test"] },
    ];
    const { result, groups } = await sync(db);
    expect(result.error).toBeUndefined();
    expect(
      groups.map((g) => ({
        name: g.name,
        source: g.source,
        externalId: g.externalId,
        members: g.members.map((m) => m.member.email).sort(),
      })),
    ).toEqual([
      { name: "Design", source: "cursor", externalId: "group_design", members: [PEOPLE[2]] },
      {
        name: "Platform",
        source: "cursor",
        externalId: "group_platform",
        members: [PEOPLE[0], PEOPLE[1]],
      },
    ]);
  });

  it("a team without the groups route imports no groups and still syncs", async () => {
    const db = await testDb();
    fake.state.groups = null;
    const { result, groups } = await sync(db);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe("SUCCEEDED");
    expect(groups).toEqual([]);
  });

  it("a groups page without a group's id fails the sync naming the field", async () => {
    const db = await testDb();
    fake.state.groups = [{ id: "", name: "Broken", emails: [] }];
    const { result, groups } = await sync(db);
    expect(result.error).toMatch(/Cursor billing groups: groups\[0\]\.id/);
    expect(groups).toEqual([]);
  });
});
