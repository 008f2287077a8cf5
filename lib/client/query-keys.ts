/** react-query keys, in one place so mutations invalidate exactly what they change. */
export const queryKeys = {
  /** with a canonical analytics query string (lib/analytics/url-state.ts); no argument = all overviews */
  overview: (search?: string) =>
    search === undefined ? (["overview"] as const) : (["overview", search] as const),
  usage: (search?: string) =>
    search === undefined ? (["usage"] as const) : (["usage", search] as const),
  usageFacets: (search: string) => ["usage", "facets", search] as const,
  group: (id: string, search = "") => ["group", id, search] as const,
  myUsage: () => ["my-usage"] as const,
  member: (id: string) => ["member", id] as const,
  limits: () => ["limits"] as const,
  /** the Limits screen: one page of members (lib/limits/members-query.ts membersSearch) */
  limitsPage: (search: string) => ["limits", "page", search] as const,
  myLimit: () => ["limits", "me"] as const,
  policyHistory: (id: string) => ["limits", "history", id] as const,
  requests: () => ["requests"] as const,
  tokens: () => ["tokens"] as const,
  exportPreview: (search: string) => ["exports", "preview", search] as const,
  alerts: () => ["alerts"] as const,
  alertChannels: () => ["alerts", "channels"] as const,
  /** the header bell: the signed-in person's unread notifications */
  notifications: () => ["notifications"] as const,
};
