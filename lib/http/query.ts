/**
 * Query-string fields that feed date arithmetic, validated before any arithmetic runs
 * (issue 15): a day key must be a real calendar day (isDayKey in lib/core/period.ts — 2026-02-31
 * is refused), unix seconds must lie in a sane window. Pure; ZodErrors name the field and
 * become 400 in errorAnswer.
 */
import { z } from "zod";

import { dayKeySchema, isDayKey, toDayKey, type DayKey } from "../core/period";

export const DAY_KEY_MESSAGE = "must be a real date YYYY-MM-DD";

/** A "YYYY-MM-DD" day that exists on the calendar. */
export const dayKeyParam = dayKeySchema(DAY_KEY_MESSAGE);

/** Unix seconds the APIs take: 2000-01-01T00:00:00Z … 2100-01-01T00:00:00Z. */
export const MIN_UNIX_SECONDS = 946_684_800;
export const MAX_UNIX_SECONDS = 4_102_444_800;

/** A day key, or unix seconds within the window (what the providers' cost APIs take) → a day key. */
export const dayOrUnixSecondsParam = z.string().transform((v, ctx): DayKey => {
  if (v.length <= 10 && isDayKey(v)) return v;
  if (/^\d{1,12}$/.test(v)) {
    const seconds = Number(v);
    if (seconds >= MIN_UNIX_SECONDS && seconds <= MAX_UNIX_SECONDS)
      return toDayKey(new Date(seconds * 1000));
    ctx.addIssue({
      code: "custom",
      message: `unix seconds must lie between ${MIN_UNIX_SECONDS} (2000-01-01) and ${MAX_UNIX_SECONDS} (2100-01-01)`,
    });
    return z.NEVER;
  }
  ctx.addIssue({ code: "custom", message: "use a real date YYYY-MM-DD or unix seconds" });
  return z.NEVER;
});

/** A query string as a plain object (the last value of a repeated key wins). */
export function searchObject(sp: URLSearchParams): Record<string, string> {
  return Object.fromEntries(sp.entries());
}

/** "field: message" of a ZodError's first issue, for a page to show. */
export function firstIssueText(error: z.ZodError): string {
  const i = error.issues[0];
  return i ? `${i.path.join(".") || "input"}: ${i.message}` : "invalid input";
}
