import "server-only";

/**
 * The getting-started checklist an owner or admin sees until the workspace is set up (or they
 * put it away): each step's state is read from the database, never stored, so doing a step
 * anywhere ticks it here. Order matters: mapping identities needs a connection's usage first.
 */
import { canAny, type Permission, type PermissionSubject } from "../auth/permissions";
import { unmappedIdentities } from "../connections/identity-mapping";
import type { Db } from "../server/db";

/** Owners and admins: the people who set a workspace up (admins cannot connect providers). */
export const ONBOARDING_PERMISSIONS: readonly Permission[] = [
  "connections:manage",
  "members:manage",
];

export function seesOnboarding(subject: PermissionSubject): boolean {
  return canAny(subject, ONBOARDING_PERMISSIONS);
}

export type OnboardingStepId =
  "connect" | "identities" | "default-limit" | "group-limits" | "alert-channel" | "managers";

export interface OnboardingStep {
  id: OnboardingStepId;
  title: string;
  /** what is true now, in a sentence */
  detail: string;
  done: boolean;
  /** where the step is done */
  href: string;
  action: string;
}

export interface OnboardingState {
  steps: OnboardingStep[];
  doneCount: number;
  complete: boolean;
  dismissed: boolean;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export async function onboardingState(db: Db, workspaceId: string): Promise<OnboardingState> {
  const [workspace, connections, unmappedOne, defaults, groupLimits, channels, slack, managers] =
    await Promise.all([
      db.workspace.findUniqueOrThrow({
        where: { id: workspaceId },
        select: { onboardingDismissedAt: true },
      }),
      db.connection.findMany({
        where: { workspaceId, archivedAt: null, enabled: true },
        select: { name: true, kind: true },
        orderBy: { createdAt: "asc" },
      }),
      db.usageRecord.findFirst({
        where: { workspaceId, memberId: null, identityKey: { not: "" } },
        select: { id: true },
      }),
      db.limitPolicy.count({
        where: { workspaceId, scope: "WORKSPACE", slot: "", amountMicros: { not: null } },
      }),
      db.limitPolicy.count({ where: { workspaceId, scope: "GROUP", slot: "" } }),
      db.alertChannel.count({ where: { workspaceId, enabled: true } }),
      db.slackSetting.count({ where: { workspaceId, enabled: true } }),
      db.groupManager.findMany({
        where: { group: { workspaceId } },
        select: { groupId: true },
        distinct: ["groupId"],
      }),
    ]);
  // counted as the Connections page lists them, and only when there are some (it groups usage rows)
  const unmapped = unmappedOne ? (await unmappedIdentities(db, workspaceId)).length : 0;
  const connected = connections.length > 0;
  const steps: OnboardingStep[] = [
    {
      id: "connect",
      title: "Connect a provider",
      detail: connected
        ? `${plural(connections.length, "active connection")}: ${connections.map((c) => c.name).join(", ")}`
        : "No active connection: spend cannot be read yet.",
      done: connected,
      href: "/connections",
      action: "Add a connection",
    },
    {
      id: "identities",
      title: "Map identities to people",
      detail: !connected
        ? "Waits for a connection's first sync."
        : unmapped > 0
          ? `${plural(unmapped, "provider identity", "provider identities")} not mapped to anyone: their spend counts against no one's limit.`
          : "Every identity the providers reported belongs to a member.",
      done: connected && unmapped === 0,
      href: "/connections#unmapped-identities",
      action: "Map identities",
    },
    {
      id: "default-limit",
      title: "Set a default limit",
      detail:
        defaults > 0
          ? "Everyone without a group limit or override has the default."
          : "No default: people without a group limit or override are unlimited.",
      done: defaults > 0,
      href: "/limits",
      action: "Set the default",
    },
    {
      id: "group-limits",
      title: "Set group limits",
      detail:
        groupLimits > 0
          ? `${plural(groupLimits, "group limit")} set.`
          : "No group has a limit of its own.",
      done: groupLimits > 0,
      href: "/limits",
      action: "Set group limits",
    },
    {
      id: "alert-channel",
      title: "Add an alert channel",
      detail:
        channels + slack > 0
          ? `${plural(channels + slack, "channel")} receiving alerts.`
          : "Alerts only show in Allotment: add a webhook, email or Slack channel.",
      done: channels + slack > 0,
      href: "/alerts",
      action: "Add a channel",
    },
    {
      id: "managers",
      title: "Invite group managers",
      detail:
        managers.length > 0
          ? `${plural(managers.length, "group")} with a manager who decides its requests.`
          : "No group has a manager: every request waits for an owner or admin.",
      done: managers.length > 0,
      href: "/groups",
      action: "Add managers",
    },
  ];
  const doneCount = steps.filter((s) => s.done).length;
  return {
    steps,
    doneCount,
    complete: doneCount === steps.length,
    dismissed: workspace.onboardingDismissedAt !== null,
  };
}

/** Puts the checklist away (or brings it back); the Settings page keeps it either way. */
export async function setOnboardingDismissed(
  db: Db,
  workspaceId: string,
  dismissed: boolean,
  at: Date,
): Promise<void> {
  await db.workspace.update({
    where: { id: workspaceId },
    data: { onboardingDismissedAt: dismissed ? at : null },
    select: { id: true },
  });
}
