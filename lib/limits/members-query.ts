/**
 * Which members the Limits screen lists: a state filter, a text search, a sort and a page,
 * kept in the URL (the screen's nuqs state) and read by the server, which filters, counts and
 * sorts the whole set and sends one page. Shared by the page, the route handler and the
 * client so the prefetched page and the client's query use the same canonical key.
 */
import { z } from "zod";

export const MEMBER_STATES = ["attention", "over", "soft", "all"] as const;
export type MemberStateFilter = (typeof MEMBER_STATES)[number];
export const MEMBER_SORTS = ["pct", "used", "name", "exhaustion"] as const;
export type MemberSort = (typeof MEMBER_SORTS)[number];

/** The longest search the screen's box takes and the API reads (a longer one is a 400). */
export const MEMBER_SEARCH_MAX = 200;

/** Members per page of the Limits screen. */
export const MEMBERS_PAGE_SIZE = 50;

const state = z.enum(MEMBER_STATES);
const search = z.string().trim().max(MEMBER_SEARCH_MAX);
const sort = z.enum(MEMBER_SORTS);
const page = z.coerce.number().int().min(1).max(100_000);

/** The screen's reading: anything missing or invalid in the URL falls back to the default. */
export const membersQuerySchema = z.object({
  /** "attention" (over or past the soft threshold, the default), "over", "soft" or "all" */
  state: state.catch("attention"),
  /** matched case-insensitively against name, email, the label under the name and group names */
  q: search.catch(""),
  sort: sort.catch("pct"),
  page: page.catch(1),
});
/**
 * The API's reading (GET /api/limits?page=…): a value that is not one of these is a 400 naming
 * the parameter, as every JSON API answers a bad query; only a missing one takes the default.
 */
export const membersApiQuerySchema = z.object({
  state: state.default("attention"),
  q: search.default(""),
  sort: sort.default("pct"),
  page,
});
export type MembersQuery = z.infer<typeof membersQuerySchema>;

type Raw = Record<string, string | string[] | null | undefined> | URLSearchParams;

/** The query from URL parameters; anything missing or invalid falls back to the default. */
export function parseMembersQuery(raw: Raw): MembersQuery {
  const get = (k: string) => {
    const v = raw instanceof URLSearchParams ? raw.get(k) : raw[k];
    return (Array.isArray(v) ? v[0] : v) ?? undefined;
  };
  return membersQuerySchema.parse({
    state: get("state"),
    q: get("q") ?? "",
    sort: get("sort"),
    page: get("page"),
  });
}

/** The canonical query string (every parameter, fixed order): the API's and the cache key's. */
export function membersSearch(q: MembersQuery): string {
  return new URLSearchParams({
    state: q.state,
    sort: q.sort,
    page: String(q.page),
    q: q.q,
  }).toString();
}
