import { describe, expect, it } from "vitest";
import { ZodError } from "zod";

import { membersApiQuerySchema, parseMembersQuery } from "./members-query";

const api = (query: string) =>
  membersApiQuerySchema.safeParse(Object.fromEntries(new URLSearchParams(query)));
const fieldOf = (query: string) => {
  const r = api(query);
  return r.success ? null : (r.error as ZodError).issues[0]?.path.join(".");
};

describe("the Limits screen's member query", () => {
  it("the screen falls back to the defaults on anything it cannot read", () => {
    expect(parseMembersQuery(new URLSearchParams("state=x&sort=y&page=0&q=%20ana%20"))).toEqual({
      state: "attention",
      q: "ana",
      sort: "pct",
      page: 1,
    });
  });

  it("the API takes a valid query and fills in what is missing", () => {
    const r = api("page=3&state=over");
    expect(r.success && r.data).toEqual({ state: "over", q: "", sort: "pct", page: 3 });
  });

  it("the API refuses a bad value, naming the parameter", () => {
    for (const page of ["x", "0", "-1", "1.5", "1e10000000", "99999999999999999999", "100001"])
      expect(fieldOf(`page=${page}`), page).toBe("page");
    expect(fieldOf("page=1&state=everyone")).toBe("state");
    expect(fieldOf("page=1&sort=cost")).toBe("sort");
    expect(fieldOf(`page=1&q=${"a".repeat(201)}`)).toBe("q");
  });
});
