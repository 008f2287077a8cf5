/**
 * Roles → permissions, as data. Every server-side check and every UI decision to show a
 * control asks this one table. Group managers are members whose extra rights come from
 * managing groups, not from a role.
 */
export const ROLES = ["OWNER", "ADMIN", "FINANCE", "MEMBER"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  "spend:read:own",
  "spend:read:groups",
  "spend:read:all",
  "limits:read:all",
  "limits:write:workspace",
  "limits:write",
  "requests:create",
  "requests:decide:groups",
  "requests:decide:all",
  /** define the policies that approve small requests at once (the owner; lib/requests/auto-approve.ts) */
  "requests:auto-approve",
  "groups:manage",
  "exports:create",
  "audit:read",
  "connections:manage",
  "settings:manage",
  "members:manage",
  "members:read",
  "tokens:manage",
  "alerts:read",
  "alerts:manage",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const EVERYONE: Permission[] = ["spend:read:own", "requests:create"];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  OWNER: PERMISSIONS,
  // admins manage people and groups, and read the audit trail of what they and others changed
  ADMIN: [
    ...EVERYONE,
    "spend:read:all",
    "limits:read:all",
    "limits:write",
    "requests:decide:all",
    "groups:manage",
    "members:manage",
    "members:read",
    "audit:read",
    "exports:create",
    "alerts:read",
    "alerts:manage",
  ],
  FINANCE: [
    ...EVERYONE,
    "spend:read:all",
    "limits:read:all",
    "members:read",
    "exports:create",
    "audit:read",
    "alerts:read",
  ],
  MEMBER: EVERYONE,
};

/** What managing at least one group adds (members:read: the people of their groups only, lib/people/list.ts). */
export const MANAGER_PERMISSIONS: readonly Permission[] = [
  "spend:read:groups",
  "requests:decide:groups",
  "members:read",
];

export interface PermissionSubject {
  role: Role;
  managedGroupIds: readonly string[];
}

export function permissionsOf(subject: PermissionSubject): Set<Permission> {
  const set = new Set<Permission>(ROLE_PERMISSIONS[subject.role]);
  if (subject.managedGroupIds.length > 0) for (const p of MANAGER_PERMISSIONS) set.add(p);
  return set;
}

export function can(subject: PermissionSubject, permission: Permission): boolean {
  return permissionsOf(subject).has(permission);
}

export function canAny(subject: PermissionSubject, permissions: readonly Permission[]): boolean {
  const set = permissionsOf(subject);
  return permissions.some((p) => set.has(p));
}

/** Whose spend a subject may see: the workspace, their groups' members, or themselves. */
export type SpendScope = "workspace" | "groups" | "self";

export function spendScopeOf(subject: PermissionSubject): SpendScope {
  if (can(subject, "spend:read:all")) return "workspace";
  if (can(subject, "spend:read:groups")) return "groups";
  return "self";
}

/**
 * Where a person lands after signing in: their own budget when they see only their own spend
 * (an engineer's question is "how much do I have left"), the Overview when they see more.
 */
export function landingPathFor(subject: PermissionSubject): "/me" | "/overview" {
  return spendScopeOf(subject) === "self" ? "/me" : "/overview";
}

export interface NavItem {
  href: string;
  label: string;
  /** shown when the subject has any of these */
  anyOf: readonly Permission[];
  /** a screen reached from another one (Groups from Members), not listed in the sidebar */
  hidden?: true;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: "/overview", label: "Overview", anyOf: ["spend:read:own"] },
  { href: "/usage", label: "Usage", anyOf: ["spend:read:own"] },
  { href: "/me", label: "My budget", anyOf: ["spend:read:own"] },
  { href: "/outcomes", label: "Outcomes", anyOf: ["spend:read:all", "spend:read:groups"] },
  { href: "/limits", label: "Limits", anyOf: ["limits:read:all", "spend:read:groups"] },
  { href: "/requests", label: "Requests", anyOf: ["requests:create"] },
  { href: "/members", label: "Members", anyOf: ["members:manage", "members:read"] },
  { href: "/groups", label: "Groups", anyOf: ["groups:manage", "members:read"], hidden: true },
  { href: "/exports", label: "Exports", anyOf: ["exports:create"] },
  { href: "/alerts", label: "Alerts", anyOf: ["alerts:read"] },
  { href: "/connections", label: "Connections", anyOf: ["connections:manage"] },
  { href: "/enforcement", label: "Enforcement", anyOf: ["connections:manage"] },
  { href: "/audit", label: "Audit", anyOf: ["audit:read"] },
  { href: "/settings", label: "Settings", anyOf: ["settings:manage"] },
];

export function navFor(subject: PermissionSubject): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.hidden && canAny(subject, item.anyOf));
}

/** The permissions that open a screen: the same list the navigation uses. */
export function screenPermissions(href: string): readonly Permission[] {
  const item = NAV_ITEMS.find((i) => i.href === href);
  if (!item) throw new Error(`no screen ${href}`);
  return item.anyOf;
}
