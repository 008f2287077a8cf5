import type { z } from "zod";

/**
 * A screen's reading of its URL: each field that fails the schema is dropped (its default
 * applies) and the others are kept, so one bad parameter never costs the user their other
 * filters, and never an error page.
 */
export function parseKeepingValidFields<S extends z.ZodObject>(
  schema: S,
  raw: Record<string, unknown>,
): z.infer<S> {
  const first = schema.safeParse(raw);
  if (first.success) return first.data;
  const bad = new Set(first.error.issues.map((issue) => issue.path[0]));
  return schema.parse(Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k))));
}
