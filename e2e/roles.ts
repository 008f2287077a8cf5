/** The demo people each e2e journey signs in as (seeded by the simulator). */
export const ROLES = {
  owner: { email: "owner@acme.example", button: "Sign in as Owner" },
  admin: { email: "admin@acme.example", button: "Sign in as Admin" },
  finance: { email: "finance@acme.example", button: "Sign in as Finance" },
  manager: { email: "manager@acme.example", button: "Sign in as Group manager" },
  engineer: { email: "engineer@acme.example", button: "Sign in as Engineer" },
  ciAdmin: { email: "ci-admin@acme.example", button: "Sign in as Admin (Acme CI)" },
} as const;

export type RoleName = keyof typeof ROLES;

/** One folder per test server, so parallel runs (other ports/databases) never share sessions. */
export function storageStateFor(role: RoleName): string {
  return `e2e/.auth/${process.env.E2E_PORT ?? "3107"}/${role}.json`;
}
