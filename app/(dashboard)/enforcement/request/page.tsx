import { ChatgptRequestForm } from "@/components/enforcement/chatgpt-request-form";
import { Card } from "@/components/ui/card";
import { ScreenHeader } from "@/components/ui/placeholder";
import { requirePage } from "@/lib/auth/guards";
import { formatAmount } from "@/lib/core/money";
import { chatgptRequestContext } from "@/lib/enforce/chatgpt-request";
import { now } from "@/lib/server/clock";
import { dbReady } from "@/lib/server/db";

export const metadata = { title: "Request more ChatGPT usage" };
export const dynamic = "force-dynamic";

/** Set as the ChatGPT workspace's custom request destination: members land here signed in. */
export default async function Page() {
  const actor = await requirePage(["requests:create"]);
  const ctx = await chatgptRequestContext(await dbReady(), actor, now());
  const label = (product: string) =>
    product === "codex" ? "Codex" : product === "chatgpt" ? "ChatGPT" : product || "other";
  const usageText = ctx.usage.length
    ? ctx.usage
        .map(
          (u) =>
            `${label(u.product)} ${formatAmount(ctx.unit === "USD" ? u.costMicros : u.creditsMicros, ctx.unit)}`,
        )
        .join(", ")
    : "none recorded";
  return (
    <div className="max-w-2xl">
      <ScreenHeader
        title="Request more ChatGPT / Codex usage"
        subtitle={`Period ${ctx.period.start} – ${ctx.period.end}`}
      />
      <Card title="Where you stand">
        <dl className="grid grid-cols-3 gap-1 text-sm" data-testid="chatgpt-request-context">
          <dt className="text-slate-500">ChatGPT / Codex usage</dt>
          <dd className="col-span-2">{usageText}</dd>
          <dt className="text-slate-500">Your Allotment limit</dt>
          <dd className="col-span-2">
            {ctx.allotmentLimitMicros === null
              ? "unlimited"
              : formatAmount(ctx.allotmentLimitMicros, ctx.unit)}{" "}
            <span className="text-xs text-slate-500">— {ctx.allotmentReason}</span>
          </dd>
          <dt className="text-slate-500">ChatGPT&apos;s limit</dt>
          <dd className="col-span-2">{ctx.vendorLimit ?? "not read yet"}</dd>
        </dl>
      </Card>
      <div className="mt-6">
        <ChatgptRequestForm
          unit={ctx.unit}
          defaultUntil={ctx.period.end}
          prefill={`ChatGPT/Codex usage this period: ${usageText}.`}
        />
      </div>
    </div>
  );
}
