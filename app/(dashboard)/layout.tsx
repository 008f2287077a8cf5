import { AppShell } from "@/components/shell/app-shell";
import { requirePage } from "@/lib/auth/guards";
import { navFor, spendScopeOf } from "@/lib/auth/permissions";
import { pendingCountFor } from "@/lib/requests/request-queue";
import { db } from "@/lib/server/db";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const actor = await requirePage();
  // deciders see how many credit requests wait for them
  const pending = await pendingCountFor(db(), actor);
  const nav = navFor(actor).map(({ href, label }) => ({
    href,
    label,
    badge: href === "/requests" && pending > 0 ? pending : undefined,
  }));
  const roleLabel =
    actor.managedGroupIds.length && actor.role === "MEMBER"
      ? "Group manager"
      : actor.role.charAt(0) + actor.role.slice(1).toLowerCase();
  return (
    <AppShell
      nav={nav}
      user={{ name: actor.name, email: actor.email, role: roleLabel }}
      workspace={actor.workspaceName}
      search={spendScopeOf(actor) !== "self"}
    >
      {children}
    </AppShell>
  );
}
