import { describe, expect, it } from "vitest";
import { ZodError } from "zod";

import { errorAnswer } from "@/lib/auth/guards";
import { loadKnownProducts, requireKnownProducts } from "@/lib/products/load-known-products";

import { TEST_TODAY } from "../helpers/clock";
import { makeWorkspace, testDb } from "../helpers/db";

async function dayTotal(
  db: Awaited<ReturnType<typeof testDb>>,
  workspaceId: string,
  product: string,
) {
  await db.usageDayTotal.create({
    data: { workspaceId, day: TEST_TODAY, product, model: "m", provider: "p", creditsMicros: 1n },
  });
}

describe("the workspace's known products", () => {
  it("come from its usage and its connected vendors, common ones first; nothing else's", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    const other = await makeWorkspace(db);
    expect(await loadKnownProducts(db, ws.id)).toEqual([]);
    await dayTotal(db, ws.id, "claude_code");
    await dayTotal(db, ws.id, "windsurf");
    await dayTotal(db, other.id, "chatgpt");
    // a connected vendor's products are known before its first sync
    await db.connection.create({ data: { workspaceId: ws.id, kind: "cursor", name: "Cursor" } });
    // an archived connection brings none
    await db.connection.create({
      data: { workspaceId: ws.id, kind: "openai", name: "Old", archivedAt: new Date() },
    });
    expect(await loadKnownProducts(db, ws.id)).toEqual(["claude_code", "cursor", "windsurf"]);
  });

  it("a body naming an unknown product is refused with a 400 naming the field", async () => {
    const db = await testDb();
    const ws = await makeWorkspace(db);
    await dayTotal(db, ws.id, "codex");
    await dayTotal(db, ws.id, "claude_code");
    await expect(
      requireKnownProducts(db, ws.id, [{ path: ["product"], value: "codex" }]),
    ).resolves.toBeUndefined();
    // all products ("") needs no known product at all
    const empty = await makeWorkspace(db);
    await expect(
      requireKnownProducts(db, empty.id, [{ path: ["product"], value: "" }]),
    ).resolves.toBeUndefined();
    const refused = await requireKnownProducts(db, ws.id, [
      { path: ["product"], value: "codexx" },
    ]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ZodError);
    expect(errorAnswer(refused)).toMatchObject({
      status: 400,
      body: { error: "Invalid product: unknown product 'codexx'; known: codex, claude_code" },
    });
    const list = await requireKnownProducts(db, ws.id, [
      { path: ["products", 0], value: "claude_code" },
      { path: ["products", 1], value: "unknown-product" },
    ]).catch((e: unknown) => e);
    expect(errorAnswer(list).body).toMatchObject({
      error: "Invalid products.1: unknown product 'unknown-product'; known: codex, claude_code",
    });
  });
});
