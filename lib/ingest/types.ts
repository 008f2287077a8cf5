/**
 * The contract between provider adapters and the sync engine. Adapters turn a provider's
 * responses into UsageRows; the engine writes them idempotently. Pure types only.
 */
import type { DayKey } from "../period";

export type ConnectionKind = "openai" | "anthropic" | "chatgpt" | "file" | "simulator";

/** How a provider names a person or key: looked up in MemberIdentity to find the member. */
export interface IdentityRef {
  /** openai | anthropic | chatgpt | claude_code | simulator … */
  provider: string;
  /** user_id | api_key_id | email */
  kind: "user_id" | "api_key_id" | "email";
  externalId: string;
  /** an email the provider knows for this identity (lets us map it automatically) */
  email?: string;
}

export interface UsageRow {
  day: DayKey;
  provider: string;
  identity: IdentityRef | null;
  product: string;
  model: string;
  project: string;
  apiKey: string;
  lineItem: string;
  inputTokens: bigint;
  cachedInputTokens: bigint;
  outputTokens: bigint;
  requests: bigint;
  /** list-price estimate, micro-USD */
  estimatedCostMicros: bigint;
  /** billed cost allocated to this row, micro-USD */
  costMicros: bigint;
  /** native credits when the provider reports them; null = derive from cost with the workspace rate */
  creditsMicros: bigint | null;
  unpriced: boolean;
}

export interface UsagePage {
  /** Days this page states completely: rows of the connection on these days that the page
   * does not contain are stale and removed (a provider's restatement replaces, never adds). */
  completeDays: DayKey[];
  rows: UsageRow[];
  /** resume point after this page is committed; null when the window is done */
  nextCursor: string | null;
  /** a human-readable label for progress output */
  label: string;
}

export interface DirectoryPerson {
  email: string;
  name: string;
  role?: "OWNER" | "ADMIN" | "FINANCE" | "MEMBER";
  costCenter?: string;
  identities: IdentityRef[];
}

export interface DirectoryGroup {
  name: string;
  costCenter: string;
  memberEmails: string[];
  managerEmails: string[];
  externalId?: string;
}

export interface Directory {
  /** who owns the groups (e.g. "allotment" for the simulator, "chatgpt" for imports) */
  source: string;
  people: DirectoryPerson[];
  groups: DirectoryGroup[];
}

export interface SyncWindow {
  start: DayKey;
  /** inclusive */
  end: DayKey;
}

export interface FetchContext {
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface SourceAdapter {
  readonly kind: ConnectionKind;
  /** Cheap authenticated call proving the key and URL work. */
  testConnection(ctx: FetchContext): Promise<{ ok: true; detail: string }>;
  /** People and groups the source knows about, when it has a directory. */
  directory?(ctx: FetchContext): Promise<Directory>;
  /** Pages of usage for the window, starting after `cursor` when resuming. */
  pages(window: SyncWindow, cursor: string | null, ctx: FetchContext): AsyncIterable<UsagePage>;
}
