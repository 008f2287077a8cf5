"use client";

import { useRouter } from "next/navigation";

import { RequestDrawer } from "@/components/requests/request-drawer";

/**
 * The budget home's "Request more": the request form in a drawer, prefilled with what the
 * projection overshoots the limit by; after sending, the page reloads its data so the new
 * request shows under "Recent requests".
 */
export function RequestMore({
  periodEnd,
  unitLabel,
  suggestedAmount,
  testId,
  label = "Request more",
  className,
  blocked,
}: {
  periodEnd: string;
  unitLabel: string;
  suggestedAmount: string | null;
  testId: string;
  label?: string;
  className?: string;
  blocked?: string;
}) {
  const router = useRouter();
  return (
    <RequestDrawer
      label={label}
      periodEnd={periodEnd}
      unitLabel={unitLabel}
      initial={suggestedAmount ? { amount: suggestedAmount } : undefined}
      onSent={() => router.refresh()}
      testId={testId}
      className={className}
      blocked={blocked}
    />
  );
}
