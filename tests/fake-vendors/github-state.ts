/**
 * The fake GitHub's state and its own evaluation rules, independent of Allotment's code:
 * usage truth in integer hundredths of a credit (1 credit = $0.01, so one hundredth = 100
 * micro-USD), budgets as GitHub stores them, and GitHub's budget precedence (GH-BUDG):
 * the user-level budget that applies is the most specific one — individual, else the user's
 * cost center's per-user budget, else the universal one — and then "lowest remaining
 * headroom wins" between it and the metered budget (cost center, else organization, else
 * enterprise) once the shared pool is spent.
 */
export interface FakeGithubUser {
  login: string;
  email: string | null;
  name: string;
}

export interface FakeCostCenter {
  id: string;
  name: string;
  users: string[];
}

/** One usage fact: hundredths of a credit consumed, and how many of them the pool covered. */
export interface FakeUsage {
  login: string;
  day: string;
  model: string;
  centiCredits: number;
  discountCentiCredits: number;
}

/**
 * Made-up usage for the ingestion tests: each person uses two models a day, a fixed
 * pseudo-random sequence from `seed` skipping about one in five person-model-days; up to
 * 2,500 credits with odd hundredths (the fake splits each over two rows); every third fact
 * has a pool discount of 1/`discountDivisor` of it.
 */
export function madeUpUsage(opts: {
  users: { login: string }[];
  days: string[];
  seed: number;
  discountDivisor: number;
}): FakeUsage[] {
  const out: FakeUsage[] = [];
  let n = opts.seed;
  for (const day of opts.days)
    for (const u of opts.users)
      for (const model of ["GPT-5", "Claude Sonnet 4.5"]) {
        n = (n * 7919 + 13) % 100_003;
        if (n % 5 === 0) continue;
        const centi = 1 + (n % 250_000);
        out.push({
          login: u.login,
          day,
          model,
          centiCredits: centi,
          discountCentiCredits: n % 3 === 0 ? Math.floor(centi / opts.discountDivisor) : 0,
        });
      }
  return out;
}

export interface FakeBudget {
  id: string;
  budget_type: string;
  budget_product_sku: string;
  budget_scope: string;
  budget_entity_name: string;
  budget_amount: number;
  prevent_further_usage: boolean;
  budget_alerting: { will_alert: boolean; alert_recipients: string[] };
  user?: string;
  expires_at?: string | null;
  /** what GitHub reports as spent against the budget (dollars), when it does */
  consumed_amount?: number;
}

export interface Applicable {
  /** whole dollars; null = no user-level budget applies */
  amount: number | null;
  source: "individual" | "cost_center" | "universal" | "none";
  budgetId: string | null;
}

export const USER_SCOPES = new Set(["user", "multi_user_customer", "multi_user_cost_center"]);

/** When an `expires_at` ends: a date ends at the end of that UTC day, a date-time at that instant. */
export function expiryMs(v: string | null | undefined): number | null {
  if (!v) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return Date.parse(`${v}T00:00:00Z`) + 86_400_000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

export function costCenterOf(centers: FakeCostCenter[], login: string): FakeCostCenter | null {
  return centers.find((c) => c.users.includes(login)) ?? null;
}

/** GitHub's rule, step 1: the most specific user-level budget that applies to `login`. */
export function applicableUserBudget(
  budgets: FakeBudget[],
  centers: FakeCostCenter[],
  login: string,
  nowMs: number,
): Applicable {
  const live = budgets.filter((b) => {
    const end = expiryMs(b.expires_at);
    return end === null || end > nowMs;
  });
  const own = live.find((b) => b.budget_scope === "user" && b.user === login);
  if (own) return { amount: own.budget_amount, source: "individual", budgetId: own.id };
  const cc = costCenterOf(centers, login);
  const ccb =
    cc &&
    live.find(
      (b) => b.budget_scope === "multi_user_cost_center" && b.budget_entity_name === cc.name,
    );
  if (ccb) return { amount: ccb.budget_amount, source: "cost_center", budgetId: ccb.id };
  const uni = live.find((b) => b.budget_scope === "multi_user_customer");
  if (uni) return { amount: uni.budget_amount, source: "universal", budgetId: uni.id };
  return { amount: null, source: "none", budgetId: null };
}

/**
 * GitHub's rule, step 2: how many more hundredths of a credit the user may consume now —
 * the least headroom of the applicable user-level budget and, once the pool is spent, the
 * metered budget in charge (cost center, else organization, else enterprise) with "stop
 * usage" on. null = nothing stops the user.
 */
export function headroomCentiCredits(
  budgets: FakeBudget[],
  centers: FakeCostCenter[],
  login: string,
  nowMs: number,
  consumedByUser: number,
  metered: { poolLeft: number; spentBy: (scope: string, entity: string) => number; org: string },
): number | null {
  const heads: number[] = [];
  const ulb = applicableUserBudget(budgets, centers, login, nowMs);
  if (ulb.amount !== null) heads.push(Math.max(0, ulb.amount * 10_000 - consumedByUser));
  if (metered.poolLeft <= 0) {
    const cc = costCenterOf(centers, login);
    const scope = cc ? "cost_center" : "organization";
    const entity = cc ? cc.name : metered.org;
    const b =
      budgets.find((x) => x.budget_scope === scope && x.budget_entity_name === entity) ??
      budgets.find((x) => x.budget_scope === "enterprise");
    if (b && b.prevent_further_usage)
      heads.push(
        Math.max(
          0,
          b.budget_amount * 10_000 - metered.spentBy(b.budget_scope, b.budget_entity_name),
        ),
      );
  }
  return heads.length ? Math.min(...heads) : null;
}

/** Hundredths of a credit as GitHub's dollar number (1 hundredth = $0.0001), via exact text. */
export function centiToDollars(centi: number): number {
  const neg = centi < 0;
  const s = String(Math.abs(centi)).padStart(5, "0");
  return Number(`${neg ? "-" : ""}${s.slice(0, -4)}.${s.slice(-4)}`);
}
export function centiToCredits(centi: number): number {
  const s = String(centi).padStart(3, "0");
  return Number(`${s.slice(0, -2)}.${s.slice(-2)}`);
}
