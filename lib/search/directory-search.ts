/**
 * The shell's search box: people and groups by name (people also by email, service accounts
 * also by the API keys and projects that are theirs), in the viewer's
 * spend scope (lib/auth/scope.ts) — the workspace sees everyone, a group manager the people
 * and groups they manage, an engineer only themselves. Results link to the member and group
 * pages, which check the same scope again.
 */
import "server-only";

import { z } from "zod";

import type { Actor } from "../auth/actor";
import { scopeIncludesGroup, spendScopeFor } from "../auth/scope";
import { memberSublabel } from "../people/member-label";
import type { Db } from "../server/db";

export const searchQuerySchema = z.object({
  q: z
    .string({ message: "Type something to search for" })
    .trim()
    .min(1, "Type something to search for")
    .max(100, "Keep the search under 100 characters"),
});

export interface SearchHit {
  kind: "member" | "group";
  id: string;
  label: string;
  sublabel: string | null;
  href: string;
}

export interface SearchResult {
  q: string;
  members: SearchHit[];
  groups: SearchHit[];
}

/** Best first: the name or the email starts with the text, then a word of the name does, then anywhere. */
export function matchRank(needle: string, name: string, email = ""): number | null {
  const n = name.toLowerCase();
  const e = email.toLowerCase();
  if (n.startsWith(needle) || e.startsWith(needle)) return 0;
  if (n.split(/[\s\-_.]+/).some((w) => w.startsWith(needle))) return 1;
  if (n.includes(needle) || e.includes(needle)) return 2;
  return null;
}

function ranked<T extends { name: string; email?: string }>(
  rows: T[],
  needle: string,
  limit: number,
): T[] {
  return rows
    .map((r) => ({ r, rank: matchRank(needle, r.name, r.email) }))
    .filter((x): x is { r: T; rank: number } => x.rank !== null)
    .sort((a, b) => a.rank - b.rank || a.r.name.localeCompare(b.r.name))
    .slice(0, limit)
    .map((x) => x.r);
}

export async function searchDirectory(
  db: Db,
  actor: Actor,
  q: string,
  limit = 8,
): Promise<SearchResult> {
  const scope = await spendScopeFor(db, actor);
  const needle = q.trim().toLowerCase();
  // compared in memory: names are mixed-case and SQLite and PostgreSQL compare case differently
  const [found, keys, groups] = await Promise.all([
    db.member.findMany({
      where: {
        workspaceId: actor.workspaceId,
        ...(scope.memberIds === null ? {} : { id: { in: scope.memberIds } }),
      },
      select: {
        id: true,
        name: true,
        email: true,
        active: true,
        kind: true,
        owner: { select: { name: true } },
      },
    }),
    db.memberIdentity.findMany({
      where: { workspaceId: actor.workspaceId, member: { kind: "SERVICE" } },
      select: { memberId: true, externalId: true },
    }),
    scope.kind === "self"
      ? Promise.resolve([])
      : db.group.findMany({
          where: { workspaceId: actor.workspaceId },
          select: { id: true, name: true, costCenter: true, _count: { select: { members: true } } },
        }),
  ]);
  const keysOf = new Map<string, string[]>();
  for (const k of keys) keysOf.set(k.memberId, [...(keysOf.get(k.memberId) ?? []), k.externalId]);
  // a service account's "email" to match is its keys' ids (its address is a placeholder)
  const people = found.map((m) =>
    m.kind === "SERVICE" ? { ...m, email: (keysOf.get(m.id) ?? []).join(" ") } : m,
  );
  return {
    q: q.trim(),
    members: ranked(people, needle, limit).map((m) => {
      const line = memberSublabel(m);
      return {
        kind: "member",
        id: m.id,
        label: m.name,
        sublabel: m.active ? line : `${line} · deactivated`,
        href: `/members/${m.id}`,
      };
    }),
    groups: ranked(
      groups.filter((g) => scopeIncludesGroup(scope, g.id)),
      needle,
      limit,
    ).map((g) => ({
      kind: "group",
      id: g.id,
      label: g.name,
      sublabel: `${g._count.members} ${g._count.members === 1 ? "member" : "members"}${g.costCenter ? ` · ${g.costCenter}` : ""}`,
      href: `/groups/${g.id}`,
    })),
  };
}
