import {
  AuditFilter,
  auditHref,
  AuditPager,
  AuditTable,
  UnmatchedSignIns,
} from "@/components/audit/audit-table";
import { Card } from "@/components/ui/card";
import { Link } from "@/components/ui/link";
import { ScreenHeader } from "@/components/ui/placeholder";
import {
  auditActionsOf,
  auditActorsOf,
  auditObjectLabel,
  listAuditPage,
  parseAuditFilters,
} from "@/lib/audit/audit-view";
import { requirePage } from "@/lib/auth/guards";
import { listUnmatchedAttempts } from "@/lib/auth/oidc-audit";
import { screenPermissions } from "@/lib/auth/permissions";
import { db } from "@/lib/server/db";

export const metadata = { title: "Audit log" };

const PAGE_SIZE = 50;

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePage(screenPermissions("/audit"));
  const { before, ...filters } = parseAuditFilters(await searchParams);
  const [page, actions, actors, objectLabel] = await Promise.all([
    listAuditPage(db(), { workspaceId: actor.workspaceId, ...filters, before, limit: PAGE_SIZE }),
    auditActionsOf(db(), actor.workspaceId),
    auditActorsOf(db(), actor.workspaceId),
    auditObjectLabel(db(), actor.workspaceId, filters.type, filters.target),
  ]);
  // sign-ins that named nobody belong to no workspace: owners see them (refused ones only exist)
  const action = filters.action ?? "";
  const showUnmatched =
    actor.role === "OWNER" &&
    !before &&
    !filters.actor &&
    !filters.type &&
    !filters.target &&
    (action === "" || action === "auth.*" || action === "auth.signin_refused");
  const unmatched = showUnmatched ? await listUnmatchedAttempts(db(), { limit: PAGE_SIZE }) : null;
  return (
    <div className="space-y-6">
      {objectLabel ? (
        <div className="mb-6">
          <h1 className="text-2xl font-semibold">History of {objectLabel}</h1>
          <p className="mt-1 text-sm text-slate-600">
            Every change to {objectLabel} and everything that names them — limits, requests, groups
            — newest first.{" "}
            <Link href={auditHref({})} className="font-medium text-brand-700 hover:underline">
              Whole audit log
            </Link>
            {filters.type === "Member" && (
              <>
                {" · "}
                <Link
                  href={`/members/${filters.target}`}
                  className="font-medium text-brand-700 hover:underline"
                >
                  Member page
                </Link>
              </>
            )}
            {filters.type === "Group" && (
              <>
                {" · "}
                <Link
                  href={`/groups/${filters.target}`}
                  className="font-medium text-brand-700 hover:underline"
                >
                  Group page
                </Link>
              </>
            )}
          </p>
        </div>
      ) : (
        <ScreenHeader
          title="Audit log"
          subtitle="Every change to people, groups, limits, requests, connections and roles, and every single sign-on attempt — newest first."
        />
      )}
      <Card title={`${actor.workspaceName}`}>
        <div className="mb-4">
          <AuditFilter actions={actions} actors={actors} current={filters} />
        </div>
        <AuditTable rows={page.rows} />
        <AuditPager filters={filters} before={before} olderBefore={page.olderBefore} />
      </Card>
      {unmatched && (
        <Card title="Sign-in attempts that matched no workspace">
          <p className="mb-3 text-xs text-slate-500">
            Refused single sign-on attempts by addresses that are no member&apos;s, and failures at
            the provider before it said who signed in. Shown to the owners of every workspace; kept
            90 days.
          </p>
          <UnmatchedSignIns rows={unmatched} />
        </Card>
      )}
    </div>
  );
}
