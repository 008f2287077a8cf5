/** What an API token may do (pure: shared by the Settings form and the server). */
export const TOKEN_SCOPES = [
  "budget:check",
  "costs:read",
  "requests:decide",
  "limits:simulate",
] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const TOKEN_SCOPE_LABELS: Record<TokenScope, string> = {
  "budget:check": "Budget check (gateways and proxies)",
  "costs:read": "Read costs (finance tooling)",
  "requests:decide": "Decide credit requests (admin scripts)",
  "limits:simulate": "Simulate limit changes (planning scripts)",
};
