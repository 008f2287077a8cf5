import type { ReactNode } from "react";

import { formatAmount, type Unit } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";
import type { RequestItem } from "@/lib/requests/request-queue";

import { StatusBadge } from "./status-badge";

/**
 * One of a person's own credit requests in a list (My budget's recent requests, the Requests
 * screen's "Your requests"): number, amount, status and what was granted; each list adds its
 * own details before the grant (`details`) and after it (`children`).
 */
export function RequestLine({
  r,
  unit,
  testId,
  details,
  grantedBy,
  children,
}: {
  r: Serialized<RequestItem>;
  unit: Unit;
  testId: string;
  details?: ReactNode;
  /** who granted it, when the list names them */
  grantedBy?: string;
  children?: ReactNode;
}) {
  return (
    <li className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-2" data-testid={testId}>
      <span className="font-medium">#{r.id}</span>
      <span className="tabular">
        {BigInt(r.amountMicros) > 0n ? formatAmount(BigInt(r.amountMicros), unit) : "no amount"}
      </span>
      <StatusBadge status={r.status} />
      {details}
      {r.status === "APPROVED" && r.grantedMicros && (
        <span className="text-xs text-emerald-800">
          granted {formatAmount(BigInt(r.grantedMicros), unit)}
          {grantedBy !== undefined && ` by ${grantedBy}`}
        </span>
      )}
      {children}
    </li>
  );
}
