import { describe, expect, it, vi } from "vitest";

describe("lib/server/db.ts across bundle instances", () => {
  // Next bundles this module into several chunks (routes, instrumentation, the gateway
  // listener); a client made by one instance must still be known to the others, or the hot
  // reads that go to the SQLite file directly silently fall back to the ORM.
  it("a second instance of the module knows the first instance's client and its file", async () => {
    const first = await import("./db");
    const client = first.createDb("file:./data/unit-db-instances.db");
    vi.resetModules();
    const second = await import("./db");
    expect(second).not.toBe(first);
    expect(second.sqliteFileOf(client)).toBe("./data/unit-db-instances.db");
    expect(second.sqliteFileOf({})).toBeNull();
    await client.$disconnect();
  });

  it("every instance, and a transaction client, answers which SQL dialect a client speaks", async () => {
    const first = await import("./db");
    const client = first.createDb("file:./data/unit-db-dialect.db");
    const pg = first.createDb("postgresql://nobody@127.0.0.1:1/none"); // never connected
    vi.resetModules();
    const second = await import("./db");
    expect(second.engineOf(client)).toBe("sqlite");
    expect(second.engineOf(pg)).toBe("postgres");
    const inTx = await client.$transaction(async (tx) => second.engineOf(tx));
    expect(inTx).toBe("sqlite");
    expect(() => second.engineOf({} as never)).toThrow(/not built by createDb/);
    await client.$disconnect();
  });
});
