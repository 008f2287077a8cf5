"use client";

import { usePathname } from "next/navigation";

import { Link } from "@/components/ui/link";

export function NavLinks({
  items,
  horizontal = false,
}: {
  items: { href: string; label: string; badge?: number }[];
  horizontal?: boolean;
}) {
  const pathname = usePathname();
  return (
    <nav
      aria-label="Main"
      className={horizontal ? "flex gap-1 overflow-x-auto py-1" : "flex flex-col gap-0.5 px-2"}
    >
      {items.map((item) => {
        const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <div key={item.href} className="relative flex items-center">
            <Link
              href={item.href}
              aria-current={active ? "page" : undefined}
              className={`flex-1 rounded-md px-3 py-2 text-sm ${active ? "bg-brand-50 font-medium text-brand-700" : "text-slate-700 hover:bg-slate-100"}`}
            >
              {item.label}
            </Link>
            {/* outside the link so the link's name stays the screen's name */}
            {item.badge !== undefined && (
              <span
                className="pointer-events-none absolute right-2 rounded-full bg-brand-600 px-1.5 py-0.5 text-xs font-medium text-white"
                data-testid={`nav-badge-${item.label.toLowerCase()}`}
                title={`${item.badge} waiting for a decision`}
              >
                {item.badge}
              </span>
            )}
          </div>
        );
      })}
    </nav>
  );
}
