/**
 * What one member's effective limit is computed from — workspace budget settings, people by
 * handle, policies, this period's usage and pool usage — kept in memory per workspace and
 * checked against the workspace's version stamp (lib/server/workspace-version.ts) on every call.
 * Any audited write (a limit, a request decision, a token, a member, a setting) or any
 * sync commit moves the stamp, and the parts that depend on it are read again; so a change
 * is visible to the very next call in every process, and a steady stream of budget checks
 * costs one indexed read each.
 */
import "server-only";

import type { Unit } from "../core/money";
import type { Db } from "../server/db";
import {
  readWorkspaceVersion,
  sameVersion,
  type WorkspaceVersion,
} from "../server/workspace-version";
import type { FoundMember } from "./find-member";
import type { PolicyInput, ProductUsage } from "./resolve-effective-limit";

export interface WorkspaceRow {
  id: string;
  name: string;
  budgetUnit: Unit;
  timezone: string;
  budgetPeriod: string;
  seatEstimatesCountAgainstLimits?: boolean;
}

/** How the cache reads from the database (load-effective-limits.ts and find-member.ts). */
export interface LimitReaders {
  workspace(db: Db, workspaceId: string): Promise<WorkspaceRow>;
  policies(db: Db, workspaceId: string): Promise<PolicyInput[]>;
  member(db: Db, workspaceId: string, handle: string): Promise<FoundMember | null>;
  groupsOf(db: Db, workspaceId: string, memberId: string): Promise<{ id: string; name: string }[]>;
  /** usage this period by product; key identifies period + unit + member */
  memberUsage(db: Db, key: UsageKey, memberId: string): Promise<ProductUsage>;
  /** groupId null = the whole workspace */
  poolUsage(db: Db, key: UsageKey, groupId: string | null): Promise<ProductUsage>;
}

export interface UsageKey {
  workspaceId: string;
  unit: Unit;
  /** Claude Code seat estimates count as spend (Workspace.seatEstimatesCountAgainstLimits; a change moves the config version) */
  seats?: boolean;
  start: string;
  end: string;
}

interface Entry {
  version: WorkspaceVersion;
  workspace?: Promise<WorkspaceRow>;
  policies?: Promise<Map<string, PolicyInput[]>>;
  members: Map<string, Promise<FoundMember | null>>;
  groups: Map<string, Promise<{ id: string; name: string }[]>>;
  usage: Map<string, Promise<ProductUsage>>;
}

// Bounded so a huge workspace or many workspaces cannot grow the process without limit:
// past these sizes a map starts over (the next calls read again, still correct).
const MAX_MEMBERS = 100_000;
const MAX_USAGE = 100_000;

const caches = new WeakMap<Db, Map<string, Entry>>();

/** Caches a promise under key; a failed read is forgotten so the next call retries. */
function memo<T>(
  map: Map<string, Promise<T>>,
  key: string,
  max: number,
  read: () => Promise<T>,
): Promise<T> {
  const hit = map.get(key);
  if (hit) return hit;
  if (map.size >= max) map.clear();
  const p = read();
  map.set(key, p);
  p.catch(() => map.delete(key));
  return p;
}

function policyTargetOf(p: PolicyInput): string {
  return p.scope === "WORKSPACE"
    ? "WORKSPACE"
    : p.scope === "GROUP"
      ? `GROUP:${p.groupId}`
      : `MEMBER:${p.memberId}`;
}

export class LimitInputs {
  constructor(
    private readonly db: Db,
    private readonly workspaceId: string,
    private readonly entry: Entry,
    private readonly readers: LimitReaders,
  ) {}

  workspace(): Promise<WorkspaceRow> {
    return (this.entry.workspace ??= this.readers
      .workspace(this.db, this.workspaceId)
      .catch((e: unknown) => {
        this.entry.workspace = undefined;
        throw e;
      }));
  }

  /** The policies of these targets for this product scope ("" = all-products only). */
  async policies(targets: readonly string[], product: string): Promise<PolicyInput[]> {
    const byTarget = await (this.entry.policies ??= this.readers
      .policies(this.db, this.workspaceId)
      .then(
        (all) => {
          const m = new Map<string, PolicyInput[]>();
          for (const p of all) {
            const t = policyTargetOf(p);
            (m.get(t) ?? m.set(t, []).get(t)!).push(p);
          }
          return m;
        },
        (e: unknown) => {
          this.entry.policies = undefined;
          throw e;
        },
      ));
    const out: PolicyInput[] = [];
    for (const t of targets)
      for (const p of byTarget.get(t) ?? [])
        if (p.product === "" || p.product === product) out.push(p);
    return out;
  }

  member(handle: string): Promise<FoundMember | null> {
    return memo(this.entry.members, handle, MAX_MEMBERS, () =>
      this.readers.member(this.db, this.workspaceId, handle),
    );
  }

  groupsOf(memberId: string): Promise<{ id: string; name: string }[]> {
    return memo(this.entry.groups, memberId, MAX_MEMBERS, () =>
      this.readers.groupsOf(this.db, this.workspaceId, memberId),
    );
  }

  memberUsage(key: UsageKey, memberId: string): Promise<ProductUsage> {
    return memo(
      this.entry.usage,
      `${key.unit}|${key.start}|${key.end}|m:${memberId}`,
      MAX_USAGE,
      () => this.readers.memberUsage(this.db, key, memberId),
    );
  }

  poolUsage(key: UsageKey, groupId: string | null): Promise<ProductUsage> {
    return memo(
      this.entry.usage,
      `${key.unit}|${key.start}|${key.end}|p:${groupId ?? "*"}`,
      MAX_USAGE,
      () => this.readers.poolUsage(this.db, key, groupId),
    );
  }
}

/**
 * The inputs for one workspace at its current version. `known` is a version the caller
 * already read in this request (API token auth reads one), saving a second read.
 */
export async function limitInputs(
  db: Db,
  workspaceId: string,
  readers: LimitReaders,
  known?: WorkspaceVersion,
): Promise<LimitInputs> {
  const version = known ?? (await readWorkspaceVersion(db, workspaceId));
  let perDb = caches.get(db);
  if (!perDb) caches.set(db, (perDb = new Map()));
  let entry = perDb.get(workspaceId);
  if (!entry || !sameVersion(entry.version, version)) {
    const prev = entry;
    entry = { version, members: new Map(), groups: new Map(), usage: new Map() };
    // only usage moved (a sync page): settings and policies still hold; people are read
    // again because a sync may map new identities
    if (prev && prev.version.config === version.config) {
      entry.workspace = prev.workspace;
      entry.policies = prev.policies;
    }
    perDb.set(workspaceId, entry);
  }
  return new LimitInputs(db, workspaceId, entry, readers);
}
