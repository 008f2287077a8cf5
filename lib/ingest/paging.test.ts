import { describe, expect, it } from "vitest";
import { z } from "zod";

import { nextPageUnlessDone, nextPageWhileMore, readAllPages, withCursor } from "./paging";

const pageSchema = z.object({
  data: z.array(z.number()),
  has_more: z.boolean().nullish(),
  next_page: z.string().nullish(),
});

/** A fake vendor: the page after each cursor, and the cursors it was asked with. */
function pagesBy(byCursor: Record<string, unknown>) {
  const asked: (string | null)[] = [];
  const fetch = (cursor: string | null) => {
    asked.push(cursor);
    return Promise.resolve(byCursor[cursor ?? ""]);
  };
  return { asked, fetch };
}

/** Every page of the fake vendor read, each labelled "test page n". */
function readAll(
  vendor: ReturnType<typeof pagesBy>,
  next: typeof nextPageWhileMore | typeof nextPageUnlessDone,
) {
  return readAllPages({
    schema: pageSchema,
    label: (n) => `test page ${n}`,
    fetch: vendor.fetch,
    next,
  });
}

describe("cursor paging", () => {
  it("reads every page in order, passing each page's cursor to the next request", async () => {
    const vendor = pagesBy({
      "": { data: [1, 2], has_more: true, next_page: "b" },
      b: { data: [3], has_more: true, next_page: "c" },
      c: { data: [4], has_more: false },
    });
    const items = await readAll(vendor, nextPageWhileMore);
    expect(items).toEqual([1, 2, 3, 4]);
    expect(vendor.asked).toEqual([null, "b", "c"]);
  });

  it("fails a malformed page naming its label and the field", async () => {
    const vendor = pagesBy({
      "": { data: [1], has_more: true, next_page: "b" },
      b: { data: ["x"], has_more: false },
    });
    await expect(readAll(vendor, nextPageWhileMore)).rejects.toThrow(/^test page 2: data\[0\]: /);
  });

  it("fails a cursor that comes back twice instead of looping", async () => {
    const vendor = pagesBy({
      "": { data: [1], has_more: true, next_page: "b" },
      b: { data: [2], has_more: true, next_page: "b" },
    });
    await expect(readAll(vendor, nextPageUnlessDone)).rejects.toThrow(
      "test page 2: next_page: the same cursor came back twice",
    );
  });

  it("Inferred paging: stops when has_more is absent and no next_page is given, fails when has_more is true", () => {
    expect(nextPageUnlessDone({ next_page: "x" }, "l")).toBe("x");
    expect(nextPageUnlessDone({ has_more: false, next_page: "x" }, "l")).toBeNull();
    expect(nextPageUnlessDone({}, "l")).toBeNull();
    expect(() => nextPageUnlessDone({ has_more: true }, "l")).toThrow(
      "l: next_page: has_more is true but no next_page was given",
    );
    // documented paging: only has_more true with a next_page goes on
    expect(nextPageWhileMore({ next_page: "x" })).toBeNull();
    expect(nextPageWhileMore({ has_more: true })).toBeNull();
    expect(nextPageWhileMore({ has_more: true, next_page: "x" })).toBe("x");
  });

  it("adds the cursor parameter from the second page on", () => {
    expect(withCursor([["limit", "1"]], "page", null)).toEqual([["limit", "1"]]);
    expect(withCursor([["limit", "1"]], "page", "p2")).toEqual([
      ["limit", "1"],
      ["page", "p2"],
    ]);
  });
});
