/**
 * A table's horizontal scroll container: the table scrolls inside its card on narrow
 * screens, and keyboard users can focus the region to scroll it (WCAG: a scrollable region
 * must be reachable without a mouse). `relative` keeps sr-only cells inside it.
 */
export function ScrollArea({
  label,
  className = "",
  children,
}: {
  /** what the region holds, for screen readers ("Audit events") */
  label: string;
  className?: string;
  children: React.ReactNode;
}) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      className={`relative overflow-x-auto focus-visible:outline-2 focus-visible:outline-brand-600 ${className}`}
    >
      {children}
    </div>
  );
}
