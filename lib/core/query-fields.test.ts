import { describe, expect, it } from "vitest";
import { z } from "zod";

import { parseKeepingValidFields } from "./query-fields";

// shaped like a list screen's filters (lib/people/fields.ts memberListSchema)
const filters = z.object({
  q: z.string().trim().max(120).optional(),
  role: z.enum(["OWNER", "ADMIN", "FINANCE", "MEMBER"]).optional(),
  status: z.enum(["active", "deactivated", "all"]).default("active"),
  kind: z.enum(["people", "services", "all"]).optional(),
  page: z.coerce.number().int().min(1).optional(),
});

describe("parseKeepingValidFields", () => {
  it("keeps the valid filters when one is malformed", () => {
    const q = parseKeepingValidFields(filters, {
      q: "ada",
      role: "FINANCE",
      status: "all",
      page: "x",
    });
    expect(q).toEqual({ q: "ada", role: "FINANCE", status: "all" });
  });

  it("drops every malformed field and applies its default", () => {
    const q = parseKeepingValidFields(filters, {
      status: "gone",
      kind: "robots",
      q: "b",
      page: "0",
    });
    expect(q).toEqual({ q: "b", status: "active" });
  });

  it("returns the parse unchanged when everything is valid", () => {
    const raw = { q: " c ", status: "deactivated", page: "3" };
    expect(parseKeepingValidFields(filters, raw)).toEqual({
      q: "c",
      status: "deactivated",
      page: 3,
    });
  });
});
