/** The people-and-groups CSV: a good file is previewed then applied with its events; a bad one reports rows and writes nothing. */
import { describe, expect, it } from "vitest";

import { applyImport, ImportRejected, previewImport } from "@/lib/people/import";

import { testDb } from "../helpers/db";
import { limitsWorkspace } from "./limits-fixtures";

describe("CSV import", () => {
  it("previews what changes, then applies all of it: new people, new groups, roles, cost centers, managers", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    const csv = [
      "email,name,role,cost_center,groups,manages",
      `ana@import.test,Ana Import,admin,CC-10,Platform; Data,`,
      `"bo@import.test","Bo, the second",,CC-11,Data,Data`,
      `${f.eng.email},,finance,,Mobile,`,
      `${f.eng2.email},,,,,`,
    ].join("\r\n");
    const before = await db.auditEvent.count({ where: { workspaceId: f.ws.id } });
    const plan = await previewImport(db, f.owner, csv);
    expect(plan.errors).toEqual([]);
    expect(plan.counts).toEqual({ create: 2, update: 1, unchanged: 1, newGroups: 1 });
    expect(plan.newGroups).toEqual(["Data"]);
    expect(plan.rows.find((r) => r.email === f.eng.email)!.changes).toEqual([
      "role member → finance",
      "joins Mobile",
      "leaves Platform",
    ]);
    expect(plan.rows.find((r) => r.email === "bo@import.test")!.changes).toEqual([
      "new member, cost center CC-11",
      "joins Data",
      "manages Data",
    ]);
    // a preview writes nothing
    expect(await db.auditEvent.count({ where: { workspaceId: f.ws.id } })).toBe(before);
    expect(await db.member.count({ where: { workspaceId: f.ws.id } })).toBe(6);

    await applyImport(db, f.owner, csv);
    const ana = await db.member.findFirstOrThrow({
      where: { workspaceId: f.ws.id, email: "ana@import.test" },
      include: { groups: { include: { group: true } } },
    });
    expect(ana).toMatchObject({ name: "Ana Import", role: "ADMIN", costCenter: "CC-10" });
    expect(ana.groups.map((g) => g.group.name).sort()).toEqual(["Data", "Platform"]);
    const bo = await db.member.findFirstOrThrow({
      where: { workspaceId: f.ws.id, email: "bo@import.test" },
      include: { managedGroups: { include: { group: true } } },
    });
    expect(bo.name).toBe("Bo, the second");
    expect(bo.managedGroups.map((g) => g.group.name)).toEqual(["Data"]);
    const eng = await db.member.findUniqueOrThrow({
      where: { id: f.eng.memberId },
      include: { groups: { include: { group: true } } },
    });
    expect(eng.role).toBe("FINANCE");
    expect(eng.groups.map((g) => g.group.name)).toEqual(["Mobile"]);
    const actions = (
      await db.auditEvent.findMany({
        where: { workspaceId: f.ws.id },
        orderBy: { id: "asc" },
        skip: before,
      })
    ).map((e) => e.action);
    expect(actions).toEqual([
      "group.create",
      "member.create",
      "member.groups",
      "member.create",
      "member.groups",
      "member.manages",
      "member.role",
      "member.groups",
      "member.import",
    ]);
    // the same file again changes nothing
    expect((await previewImport(db, f.owner, csv)).counts).toEqual({
      create: 0,
      update: 0,
      unchanged: 4,
      newGroups: 0,
    });
  });

  it("reports every bad row by number and column and writes nothing", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    const csv = [
      "email,name,role,cost_center,groups,manages",
      "ok@import.test,Fine Person,member,,New Group,",
      "not-an-email,Someone,,,,",
      "new@import.test,,member,,,",
      "ok@import.test,Twice,,,,",
      `${f.owner.email},,admin,,,`,
      "x@import.test,X,boss,,,",
      "y@import.test,Y,,bad!code,,",
    ].join("\n");
    const before = {
      members: await db.member.count({ where: { workspaceId: f.ws.id } }),
      events: await db.auditEvent.count({ where: { workspaceId: f.ws.id } }),
      groups: await db.group.count({ where: { workspaceId: f.ws.id } }),
    };
    const plan = await previewImport(db, f.admin, csv);
    expect(plan.errors).toEqual([
      { row: 3, column: "email", message: "Enter an email address like dana@example.com" },
      { row: 4, column: "name", message: "A new person needs a name" },
      { row: 5, column: "email", message: "ok@import.test is already on row 2" },
      { row: 6, column: "role", message: "Only an owner can change an owner's role" },
      {
        row: 7,
        column: "role",
        message: '"boss" is not a role: use owner, admin, finance or member',
      },
      {
        row: 8,
        column: "cost_center",
        message: "A cost center code uses letters, digits, spaces and . _ / - only",
      },
    ]);
    const rejected = await applyImport(db, f.admin, csv).catch((x: unknown) => x);
    expect(rejected).toBeInstanceOf(ImportRejected);
    expect((rejected as Error).message).toBe(
      "Nothing was imported: 6 problems in the file (first on row 3)",
    );
    expect({
      members: await db.member.count({ where: { workspaceId: f.ws.id } }),
      events: await db.auditEvent.count({ where: { workspaceId: f.ws.id } }),
      groups: await db.group.count({ where: { workspaceId: f.ws.id } }),
    }).toEqual(before);
  });

  it("refuses a wrong header, an empty file, unreadable CSV and a file that leaves no owner", async () => {
    const db = await testDb();
    const f = await limitsWorkspace(db);
    const first = async (csv: string) => (await previewImport(db, f.owner, csv)).errors[0]!.message;
    expect(await first("mail,name\na@b.c,A")).toBe(
      'Unknown column "mail": the header is email,name,role,cost_center,groups,manages',
    );
    expect(await first("name,role\nA,member")).toBe(
      'The header has no "email" column: the header is email,name,role,cost_center,groups,manages',
    );
    expect(await first("email,name\n")).toBe("The file has a header and no people");
    expect(await first('email,name\n"a@b.c,A')).toMatch(/^This is not a readable CSV file/);
    expect(await first(`email,name,role\n${f.owner.email},,admin`)).toBe(
      "After this import the workspace would have no owner: keep at least one person's role as owner",
    );
  });
});
