import { AuditFilter, AuditPager, AuditTable, UnmatchedSignIns } from "@/components/audit/audit-table";
import { Card } from "@/components/ui/card";
import { ScreenHeader } from "@/components/ui/placeholder";
import { auditActionsOf, listAuditPage, parseActionFilter } from "@/lib/audit-view";
import { listUnmatchedAttempts } from "@/lib/auth/oidc-audit";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";
import { db } from "@/lib/db";

export const metadata = { title: "Audit log" };

const PAGE_SIZE = 50;

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const actor = await requirePage(screenPermissions("/audit"));
  const params = await searchParams;
  const action = parseActionFilter(params.action) ?? "";
  const beforeText = typeof params.before === "string" && /^\d{1,10}$/.test(params.before) ? Number(params.before) : undefined;
  const before = beforeText && beforeText <= 2_147_483_647 ? beforeText : undefined;
  const [page, actions] = await Promise.all([
    listAuditPage(db(), { workspaceId: actor.workspaceId, action: action || undefined, before, limit: PAGE_SIZE }),
    auditActionsOf(db(), actor.workspaceId),
  ]);
  // sign-ins that named nobody belong to no workspace: owners see them (refused ones only exist)
  const showUnmatched = actor.role === "OWNER" && !before && (action === "" || action === "auth.*" || action === "auth.signin_refused");
  const unmatched = showUnmatched ? await listUnmatchedAttempts(db(), { limit: PAGE_SIZE }) : null;
  return (
    <div className="space-y-6">
      <ScreenHeader title="Audit log" subtitle="Every change to limits, requests, connections and roles, and every single sign-on attempt — newest first." />
      <Card title={`${actor.workspaceName}`} action={<AuditFilter actions={actions} current={action} />}>
        <AuditTable rows={page.rows} />
        <AuditPager action={action} before={before} olderBefore={page.olderBefore} />
      </Card>
      {unmatched && (
        <Card title="Sign-in attempts that matched no workspace">
          <p className="mb-3 text-xs text-slate-500">
            Refused single sign-on attempts by addresses that are no member&apos;s, and failures at the provider before it said who signed in. Shown to the owners of every workspace;
            kept 90 days.
          </p>
          <UnmatchedSignIns rows={unmatched} />
        </Card>
      )}
    </div>
  );
}
