import { MembersView } from "@/components/people/members-view";
import { requirePage } from "@/lib/auth/guards";
import { can, screenPermissions } from "@/lib/auth/permissions";
import { unmappedIdentities } from "@/lib/connections/identity-mapping";
import { NotFoundError } from "@/lib/core/errors";
import { formatAmount } from "@/lib/core/money";
import { parseKeepingValidFields } from "@/lib/core/query-fields";
import { isAutomationKind } from "@/lib/people/automation";
import { memberListSchema } from "@/lib/people/fields";
import { listGroups } from "@/lib/people/groups";
import { getMemberRow, listMembers } from "@/lib/people/members";
import { db } from "@/lib/server/db";

export const metadata = { title: "Members" };

const PAGE_SIZE = 50;

export default async function MembersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePage(screenPermissions("/members"));
  const params = await searchParams;
  const one = (k: string) => (typeof params[k] === "string" ? (params[k] as string) : undefined);
  // a malformed filter is dropped (the others kept), never an error page
  const q = parseKeepingValidFields(memberListSchema, {
    q: one("q") || undefined,
    role: one("role") || undefined,
    status: one("status") || undefined,
    group: one("group") || undefined,
    kind: one("kind") || undefined,
    page: one("page") || undefined,
  });
  const canManage = can(actor, "members:manage");
  const selectedId = one("member");
  const [list, groups, selected, people, unmapped] = await Promise.all([
    // a page of 50 rows: 300 made a page 16,000 px tall
    listMembers(db(), actor, q, PAGE_SIZE),
    listGroups(db(), actor),
    canManage && selectedId && selectedId.length <= 64
      ? getMemberRow(db(), actor.workspaceId, selectedId).catch((e: unknown) =>
          e instanceof NotFoundError ? null : Promise.reject(e),
        )
      : null,
    // for service accounts: who may own one, and the keys and projects no one has yet
    canManage
      ? db().member.findMany({
          where: { workspaceId: actor.workspaceId, active: true, kind: "PERSON" },
          select: { id: true, name: true },
          orderBy: [{ name: "asc" }, { id: "asc" }],
        })
      : [],
    canManage ? unmappedIdentities(db(), actor.workspaceId) : [],
  ]);
  const add = one("add");
  return (
    <MembersView
      rows={list.rows}
      total={list.total}
      limit={list.limit}
      offset={list.offset}
      scopedToGroups={list.scopedToGroups}
      groups={groups.map((g) => ({ id: g.id, name: g.name }))}
      canManage={canManage}
      canReadAudit={can(actor, "audit:read")}
      isOwner={actor.role === "OWNER"}
      selfId={actor.memberId}
      selected={selected}
      filters={{
        q: q.q ?? "",
        role: q.role ?? "",
        status: q.status,
        group: q.group ?? "",
        kind: q.kind ?? "all",
      }}
      people={people}
      automationKeys={unmapped
        .filter((u) => isAutomationKind(u.kind))
        .map((u) => ({
          identityProvider: u.identityProvider,
          identityKey: u.identityKey,
          kind: u.kind,
          externalId: u.externalId,
          cost: formatAmount(u.costMicros, "USD"),
          lastDay: u.lastDay,
        }))}
      addService={add === "service" ? { key: one("key") ?? null } : null}
    />
  );
}
