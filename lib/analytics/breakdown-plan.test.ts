import { describe, expect, it } from "vitest";

import { EVERY_ROW, EXPLORER, planBreakdown, sqlSortOf, WIDGET } from "./breakdown-plan";
import { SORTS } from "./breakdown-query";
import { DIMENSIONS } from "./filters";

describe("planBreakdown", () => {
  it("pages members in SQL for plain bigint sorts, then reads the page in full with its previous range", () => {
    expect(planBreakdown({ dimension: "member", sort: "amount" }, EXPLORER)).toEqual({
      kind: "sqlPage",
      sort: "amount",
      leanPage: true,
      count: true,
      refetch: { previous: true, current: true },
      fullRows: true,
    });
    // tokens are not in lean sums: the page is read in full at once, only the previous range after
    expect(planBreakdown({ dimension: "member", sort: "tokens" }, EXPLORER)).toEqual({
      kind: "sqlPage",
      sort: "tokens",
      leanPage: false,
      count: true,
      refetch: { previous: true, current: false },
      fullRows: false,
    });
  });

  it("an Overview widget reads lean sums, no previous range and no row count: nothing is read again", () => {
    expect(planBreakdown({ dimension: "member", sort: "amount" }, WIDGET)).toMatchObject({
      kind: "sqlPage",
      leanPage: true,
      count: false,
      refetch: null,
    });
    expect(planBreakdown({ dimension: "group", sort: "amount" }, WIDGET)).toEqual({
      kind: "grouped",
      withPrevious: false,
      leanRows: true,
      labelsFirst: false,
      paginate: true,
      refetch: null,
      fullRows: false,
    });
  });

  it("every-row consumers never page in SQL, read the previous range at once and label every row", () => {
    for (const dimension of DIMENSIONS)
      for (const sort of SORTS)
        expect(planBreakdown({ dimension, sort }, EVERY_ROW)).toEqual({
          kind: "grouped",
          withPrevious: true,
          leanRows: false,
          labelsFirst: true,
          paginate: false,
          refetch: null,
          fullRows: false,
        });
  });

  it("a page of groups is summed lean, then its rows are read in full with their previous range from their members", () => {
    expect(planBreakdown({ dimension: "group", sort: "amount" }, EXPLORER)).toEqual({
      kind: "grouped",
      withPrevious: false,
      leanRows: true,
      labelsFirst: false,
      paginate: true,
      refetch: { previous: true, current: true },
      fullRows: true,
    });
    // sorted by the change: the previous range is needed for every row before paging
    expect(planBreakdown({ dimension: "costCenter", sort: "change" }, EXPLORER)).toEqual({
      kind: "grouped",
      withPrevious: true,
      leanRows: false,
      labelsFirst: false,
      paginate: true,
      refetch: null,
      fullRows: false,
    });
    expect(planBreakdown({ dimension: "group", sort: "label" }, EXPLORER)).toMatchObject({
      labelsFirst: true,
      refetch: { previous: true, current: false },
    });
  });

  it("pages in SQL only the member dimension, and only for sorts SQL orders like JS", () => {
    const paged = DIMENSIONS.flatMap((d) => SORTS.map((s) => [d, s] as const)).filter(
      ([d, s]) => sqlSortOf(d, s) !== null,
    );
    expect(paged).toEqual([
      ["member", "amount"],
      ["member", "requests"],
      ["member", "tokens"],
      ["member", "cost"],
      ["member", "credits"],
    ]);
  });
});
