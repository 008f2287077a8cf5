"use client";

import { useQuery } from "@tanstack/react-query";
import { parseAsInteger, parseAsString, useQueryStates } from "nuqs";
import { useCallback, useMemo } from "react";

import { fetchJson } from "@/lib/client/fetch-json";
import { queryKeys } from "@/lib/client/query-keys";
import type { Serialized } from "@/lib/core/serialize";
import type { LimitsOverview } from "@/lib/limits/limits-screen";
import {
  membersQuerySchema,
  membersSearch,
  parseMembersQuery,
  type MembersQuery,
} from "@/lib/limits/members-query";

const parsers = {
  state: parseAsString,
  q: parseAsString,
  sort: parseAsString,
  page: parseAsInteger,
};
const DEFAULTS = membersQuerySchema.parse({});

/**
 * The Limits screen's data: policies, groups, counts and one page of members, the page chosen
 * by the URL (state, q, sort, page; defaults left out of it). The server prefetches the same
 * key (app/(dashboard)/limits/page.tsx); a new filter or page is one request for that page.
 */
export function useLimitsPage() {
  const [raw, setRaw] = useQueryStates(parsers, { history: "replace" });
  const members = useMemo(
    () =>
      parseMembersQuery({
        state: raw.state,
        q: raw.q,
        sort: raw.sort,
        page: raw.page === null ? null : String(raw.page),
      }),
    [raw],
  );
  const search = membersSearch(members);
  const query = useQuery({
    queryKey: queryKeys.limitsPage(search),
    queryFn: () => fetchJson<Serialized<LimitsOverview>>(`/api/limits?${search}`),
    // the page shown stays until the next one arrives (no skeleton between pages)
    placeholderData: (previous) => previous,
  });
  /** a new filter, search or sort starts at page 1 */
  const setMembers = useCallback(
    (patch: Partial<MembersQuery>) => {
      const next = { ...members, page: 1, ...patch };
      void setRaw({
        state: next.state === DEFAULTS.state ? null : next.state,
        q: next.q.trim() === "" ? null : next.q,
        sort: next.sort === DEFAULTS.sort ? null : next.sort,
        page: next.page === 1 ? null : next.page,
      });
    },
    [members, setRaw],
  );
  return { query, members, setMembers };
}
