/** react-query keys, in one place so mutations invalidate exactly what they change. */
export const queryKeys = {
  overview: () => ["overview"] as const,
  member: (id: string) => ["member", id] as const,
};
