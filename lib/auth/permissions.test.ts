import { describe, expect, it } from "vitest";

import {
  can,
  landingPathFor,
  navFor,
  permissionsOf,
  ROLE_PERMISSIONS,
  screenPermissions,
  spendScopeOf,
} from "./permissions";

const subject = (role: "OWNER" | "ADMIN" | "FINANCE" | "MEMBER", managed: string[] = []) => ({
  role,
  managedGroupIds: managed,
});

describe("permission table", () => {
  it("gives the owner everything", () => {
    expect(permissionsOf(subject("OWNER")).size).toBe(ROLE_PERMISSIONS.OWNER.length);
    expect(can(subject("OWNER"), "connections:manage")).toBe(true);
  });

  it("keeps finance read-only on limits and away from connections", () => {
    const f = subject("FINANCE");
    expect(can(f, "exports:create")).toBe(true);
    expect(can(f, "audit:read")).toBe(true);
    expect(can(f, "limits:write")).toBe(false);
    expect(can(f, "connections:manage")).toBe(false);
    expect(can(f, "alerts:read")).toBe(true);
    expect(can(f, "alerts:manage")).toBe(false);
    expect(can(subject("MEMBER", ["g"]), "alerts:read")).toBe(false);
  });

  it("lets admins edit group limits and decide requests but not the workspace default", () => {
    const a = subject("ADMIN");
    expect(can(a, "limits:write")).toBe(true);
    expect(can(a, "limits:write:workspace")).toBe(false);
    expect(can(a, "requests:decide:all")).toBe(true);
    expect(can(a, "connections:manage")).toBe(false);
  });

  it("derives manager rights from managed groups, not from a role", () => {
    expect(spendScopeOf(subject("MEMBER"))).toBe("self");
    expect(spendScopeOf(subject("MEMBER", ["g1"]))).toBe("groups");
    expect(can(subject("MEMBER", ["g1"]), "requests:decide:groups")).toBe(true);
    expect(can(subject("MEMBER"), "requests:decide:groups")).toBe(false);
    expect(spendScopeOf(subject("FINANCE"))).toBe("workspace");
  });

  it("lands an engineer on their own budget and everyone who sees more on the Overview", () => {
    expect(landingPathFor(subject("MEMBER"))).toBe("/me");
    expect(landingPathFor(subject("MEMBER", ["g1"]))).toBe("/overview");
    for (const role of ["OWNER", "ADMIN", "FINANCE"] as const)
      expect(landingPathFor(subject(role))).toBe("/overview");
  });

  it("lets admins manage people, finance and managers read them, engineers neither", () => {
    expect(can(subject("ADMIN"), "members:manage")).toBe(true);
    expect(can(subject("ADMIN"), "audit:read")).toBe(true);
    expect(can(subject("FINANCE"), "members:manage")).toBe(false);
    expect(can(subject("FINANCE"), "members:read")).toBe(true);
    expect(can(subject("MEMBER", ["g"]), "members:read")).toBe(true);
    expect(can(subject("MEMBER"), "members:read")).toBe(false);
    expect(screenPermissions("/groups")).toEqual(["groups:manage", "members:read"]);
  });

  it("builds navigation from the same table", () => {
    const labels = (s: ReturnType<typeof subject>) => navFor(s).map((n) => n.label);
    expect(labels(subject("OWNER"))).toEqual([
      "Overview",
      "Usage",
      "My budget",
      "Outcomes",
      "Limits",
      "Requests",
      "Members",
      "Exports",
      "Alerts",
      "Connections",
      "Enforcement",
      "Audit",
      "Settings",
    ]);
    expect(labels(subject("ADMIN"))).toEqual([
      "Overview",
      "Usage",
      "My budget",
      "Outcomes",
      "Limits",
      "Requests",
      "Members",
      "Exports",
      "Alerts",
      "Audit",
    ]);
    expect(labels(subject("FINANCE"))).toEqual([
      "Overview",
      "Usage",
      "My budget",
      "Outcomes",
      "Limits",
      "Requests",
      "Members",
      "Exports",
      "Alerts",
      "Audit",
    ]);
    expect(labels(subject("MEMBER", ["g"]))).toEqual([
      "Overview",
      "Usage",
      "My budget",
      "Outcomes",
      "Limits",
      "Requests",
      "Members",
    ]);
    expect(labels(subject("MEMBER"))).toEqual(["Overview", "Usage", "My budget", "Requests"]);
  });
});
