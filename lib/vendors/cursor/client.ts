/**
 * Cursor Admin API client (§3): members, the current cycle's spend per member (with each
 * member's limits), usage events, and the member spend limit write. Used by ingestion (reads
 * with retries and an in-process rate gate) and by enforcement (one call per attempt, behind
 * the connector's database rate gate). Every response is validated; a page that breaks the
 * documented shape fails naming the field.
 */
import { validate } from "../../ingest/http";
import { VendorError, withRetries, type RetryPolicy } from "../http";
import { cursorFetch, type CursorCall } from "./http";
import {
  billingGroupsSchema,
  spendLimitResultSchema,
  spendPageSchema,
  teamMembersSchema,
  usageEventsPageSchema,
  type BillingGroup,
  type MemberSpend,
  type SpendLimitResult,
  type TeamMember,
  type UsageEvent,
} from "./schemas";

export interface CursorClientOptions {
  baseUrl: string;
  apiKey: string;
  /** a rate gate, called before every request with its route ("POST /teams/spend") */
  beforeCall?: (route: string) => Promise<void>;
  /** retries for reads (ingestion); absent = one attempt */
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

/** Documented maximum page size of filtered-usage-events. */
export const USAGE_EVENTS_MAX_PAGE = 1000;
const MAX_PAGES = 10_000;

export interface SpendSnapshot {
  members: MemberSpend[];
  /** epoch ms of the billing cycle's start, when Cursor says */
  cycleStart: number | null;
}

export class CursorClient {
  constructor(private readonly o: CursorClientOptions) {}

  private async call(c: CursorCall, read: boolean): Promise<unknown> {
    const once = async () => {
      await this.o.beforeCall?.(`${c.method} ${c.path.split("?")[0]}`);
      return (await cursorFetch(this.o.baseUrl, this.o.apiKey, c)).body;
    };
    return read && this.o.retry
      ? withRetries(once, this.o.retry, { sleep: this.o.sleep, log: this.o.log })
      : once();
  }

  /** Every member of the team (no pagination, §3.1), removed members included. */
  async members(): Promise<TeamMember[]> {
    const body = await this.call(
      { method: "GET", path: "/teams/members", label: "Cursor members" },
      true,
    );
    return validate(teamMembersSchema, body, "Cursor members").teamMembers;
  }

  /**
   * The team's billing groups of the current cycle with their current members (§3.6). A team
   * whose API has no groups route (404) has no billing groups: an empty list, not a failure.
   */
  async billingGroups(): Promise<BillingGroup[]> {
    let body: unknown;
    try {
      body = await this.call(
        { method: "GET", path: "/teams/groups", label: "Cursor billing groups" },
        true,
      );
    } catch (error) {
      if (error instanceof VendorError && error.kind === "not_found") return [];
      throw error;
    }
    return validate(billingGroupsSchema, body, "Cursor billing groups").groups;
  }

  /** One small read that proves the key and the base URL (the member list). */
  async probe(): Promise<number> {
    return (await this.members()).length;
  }

  /** The current billing cycle's spend and limits of every member (all pages, §3.3). */
  async spend(pageSize = 100, searchTerm?: string): Promise<SpendSnapshot> {
    const members: MemberSpend[] = [];
    let cycleStart: number | null = null;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const label = `Cursor spend page ${page}`;
      const body = await this.call(
        {
          method: "POST",
          path: "/teams/spend",
          body: {
            page,
            pageSize,
            sortBy: "user",
            sortDirection: "asc",
            ...(searchTerm ? { searchTerm } : {}),
          },
          label,
        },
        true,
      );
      const p = validate(spendPageSchema, body, label);
      members.push(...p.teamMemberSpend);
      cycleStart = p.subscriptionCycleStart ?? cycleStart;
      if (page >= p.totalPages || p.teamMemberSpend.length === 0) break;
    }
    return { members, cycleStart };
  }

  /**
   * Usage events between two instants (epoch ms, both inclusive as documented), all pages,
   * optionally of one member. Every page is validated before any event is returned.
   */
  async usageEvents(
    startMs: number,
    endMs: number,
    opts: { email?: string; pageSize?: number } = {},
  ): Promise<UsageEvent[]> {
    const out: UsageEvent[] = [];
    const pageSize = Math.min(opts.pageSize ?? USAGE_EVENTS_MAX_PAGE, USAGE_EVENTS_MAX_PAGE);
    for (let page = 1; page <= MAX_PAGES; page++) {
      const label = `Cursor usage events page ${page}`;
      const body = await this.call(
        {
          method: "POST",
          path: "/teams/filtered-usage-events",
          body: {
            startDate: startMs,
            endDate: endMs,
            page,
            pageSize,
            ...(opts.email ? { email: opts.email } : {}),
          },
          label,
        },
        true,
      );
      const p = validate(usageEventsPageSchema, body, label);
      out.push(...p.usageEvents);
      if (!p.pagination.hasNextPage || p.usageEvents.length === 0) break;
    }
    return out;
  }

  /**
   * Sets a member's spend limit in whole dollars (null removes it). An `outcome: "error"`
   * answer throws whatever its HTTP status (lib/vendors/cursor/http.ts).
   */
  async setSpendLimit(
    email: string,
    dollars: number | null,
  ): Promise<{ parsed: SpendLimitResult; raw: unknown }> {
    if (dollars !== null && (!Number.isSafeInteger(dollars) || dollars < 0))
      throw new RangeError(`Cursor spend limits are whole dollars: ${dollars}`);
    const label = `Cursor spend limit of ${email}`;
    const raw = await this.call(
      {
        method: "POST",
        path: "/teams/user-spend-limit",
        body: { userEmail: email, spendLimitDollars: dollars },
        label,
      },
      false,
    );
    return { parsed: validate(spendLimitResultSchema, raw, label), raw };
  }
}
