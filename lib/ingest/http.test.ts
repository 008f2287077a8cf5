import { describe, expect, it } from "vitest";
import { z } from "zod";

import { parseRetryAfter } from "../vendors/http";
import { formatPath, validate } from "./http";

describe("provider http helpers", () => {
  it("names the failing field path in validation errors", () => {
    const schema = z.object({
      data: z.array(z.object({ results: z.array(z.object({ input_tokens: z.number() })) })),
    });
    const bad = {
      data: [
        { results: [] },
        { results: [] },
        { results: [] },
        { results: [{ input_tokens: "x" }] },
      ],
    };
    expect(() => validate(schema, bad, "openai usage page 2")).toThrow(
      /^openai usage page 2: data\[3\]\.results\[0\]\.input_tokens: .*expected number/,
    );
    expect(validate(schema, { data: [] }, "ok")).toEqual({ data: [] });
  });
  it("formats paths", () => {
    expect(formatPath(["data", 3, "results", 0, "input_tokens"])).toBe(
      "data[3].results[0].input_tokens",
    );
    expect(formatPath([])).toBe("(root)");
  });
  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("garbage")).toBeNull();
    const now = Date.parse("2026-11-01T00:00:00Z");
    expect(parseRetryAfter("Sun, 01 Nov 2026 00:00:05 GMT", now)).toBe(5000);
  });
});
