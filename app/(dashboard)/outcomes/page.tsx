import { OutcomesView } from "@/components/outcomes/outcomes-view";
import { RangeFallbackNote } from "@/components/ui/range-fallback-note";
import { getOutcomeReport } from "@/lib/analytics/outcomes";
import { rangeSpecSchema, type RangeSpec } from "@/lib/analytics/range";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";
import { spendScopeFor } from "@/lib/auth/scope";
import { serialize } from "@/lib/core/serialize";
import { firstIssueText } from "@/lib/http/query";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";

export const metadata = { title: "Outcomes" };

const DEFAULT_RANGE: RangeSpec = { range: "30d" };

/** Cost per commit and per PR by person, group and product (issue 20, docs/outcomes.md). */
export default async function OutcomesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePage(screenPermissions("/outcomes"));
  const params = await searchParams;
  const one = (k: string) => (typeof params[k] === "string" ? params[k] : undefined);
  const asked = { range: one("range") ?? DEFAULT_RANGE.range, from: one("from"), to: one("to") };
  const parsed = rangeSpecSchema.safeParse(asked);
  const scope = await spendScopeFor(db(), actor);
  const report = await getOutcomeReport(
    { db: db(), scope, now: now() },
    // the fallback note says the budget period is shown
    parsed.success ? parsed.data : { range: "period" },
  );
  return (
    <>
      <RangeFallbackNote problem={parsed.success ? undefined : firstIssueText(parsed.error)} />
      <OutcomesView report={serialize(report)} />
    </>
  );
}
