import { Link } from "@/components/ui/link";
import { ScrollArea } from "@/components/ui/scroll-area";
import type { GroupSummary } from "@/lib/analytics/group";
import { formatAmount, type Unit } from "@/lib/core/money";
import type { Serialized } from "@/lib/core/serialize";

/** Everyone in the group with their spend in the range and, when given, their limit this period. */
export function GroupMembersTable({
  members,
  unit,
  limitFor,
}: {
  members: Serialized<GroupSummary["members"]>;
  unit: Unit;
  limitFor?: (memberId: string) => React.ReactNode;
}) {
  if (!members.length) return <p className="text-sm text-slate-500">This group has no members.</p>;
  const num = "tabular whitespace-nowrap py-2 pl-4 text-right";
  return (
    <ScrollArea label="Group members">
      <table className="w-full text-sm" data-testid="group-members">
        <thead>
          <tr className="border-b border-slate-200 text-left text-xs tracking-wide text-slate-500 uppercase">
            <th scope="col" className="py-2">
              Member
            </th>
            <th scope="col" className="py-2 pl-4 text-right whitespace-nowrap">
              Requests
            </th>
            <th scope="col" className="py-2 pl-4 text-right whitespace-nowrap">
              Spend ({unit === "USD" ? "USD" : "credits"})
            </th>
            <th scope="col" className="py-2 pl-4 text-right whitespace-nowrap">
              Previous
            </th>
            {limitFor && (
              <th scope="col" className="py-2 pl-6 text-right whitespace-nowrap">
                Used of limit this period
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.memberId} className="border-b border-slate-100 align-top last:border-0">
              <td className="py-2">
                <Link
                  href={`/members/${m.memberId}`}
                  className="font-medium text-brand-700 hover:underline"
                >
                  {m.name}
                </Link>
                {m.manager && <span className="ml-1 text-xs text-slate-500">(manager)</span>}
                <div className="text-xs text-slate-500">{m.sublabel}</div>
              </td>
              <td className={num}>{BigInt(m.requests).toLocaleString("en-US")}</td>
              <td className={num}>{formatAmount(BigInt(m.amountMicros), unit)}</td>
              <td className={`${num} text-slate-500`}>
                {formatAmount(BigInt(m.previousAmountMicros), unit)}
              </td>
              {limitFor && <td className="py-2 pl-6 text-right">{limitFor(m.memberId)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}
