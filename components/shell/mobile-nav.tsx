"use client";

import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";

import { buttonClass } from "@/components/ui/button";

import { NavLinks } from "./nav-links";

/**
 * Under 1024 px the sidebar folds into a "Menu" button: the page keeps its width, and the
 * navigation opens over it. It closes on navigation and on Escape.
 */
export function MobileNav({
  items,
  user,
  bell,
  search,
}: {
  items: { href: string; label: string; badge?: number }[];
  user: { name: string; email: string; role: string };
  /** the notification bell, beside the menu button */
  bell?: React.ReactNode;
  /** the search box, on its own row under the header */
  search?: React.ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const [shownFor, setShownFor] = useState(pathname);
  if (shownFor !== pathname) {
    // a navigation happened: fold the menu (state adjusted during render, not in an effect)
    setShownFor(pathname);
    setOpen(false);
  }
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);
  const waiting = items.reduce((n, i) => n + (i.badge ?? 0), 0);
  return (
    <div className="lg:hidden">
      <header className="flex items-center justify-between gap-3 border-b border-slate-200 bg-white px-4 py-3">
        <button
          type="button"
          onClick={() => setOpen((o) => !o)}
          aria-expanded={open}
          aria-controls="mobile-nav"
          className={buttonClass("secondary")}
        >
          {open ? "Close menu" : "Menu"}
          {waiting > 0 && !open && (
            <span className="ml-2 rounded-full bg-brand-600 px-1.5 py-0.5 text-xs text-white">
              {waiting}
            </span>
          )}
        </button>
        <span className="font-semibold">Allotment</span>
        <span className="flex min-w-0 items-center gap-3">
          <span className="truncate text-xs text-slate-500">{user.email}</span>
          {bell}
        </span>
      </header>
      {search && <div className="border-b border-slate-200 bg-white px-4 py-2">{search}</div>}
      {open && (
        <div
          id="mobile-nav"
          className="border-b border-slate-200 bg-white pb-3 shadow-sm"
          data-testid="mobile-nav"
        >
          <NavLinks items={items} />
          <p className="px-5 pt-2 text-xs text-slate-500">
            {user.name} · {user.role}
          </p>
        </div>
      )}
    </div>
  );
}
