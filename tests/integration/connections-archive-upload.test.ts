/** Archiving a connection (history kept, audited, name freed) and importing an uploaded usage file. */
import { describe, expect, it } from "vitest";

import {
  archiveConnection,
  createConnection,
  listConnections,
  updateConnection,
} from "@/lib/connections/connections";
import { importUploadedFile, uploadSchema } from "@/lib/connections/file-upload";
import { InvalidInputError, NotFoundError } from "@/lib/core/errors";

import { TEST_NOW } from "../helpers/clock";
import { makeMember, makeWorkspace, testDb } from "../helpers/db";

const actor = { memberId: null, label: "owner@test" };

const GOOD = [
  "day,provider,product,model,user_email,cost_usd",
  "2026-11-01,openai,api,gpt-4.1,a@example.test,1.25",
  "2026-11-02,openai,api,gpt-4.1,a@example.test,2.50",
].join("\n");
const BAD = [
  "day,provider,product,model,user_email,cost_usd",
  "2026-11-03,openai,api,gpt-4.1,a@example.test,1.00",
  "2026-11-04,openai,api,gpt-4.1,a@example.test,one dollar",
].join("\n");

describe("archiving a connection", () => {
  it("stops it and hides it, keeps its runs and rows, audits it, and frees its name", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const c = await createConnection(db, ws.id, { kind: "file", name: "Finance export" }, actor);
    await importUploadedFile(
      db,
      ws.id,
      c.id,
      { fileName: "u.csv", text: GOOD },
      { actor, now: TEST_NOW },
    );
    const rowsBefore = await db.usageRecord.count({ where: { connectionId: c.id } });
    expect(rowsBefore).toBe(2);

    const out = await archiveConnection(db, ws.id, c.id, actor, TEST_NOW);
    expect(out).toEqual({
      id: c.id,
      name: "Finance export",
      archivedAs: "Finance export (archived 2026-11-18)",
    });
    expect(await listConnections(db, ws.id)).toEqual([]);
    expect(await db.usageRecord.count({ where: { connectionId: c.id } })).toBe(rowsBefore);
    expect(await db.syncRun.count({ where: { connectionId: c.id } })).toBe(1);
    const row = await db.connection.findUniqueOrThrow({ where: { id: c.id } });
    expect(row).toMatchObject({ enabled: false, archivedAt: TEST_NOW, nextSyncAt: null });
    const audit = await db.auditEvent.findMany({
      where: { workspaceId: ws.id, targetId: c.id, action: "connection.archive" },
    });
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.afterJson!)).toMatchObject({ archived: true, enabled: false });

    // gone for every purpose: archive again, edit, upload
    await expect(archiveConnection(db, ws.id, c.id, actor, TEST_NOW)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      updateConnection(db, ws.id, { id: c.id, enabled: true }, actor),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      importUploadedFile(
        db,
        ws.id,
        c.id,
        { fileName: "u.csv", text: GOOD },
        { actor, now: TEST_NOW },
      ),
    ).rejects.toBeInstanceOf(NotFoundError);

    // the old name can be used again
    const again = await createConnection(
      db,
      ws.id,
      { kind: "file", name: "Finance export" },
      actor,
    );
    expect((await listConnections(db, ws.id)).map((x) => x.id)).toEqual([again.id]);
  });

  it("answers not found for another workspace's connection and refuses while a sync runs", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const other = await makeWorkspace(db);
    const c = await createConnection(db, ws.id, { kind: "file", name: "F" }, actor);
    await expect(archiveConnection(db, other.id, c.id, actor, TEST_NOW)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await db.syncRun.create({
      data: {
        workspaceId: ws.id,
        connectionId: c.id,
        windowStart: "2026-11-01",
        windowEnd: "2026-11-02",
        status: "RUNNING",
      },
    });
    await expect(archiveConnection(db, ws.id, c.id, actor, TEST_NOW)).rejects.toThrow(
      'A sync of "F" is running',
    );
    expect(await listConnections(db, ws.id)).toHaveLength(1);
  });
});

describe("uploading a usage file", () => {
  it("imports a good file as one run over its days, attributed by email", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const a = await makeMember(db, ws.id, { email: "a@example.test" });
    const c = await createConnection(db, ws.id, { kind: "file", name: "F" }, actor);
    const r = await importUploadedFile(
      db,
      ws.id,
      c.id,
      uploadSchema.parse({ fileName: "usage.csv", text: GOOD }),
      { actor, now: TEST_NOW },
    );
    expect(r).toMatchObject({
      rows: 2,
      inserted: 2,
      days: { from: "2026-11-01", to: "2026-11-02", count: 2 },
    });
    const rows = await db.usageRecord.findMany({
      where: { connectionId: c.id },
      orderBy: { day: "asc" },
    });
    expect(rows.map((x) => [x.day, x.costMicros, x.memberId])).toEqual([
      ["2026-11-01", 1_250_000n, a.id],
      ["2026-11-02", 2_500_000n, a.id],
    ]);
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: r.runId } });
    expect(run).toMatchObject({ trigger: "upload", status: "SUCCEEDED" });
  });

  it("refuses a bad file naming the row and column, and writes nothing", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const c = await createConnection(db, ws.id, { kind: "file", name: "F" }, actor);
    const err = await importUploadedFile(
      db,
      ws.id,
      c.id,
      { fileName: "bad.csv", text: BAD },
      { actor, now: TEST_NOW },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as Error).message).toBe(
      "bad.csv: row 3, column cost_usd: expected a decimal number",
    );
    expect(await db.usageRecord.count({ where: { connectionId: c.id } })).toBe(0);
    expect(await db.syncRun.count({ where: { connectionId: c.id } })).toBe(0);
  });

  it("takes files only for file connections, and not empty, oversized or of another type", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const api = await createConnection(
      db,
      ws.id,
      { kind: "openai", name: "O", apiKey: "sk-admin-test-1234" },
      actor,
    );
    await expect(
      importUploadedFile(
        db,
        ws.id,
        api.id,
        { fileName: "u.csv", text: GOOD },
        { actor, now: TEST_NOW },
      ),
    ).rejects.toThrow("files are imported into a File import connection");
    expect(
      uploadSchema.safeParse({ fileName: "u.csv", text: "  \n" }).error?.issues[0]?.message,
    ).toBe("The file is empty");
    expect(
      uploadSchema.safeParse({ fileName: "u.xlsx", text: GOOD }).error?.issues[0]?.message,
    ).toBe("Upload a .csv, .jsonl or .json file");
    expect(
      uploadSchema.safeParse({ fileName: "u.csv", text: "x".repeat(5_000_001) }).error?.issues[0]
        ?.message,
    ).toBe("The file is larger than 5 MB");
  });
});
