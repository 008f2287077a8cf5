/**
 * Bulk writes outside the ORM (lib/server/bulk-insert.ts: on SQLite through the driver's own
 * connection, on PostgreSQL one JSON parameter per 5,000 rows) and the set-based directory
 * apply built on them: values arrive exactly as the ORM would store them, a transaction that
 * fails takes the rows with it, and a directory that names a group twice ends as the last
 * naming says.
 */
import { describe, expect, it } from "vitest";

import { SYSTEM_ACTOR } from "@/lib/audit/audit";
import { applyDirectory, MEMBER_COLUMNS } from "@/lib/ingest/directory";
import type { Directory } from "@/lib/ingest/types";
import { insertRows } from "@/lib/server/bulk-insert";
import { newRowId, storedTime } from "@/lib/server/sql";

import { makeWorkspace, testDb } from "../helpers/db";

const USAGE = [
  ["workspaceId", "text"],
  ["connectionId", "text"],
  ["day", "text"],
  ["provider", "text"],
  ["product", "text"],
  ["memberId", "text"],
  ["inputTokens", "bigint"],
  ["unpriced", "boolean"],
  ["lastRunId", "text"],
] as const;

describe("bulk insert", () => {
  it("stores text, null, bigints past 2^53, booleans and timestamps as the ORM reads them, and rolls back with its transaction", async () => {
    const db = await testDb();
    const workspace = await makeWorkspace(db);
    const connection = await db.connection.create({
      data: { workspaceId: workspace.id, kind: "simulator", name: "bulk", configJson: "{}" },
    });
    const big = 9_007_199_254_740_993n; // 2^53 + 1: not a double
    const row = (day: string, tokens: bigint, unpriced: boolean | 0 | 1) => [
      workspace.id,
      connection.id,
      day,
      "openai",
      "api",
      null,
      tokens,
      unpriced,
      "run-1",
    ];

    // a failing transaction leaves nothing behind
    await expect(
      db.$transaction(async (tx) => {
        await insertRows(tx, "UsageRecord", USAGE, [row("2026-11-01", 1n, false)]);
        throw new Error("stop");
      }),
    ).rejects.toThrow("stop");
    expect(await db.usageRecord.count({ where: { connectionId: connection.id } })).toBe(0);

    const created = new Date("2026-11-02T03:04:05.678Z");
    const memberId = newRowId();
    await db.$transaction(async (tx) => {
      await insertRows(tx, "UsageRecord", USAGE, [
        row("2026-11-01", big, true),
        row("2026-11-02", 7n, 0),
        row("2026-11-03", -big, 1),
      ]);
      await insertRows(tx, "Member", MEMBER_COLUMNS, [
        [
          memberId,
          workspace.id,
          "o'neil@bulk.example",
          'Dana "D" O\'Neil',
          "FINANCE",
          null,
          storedTime(created),
          storedTime(created),
        ],
      ]);
    });
    const rows = await db.usageRecord.findMany({
      where: { connectionId: connection.id },
      orderBy: { day: "asc" },
      select: { day: true, inputTokens: true, unpriced: true, memberId: true, model: true },
    });
    expect(rows).toEqual([
      { day: "2026-11-01", inputTokens: big, unpriced: true, memberId: null, model: "" },
      { day: "2026-11-02", inputTokens: 7n, unpriced: false, memberId: null, model: "" },
      { day: "2026-11-03", inputTokens: -big, unpriced: true, memberId: null, model: "" },
    ]);
    const member = await db.member.findUniqueOrThrow({ where: { id: memberId } });
    expect(member).toMatchObject({
      email: "o'neil@bulk.example",
      name: 'Dana "D" O\'Neil',
      role: "FINANCE",
      costCenter: null,
      active: true,
      kind: "PERSON",
    });
    expect(member.createdAt.toISOString()).toBe(created.toISOString());
    expect(member.updatedAt.toISOString()).toBe(created.toISOString());
  });

  it("applies a directory set-based: people, identities, groups once; a group named twice ends as its last naming; a second apply changes nothing", async () => {
    const db = await testDb();
    const workspace = await makeWorkspace(db);
    const person = (local: string) => ({
      email: `${local}@dir.example`,
      name: local,
      costCenter: "CC-9",
      identities: [
        { provider: "openai", kind: "user_id" as const, externalId: `u_${local}` },
        { provider: "anthropic", kind: "email" as const, externalId: `${local}@dir.example` },
      ],
    });
    const apply = (d: Directory) =>
      db.$transaction((tx) => applyDirectory(tx, workspace.id, d, SYSTEM_ACTOR));
    const group = (name: string, members: string[], managers: string[]) => ({
      name,
      costCenter: "CC-9",
      memberEmails: members.map((m) => `${m.toUpperCase()}@DIR.EXAMPLE`), // matched case-blind
      managerEmails: managers.map((m) => `${m}@dir.example`),
    });
    const directory: Directory = {
      source: "allotment",
      people: ["ann", "bob", "cat"].map(person),
      groups: [
        group("Core", ["ann", "bob"], ["ann"]),
        group("Edge", ["cat"], []),
        group("Core", ["bob", "cat"], ["bob"]), // named again: bob and cat, managed by bob
      ],
    };
    const counts = await apply(directory);
    // Core: +ann +bob (+ann as manager), then −ann +cat (−ann +bob as managers); Edge: +cat
    expect(counts).toEqual({
      membersCreated: 3,
      groupsCreated: 2,
      identitiesCreated: 6,
      membershipsChanged: 8,
    });
    const members = await db.member.findMany({
      where: { workspaceId: workspace.id },
      include: { identities: true, groups: { include: { group: true } }, managedGroups: true },
      orderBy: { email: "asc" },
    });
    expect(members.map((m) => [m.email, m.role, m.costCenter, m.identities.length])).toEqual([
      ["ann@dir.example", "MEMBER", "CC-9", 2],
      ["bob@dir.example", "MEMBER", "CC-9", 2],
      ["cat@dir.example", "MEMBER", "CC-9", 2],
    ]);
    const groupsOf = (email: string) =>
      members
        .find((m) => m.email === email)!
        .groups.map((g) => g.group.name)
        .sort();
    expect(groupsOf("ann@dir.example")).toEqual([]);
    expect(groupsOf("bob@dir.example")).toEqual(["Core"]);
    expect(groupsOf("cat@dir.example")).toEqual(["Core", "Edge"]);
    expect(members.filter((m) => m.managedGroups.length).map((m) => m.email)).toEqual([
      "bob@dir.example",
    ]);
    expect(await db.group.count({ where: { workspaceId: workspace.id } })).toBe(2);

    const again = await apply(directory);
    // nothing new; Core's first naming moves it back (−cat +ann, managers −bob +ann) and its
    // second forth again, ending where it was
    expect(again).toEqual({ ...counts, membersCreated: 0, groupsCreated: 0, identitiesCreated: 0 });
    const coreMembers = await db.groupMember.findMany({
      where: { group: { workspaceId: workspace.id, name: "Core" } },
      select: { member: { select: { email: true } } },
    });
    expect(coreMembers.map((m) => m.member.email).sort()).toEqual([
      "bob@dir.example",
      "cat@dir.example",
    ]);
    const single: Directory = { ...directory, groups: directory.groups.slice(1) };
    const settled = await apply(single);
    expect(settled).toEqual({ ...again, membershipsChanged: 0 }); // and nothing moves
  });
});
