/** The one-click demo sign-ins (seeded by lib/demo/seed-demo.ts). */
export const DEMO_ACCOUNTS = [
  {
    email: "owner@acme.example",
    role: "Owner",
    detail: "Everything: connections, settings, default limit, roles, tokens",
  },
  {
    email: "admin@acme.example",
    role: "Admin",
    detail: "All spend, group limits and overrides, decides requests",
  },
  {
    email: "finance@acme.example",
    role: "Finance",
    detail: "All spend, chargeback exports, audit log",
  },
  {
    email: "manager@acme.example",
    role: "Group manager",
    detail: "Manages Platform and Mobile; decides their requests",
  },
  {
    email: "engineer@acme.example",
    role: "Engineer",
    detail: "Own usage and limit; asks for more credits",
  },
  {
    email: "ci-admin@acme.example",
    role: "Admin (Acme CI)",
    detail: "A second workspace: automation keys only",
  },
];
