/**
 * Cursor paging, the one loop of the provider adapters: page n is asked for with the cursor the
 * page before it gave (none for the first), validated against its zod schema (a malformed page
 * fails naming the label and the field, ./http.ts validate) and handed to the caller, who
 * reads it before the next one is asked for. Retries (429 with Retry-After, 5xx, timeouts) stay
 * in the caller's request (./http.ts getJson); a cursor that comes back twice fails rather than
 * loop for ever.
 */
import type { z } from "zod";

import { ProviderValidationError, validate } from "./http";

export interface CursorPaging<P> {
  schema: z.ZodType<P, unknown>;
  /** page n's label, for messages: "codex analytics usage 2026-03-01 page 2" */
  label: (n: number) => string;
  /** one request: the page after `cursor` (null: the first page) */
  fetch: (cursor: string | null, label: string) => Promise<unknown>;
  /** the cursor of the page after this one, or null when this page was the last */
  next: (page: P, label: string) => string | null;
  /** the field the cursor is read from, for the repeated-cursor message (default next_page) */
  cursorField?: string;
}

/** Every page, validated, in order. */
export async function* cursorPages<P>(paging: CursorPaging<P>): AsyncGenerator<P, void, undefined> {
  const seen = new Set<string>();
  let cursor: string | null = null;
  for (let n = 1; ; n++) {
    const label = paging.label(n);
    const page = validate(paging.schema, await paging.fetch(cursor, label), label);
    yield page;
    const next = paging.next(page, label);
    if (next === null) return;
    if (seen.has(next))
      throw new ProviderValidationError(
        `${label}: ${paging.cursorField ?? "next_page"}: the same cursor came back twice`,
      );
    seen.add(next);
    cursor = next;
  }
}

/** Every item of every page (each page's `data`), in order. */
export async function readAllPages<P extends { data: unknown[] }>(
  paging: CursorPaging<P>,
): Promise<P["data"]> {
  const items: P["data"] = [];
  for await (const page of cursorPages(paging)) items.push(...page.data);
  return items;
}

/** The paging fields of the vendors' report envelopes (`data`, `has_more`, `next_page`). */
export interface NextPageFields {
  has_more?: boolean | null;
  next_page?: string | null;
}

/** The documented reports: go on while `has_more` is true and a `next_page` is given. */
export function nextPageWhileMore(page: NextPageFields): string | null {
  return page.has_more && page.next_page ? page.next_page : null;
}

/**
 * Paging that is only Inferred (the analytics APIs): go on while a `next_page` is given and
 * `has_more` does not say false; `has_more: true` without a `next_page` breaks the format.
 */
export function nextPageUnlessDone(page: NextPageFields, label: string): string | null {
  if (page.has_more === false || !page.next_page) {
    if (page.has_more === true)
      throw new ProviderValidationError(
        `${label}: next_page: has_more is true but no next_page was given`,
      );
    return null;
  }
  return page.next_page;
}

/** `params` and, from the second page on, the cursor as `name`. */
export function withCursor(
  params: [string, string][],
  name: string,
  cursor: string | null,
): [string, string][] {
  return cursor ? [...params, [name, cursor]] : params;
}
