/** Said on an analytics page when the URL's range could not be used and the default is shown. */
export function RangeFallbackNote({ problem }: { problem?: string }) {
  if (!problem) return null;
  return (
    <div
      role="status"
      data-testid="range-fallback"
      className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
    >
      The dates in this link could not be used ({problem}), so this budget period is shown instead.
    </div>
  );
}
