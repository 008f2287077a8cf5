/** The local provider's accounts and its one client (tests/fake-oidc/provider.ts). No imports: the Playwright config reads it. */
export interface FakeAccount {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
}

/** Keyed by what one types into the login page. */
export const FAKE_ACCOUNTS: Record<string, FakeAccount> = {
  owner: {
    sub: "00u-owner-7d1f",
    email: "owner@acme.example",
    email_verified: true,
    name: "Olivia Owner",
  },
  engineer: {
    sub: "00u-engineer-2b9c",
    email: "engineer@acme.example",
    email_verified: true,
    name: "Eli Engineer",
  },
  stranger: {
    sub: "00u-stranger-51e0",
    email: "stranger@elsewhere.example",
    email_verified: true,
    name: "Sam Stranger",
  },
  // the address of a real member, but the provider does not vouch for it: a separate account
  unverified: {
    sub: "00u-unverified-c3a4",
    email: "finance@acme.example",
    email_verified: false,
    name: "Not Finance",
  },
};

export const FAKE_CLIENT = {
  clientId: "allotment-e2e",
  clientSecret: "e2e-oidc-client-secret-9f3b27c1d8a64e05b7c2",
};
