/**
 * Slot for the member's effective limit and their credit requests. The limits / requests
 * modules render into it (pass `children`); until then it says honestly what will be here.
 */
export function MemberLimitSlot({ children }: { memberId: string; children?: React.ReactNode }) {
  return (
    <section className="rounded-xl border border-dashed border-slate-300 bg-white p-5 text-sm" data-testid="member-limit-slot">
      <h2 className="mb-2 text-sm font-medium text-slate-700">Effective limit and requests</h2>
      {children ?? <p className="text-slate-500">The effective limit with its reason, and this member&apos;s credit requests, appear here once limits are set up.</p>}
    </section>
  );
}
