import { ApiTokens } from "@/components/settings/api-tokens";
import { AutoApprovalSettings } from "@/components/settings/auto-approval-settings";
import { BillingSettings } from "@/components/settings/billing-settings";
import { DigestSettings } from "@/components/settings/digest-settings";
import { SlackSettings } from "@/components/settings/slack-settings";
import { WorkspaceSettingsForm } from "@/components/settings/workspace-settings-form";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Link } from "@/components/ui/link";
import { ScreenHeader } from "@/components/ui/placeholder";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";
import { microsToDecimal } from "@/lib/core/money";
import { toDayKey } from "@/lib/core/period";
import { listExchangeRates, missingRateDays } from "@/lib/currency/exchange-rates";
import { getDigestSettings } from "@/lib/digest/settings";
import { getWorkspaceSettings } from "@/lib/limits/workspace-settings";
import { now } from "@/lib/server/clock";
import { db } from "@/lib/server/db";
import { env } from "@/lib/server/env";
import { getSlackSettings } from "@/lib/slack/settings";
import { listTokens } from "@/lib/tokens/tokens";

export const metadata = { title: "Settings" };

export default async function Page() {
  const actor = await requirePage(screenPermissions("/settings"));
  const [settings, tokens, rates, missing, seat, slack, digest] = await Promise.all([
    getWorkspaceSettings(db(), actor),
    listTokens(db(), actor),
    listExchangeRates(db(), actor),
    missingRateDays(db(), actor.workspaceId),
    db().workspace.findUniqueOrThrow({
      where: { id: actor.workspaceId },
      select: { seatEstimatesCountAgainstLimits: true },
    }),
    getSlackSettings(db(), actor.workspaceId),
    getDigestSettings(db(), actor.workspaceId),
  ]);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <ScreenHeader title="Settings" subtitle={settings.name} />
        <Link href="/settings/getting-started" className={buttonClass("secondary")}>
          Getting started checklist
        </Link>
      </div>
      <Card title="Budget">
        <WorkspaceSettingsForm
          initial={{
            budgetUnit: settings.budgetUnit,
            budgetPeriod: settings.budgetPeriod,
            timezone: settings.timezone,
            managerGrantCeiling:
              settings.managerGrantCeilingMicros === null
                ? ""
                : microsToDecimal(settings.managerGrantCeilingMicros).replace(/\.?0+$/, ""),
          }}
          unitLabel={settings.budgetUnit === "USD" ? "USD" : "credits"}
        />
        <p className="mt-3 text-xs text-slate-500">
          Limits are set in this unit; periods start in this timezone, and start and expiry dates
          are whole days there. The default limit and caps are on the Limits screen.
        </p>
      </Card>
      <Card title="Billing">
        <BillingSettings
          seatEstimatesCount={seat.seatEstimatesCountAgainstLimits}
          rates={rates.map(({ currency, effectiveFrom, usdPerUnit }) => ({
            currency,
            effectiveFrom,
            usdPerUnit,
          }))}
          missing={missing}
          today={toDayKey(now())}
        />
      </Card>
      <Card title="Auto-approval policies">
        <AutoApprovalSettings unit={settings.budgetUnit} />
      </Card>
      <Card title="Slack approvals">
        <SlackSettings
          initial={slack}
          interactionUrl={`${env().NEXTAUTH_URL?.replace(/\/$/, "") ?? ""}/api/slack/interactions`}
        />
      </Card>
      <Card title="Weekly manager digest">
        <DigestSettings initial={digest} />
      </Card>
      <Card title="API tokens">
        <p className="mb-3 text-sm text-slate-600">
          For gateways and scripts:{" "}
          <code className="text-xs">GET /api/v1/budget-check?member=…&amp;product=…</code> with{" "}
          <code className="text-xs">Authorization: Bearer &lt;token&gt;</code>. Tokens are stored
          hashed.
        </p>
        <ApiTokens
          tokens={tokens.map((t) => ({
            ...t,
            createdAt: t.createdAt.toISOString(),
            lastUsedAt: iso(t.lastUsedAt),
            revokedAt: iso(t.revokedAt),
          }))}
        />
      </Card>
    </div>
  );
}
