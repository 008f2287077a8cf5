/**
 * Where a member's effective limit (and their requests) sit on My usage and the member
 * page; the pages pass the limit panel in. Without it, it says honestly what belongs here.
 */
export function MemberLimitSlot({ children }: { memberId: string; children?: React.ReactNode }) {
  if (children) return <div data-testid="member-limit-slot">{children}</div>;
  return (
    <section
      className="rounded-xl border border-dashed border-slate-300 bg-white p-5 text-sm"
      data-testid="member-limit-slot"
    >
      <h2 className="mb-2 text-sm font-medium text-slate-700">Effective limit and requests</h2>
      <p className="text-slate-500">No limit information is available for this member.</p>
    </section>
  );
}
