/**
 * The contract between provider adapters and the sync engine. Adapters turn a provider's
 * responses into UsageRows; the engine writes them idempotently. Pure types only.
 */
import type { OutcomeCounts } from "../core/outcome-counts";
import type { DayKey } from "../core/period";

export type ConnectionKind =
  "openai" | "anthropic" | "chatgpt" | "file" | "simulator" | "github_copilot" | "cursor" | "codex";

/** How a provider names a person or key: looked up in MemberIdentity to find the member. */
export interface IdentityRef {
  /** openai | anthropic | chatgpt | claude_code | simulator … */
  provider: string;
  /** user_id | api_key_id | email; Anthropic's per-person account_id is a user_id, its
   * service_account_id an api_key_id-like "service_account_id" */
  kind: "user_id" | "api_key_id" | "email" | "service_account_id";
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
  /** all input, including cached reads and cache writes */
  inputTokens: bigint;
  cachedInputTokens: bigint;
  /** prompt-cache writes (part of inputTokens); 0 when the provider does not report them */
  cacheWriteTokens?: bigint;
  outputTokens: bigint;
  requests: bigint;
  /** Pricing dimensions, part of the row's natural key ("" / absent = the provider does not say):
   * batch | flex | priority | standard | … (OpenAI batch=true is "batch") */
  serviceTier?: string;
  /** Anthropic context window: 0-200k | 200k-1M */
  contextWindow?: string;
  /** Anthropic inference geo: global | us | not_available */
  inferenceGeo?: string;
  /** list-price estimate, micro-USD */
  estimatedCostMicros: bigint;
  /** billed (invoiced) cost allocated to this row, micro-USD — never an estimate */
  costMicros: bigint;
  /** native credits when the provider reports them; null = derive from cost with the workspace rate */
  creditsMicros: bigint | null;
  /** Claude Code seat (subscription) plans: the provider's estimate, micro-USD; costMicros stays 0 */
  seatEstimateMicros?: bigint;
  unpriced: boolean;
}

/** One line of a provider's cost data as reported, before conversion to USD. */
export interface CostLine {
  day: DayKey;
  provider: string;
  /** OpenAI project id / Anthropic workspace id */
  scope: string;
  lineItem: string;
  /** ISO 4217, upper case */
  currency: string;
  /** exact decimal text in the currency's major unit; "0" when the provider sent none */
  amount: string;
  amountMissing: boolean;
  /** converted with the workspace's rate; null when no rate covers the day */
  usdMicros: bigint | null;
}

/** What a person's agent work produced on a day, as the vendor reports it (OutcomeDaily). */
export interface OutcomeFact extends OutcomeCounts {
  day: DayKey;
  /** who it was reported under; null = the vendor named nobody */
  identity: IdentityRef | null;
  product: string;
  /** the vendor's split of a person-day (Claude Code: "local" | "remote"; "" when none) */
  source: string;
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
  /** the provider's cost lines of the page's complete days, as reported (replace the days' lines) */
  costLines?: CostLine[];
  /** run-log warnings: values the format allows but we had to interpret (no rate, no amount) */
  warnings?: string[];
  /** outcome facts of the page's complete days (replace the days' facts); absent = not read */
  outcomes?: OutcomeFact[];
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
  /** converts a provider amount to micro-USD with the workspace's exchange rates; absent = USD only */
  toUsd?: (amount: string, currency: string, day: DayKey) => bigint | null;
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
