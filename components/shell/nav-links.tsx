"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function NavLinks({ items, horizontal = false }: { items: { href: string; label: string }[]; horizontal?: boolean }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className={horizontal ? "flex gap-1 overflow-x-auto py-1" : "flex flex-col gap-0.5 px-2"}>
      {items.map((item) => {
        const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={`rounded-md px-3 py-2 text-sm ${active ? "bg-brand-50 font-medium text-brand-700" : "text-slate-700 hover:bg-slate-100"}`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
