import { MyLimitStats, type LimitStatField } from "@/components/limits/my-limit-card";
import { Link } from "@/components/ui/link";
import type { Serialized } from "@/lib/core/serialize";
import type { MyLimit } from "@/lib/limits/limits-screen";

import { limitPolicyLine, LimitStateBadge } from "./limit-state";

/**
 * A member's effective limit with its reason, where they stand (used, remaining, soft
 * threshold) and — on their own page — the way to ask for more, right next to it. `fields`
 * leaves out stats the page already shows (spend, projection).
 */
export function MemberLimitPanel({
  limit,
  self,
  fields,
  action,
  children,
}: {
  limit: Serialized<MyLimit>;
  self: boolean;
  fields?: readonly LimitStatField[];
  /** a control beside the heading: "Set limit" for people who may change limits */
  action?: React.ReactNode;
  children?: React.ReactNode;
}) {
  return (
    <section
      className="flex flex-col gap-3"
      data-testid="member-limit"
      aria-labelledby="member-limit-title"
    >
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h2
            id="member-limit-title"
            className="flex items-center gap-2 text-sm font-medium text-slate-700"
          >
            {self ? "Your effective limit" : "Effective limit"} <LimitStateBadge limit={limit} />
          </h2>
          <p className="mt-0.5 text-xs text-slate-500" data-testid="limit-policy-line">
            {limitPolicyLine(limit)}
          </p>
        </div>
        {action}
        {self && (
          <Link
            href="/requests#request-form"
            className="rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white hover:bg-brand-700"
            data-testid="request-more"
          >
            Request more credits
          </Link>
        )}
      </div>
      <MyLimitStats
        limit={limit}
        limitLabel={self ? "Your limit this period" : "Limit this period"}
        fields={fields}
      />
      {children}
    </section>
  );
}
