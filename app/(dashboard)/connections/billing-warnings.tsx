import "server-only";

import { Link } from "@/components/ui/link";
import { missingRateDays } from "@/lib/currency/exchange-rates";
import type { Db } from "@/lib/server/db";

/**
 * Connections page notice (server component): provider cost days left out of billed for want
 * of an exchange rate, and the warnings of each connection's latest run (a cost without an
 * amount, counted as zero). Renders nothing when all is well.
 */
export async function BillingWarnings({ db, workspaceId }: { db: Db; workspaceId: string }) {
  const [missing, runs] = await Promise.all([
    missingRateDays(db, workspaceId),
    db.syncRun.findMany({
      where: { workspaceId, status: { not: "RUNNING" } },
      // runs started at the same instant (a pinned clock) in the order they were created
      orderBy: [{ startedAt: "desc" }, { id: "desc" }],
      take: 50,
      select: {
        connectionId: true,
        warnings: true,
        startedAt: true,
        connection: { select: { name: true } },
      },
    }),
  ]);
  const latest = new Map<string, (typeof runs)[number]>();
  for (const r of runs) if (!latest.has(r.connectionId)) latest.set(r.connectionId, r);
  // only a connection whose latest run left warnings: a clean later run clears the notice
  for (const [id, r] of latest) if (!r.warnings) latest.delete(id);
  if (!missing.length && !latest.size) return null;
  return (
    <div
      className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
      data-testid="billing-warnings"
    >
      {missing.length > 0 && (
        <>
          <p className="font-medium">Costs without an exchange rate are left out of billed</p>
          <ul className="mt-1 list-disc pl-5 text-xs">
            {missing.slice(0, 8).map((m) => (
              <li key={`${m.connectionId}-${m.day}-${m.currency}`}>
                {m.connectionName}: {m.currency} on {m.day}
              </li>
            ))}
          </ul>
          {missing.length > 8 && <p className="text-xs">…and {missing.length - 8} more.</p>}
          <p className="mt-1 text-xs">
            Add the rate under{" "}
            <Link className="underline" href="/settings">
              Settings → Billing
            </Link>
            , then sync those days again.
          </p>
        </>
      )}
      {[...latest.values()].map((r) => {
        const lines = r.warnings.split("\n");
        return (
          <details key={r.connectionId} className="mt-2 text-xs">
            <summary className="cursor-pointer">
              {r.connection.name}: {lines.length} warning{lines.length === 1 ? "" : "s"} in the
              latest run ({r.startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC)
            </summary>
            <ul className="mt-1 list-disc pl-5">
              {lines.slice(0, 20).map((l, i) => (
                <li key={i}>{l}</li>
              ))}
            </ul>
          </details>
        );
      })}
    </div>
  );
}
