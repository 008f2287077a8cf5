import { describe, expect, it } from "vitest";

import { flatRollupPages, ROW_WIDTH, type FlatRows } from "@/lib/exports/focus-pages";
import { clientSource, openExportSource } from "@/lib/exports/json-read";
import { rollupPages } from "@/lib/exports/rollup-reads";
import { runSync } from "@/lib/ingest/sync";

import { testDb } from "../helpers/db";
import { simulatedWorkspace } from "../helpers/simulator";

const rowsOf = (pages: FlatRows[]) =>
  pages.flatMap((page) =>
    Array.from({ length: page.length / ROW_WIDTH }, (_, i) =>
      page.slice(i * ROW_WIDTH, (i + 1) * ROW_WIDTH),
    ),
  );

describe("FOCUS flat rollup pages", () => {
  it("are the rollup rows in key order, complete and bounded when rows land inside a range between its two reads", async () => {
    const db = await testDb();
    const sim = await simulatedWorkspace(db, { members: 6, endDay: "2026-11-22" });
    await runSync({
      db,
      connectionId: sim.connection.id,
      adapter: sim.adapter,
      window: { start: "2026-11-10", end: "2026-11-22" },
    });
    const period = { start: "2026-11-10", end: "2026-11-22" };
    const inner = clientSource(db);
    let inserted = false;
    // once the first range's end is known, 20 rows appear at the very start of it
    const src = {
      ...inner,
      async rows<T extends unknown[]>(sql: string, values: unknown[]): Promise<T[]> {
        const rows = await inner.rows<T>(sql, values);
        if (!inserted && sql.includes("OFFSET")) {
          inserted = true;
          await db.usageDailyRollup.createMany({
            data: Array.from({ length: 20 }, (_, i) => ({
              workspaceId: sim.workspace.id,
              day: period.start,
              memberKey: "",
              product: `!${String(i).padStart(2, "0")}`,
              model: "m",
              provider: "p",
              costMicros: 1n,
            })),
          });
        }
        return rows;
      },
    };
    const pages: FlatRows[] = [];
    for await (const page of flatRollupPages(src, sim.workspace.id, period, 7)) pages.push(page);
    expect(inserted).toBe(true);
    expect(pages[0]!.length).toBe(14 * ROW_WIDTH); // capped at twice the page size
    for (const page of pages) {
      expect(page.length % ROW_WIDTH).toBe(0);
      expect(page.length).toBeLessThanOrEqual(14 * ROW_WIDTH);
    }
    const rows = rowsOf(pages);
    const keys = rows.map((r) => r.slice(0, 5).join("\u0000"));
    expect(keys).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(
      await db.usageDailyRollup.count({
        where: { workspaceId: sim.workspace.id, day: { gte: period.start, lte: period.end } },
      }),
    );
    // the same rows as rollupPages, through the client and the export's own connection
    const nested = [];
    for await (const page of rollupPages(inner, sim.workspace.id, period, 7)) nested.push(...page);
    expect(rows).toEqual(nested);
    for (const size of [1, 3, 1000]) {
      const own = await openExportSource(db);
      try {
        const again: FlatRows[] = [];
        for await (const page of flatRollupPages(own, sim.workspace.id, period, size))
          again.push(page);
        expect(rowsOf(again), `pages of ${size}`).toEqual(nested);
      } finally {
        own.close();
      }
    }
  });
});
