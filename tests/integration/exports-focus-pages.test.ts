import { describe, expect, it } from "vitest";

import { flatRollupPages, ROW_WIDTH, type FlatRows } from "@/lib/exports/focus-pages";
import { openExportSource } from "@/lib/exports/json-read";
import { rollupPages } from "@/lib/exports/rollup-reads";

import { testDb } from "../helpers/db";
import { rowsLandingMidRead } from "../helpers/late-rollup-rows";

const rowsOf = (pages: FlatRows[]) =>
  pages.flatMap((page) =>
    Array.from({ length: page.length / ROW_WIDTH }, (_, i) =>
      page.slice(i * ROW_WIDTH, (i + 1) * ROW_WIDTH),
    ),
  );

describe("FOCUS flat rollup pages", () => {
  it("are the rollup rows in key order, complete and bounded when rows land inside a range between its two reads", async () => {
    const db = await testDb();
    const { sim, period, inner, src, state, rowCount } = await rowsLandingMidRead(db);
    const pages: FlatRows[] = [];
    for await (const page of flatRollupPages(src, sim.workspace.id, period, 7)) pages.push(page);
    expect(state.inserted).toBe(true);
    expect(pages[0]!.length).toBe(14 * ROW_WIDTH); // capped at twice the page size
    for (const page of pages) {
      expect(page.length % ROW_WIDTH).toBe(0);
      expect(page.length).toBeLessThanOrEqual(14 * ROW_WIDTH);
    }
    const rows = rowsOf(pages);
    const keys = rows.map((r) => r.slice(0, 5).join("\u0000"));
    expect(keys).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(await rowCount());
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
