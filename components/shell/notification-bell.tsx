"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";

import { fetchJson } from "@/lib/client/fetch-json";
import { queryKeys } from "@/lib/client/query-keys";

interface InboxItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
}

const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** Where a notification without a link of its own leads: requests and alerts have screens. */
function targetOf(n: InboxItem): string {
  if (n.link) return n.link;
  if (n.kind.startsWith("alert.")) return "/alerts";
  if (n.kind.startsWith("request.")) return "/requests";
  return "/requests";
}

/**
 * The header's bell: the signed-in person's unread notifications and their count. A menu
 * button (WAI-ARIA menu button pattern): Enter, Space or ↓ opens it on the first item, ↑ on
 * the last; ↑/↓/Home/End move; Escape closes it and gives focus back to the button; Tab
 * leaves it. Choosing a notification marks it read and opens its object.
 */
export function NotificationBell() {
  const qc = useQueryClient();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  /** where focus goes once the menu has rendered (a ref: it moves focus, it draws nothing) */
  const focusAt = useRef<"first" | "last" | null>(null);
  const menuId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const inbox = useQuery({
    queryKey: queryKeys.notifications(),
    queryFn: () => fetchJson<{ unread: number; items: InboxItem[] }>("/api/notifications"),
    refetchInterval: 60_000,
  });
  const readOne = useMutation({
    mutationFn: (id: string) =>
      fetchJson(`/api/notifications/${encodeURIComponent(id)}/read`, { method: "POST" }),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.notifications() }),
  });
  const readAll = useMutation({
    mutationFn: () => fetchJson("/api/requests/notifications", { method: "POST" }),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: queryKeys.notifications() });
      void qc.invalidateQueries({ queryKey: queryKeys.requests() });
    },
  });

  const items = () =>
    Array.from(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);

  useEffect(() => {
    if (!open || !focusAt.current) return;
    const all = items();
    (focusAt.current === "first" ? all[0] : all.at(-1))?.focus();
    focusAt.current = null;
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      const t = e.target as Node;
      if (!menuRef.current?.contains(t) && !buttonRef.current?.contains(t)) setOpen(false);
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  const onMenuKey = (e: React.KeyboardEvent) => {
    const all = items();
    const at = all.indexOf(document.activeElement as HTMLElement);
    const move = (i: number) => all[(i + all.length) % all.length]?.focus();
    if (e.key === "ArrowDown") move(at + 1);
    else if (e.key === "ArrowUp") move(at - 1);
    else if (e.key === "Home") move(0);
    else if (e.key === "End") move(all.length - 1);
    else if (e.key === "Escape") close(true);
    else if (e.key === "Tab") return setOpen(false);
    else return;
    e.preventDefault();
  };

  const openAt = (where: "first" | "last") => {
    focusAt.current = where;
    setOpen(true);
  };

  const choose = (n: InboxItem) => {
    setOpen(false);
    readOne.mutate(n.id);
    router.push(targetOf(n));
  };

  const unread = inbox.data?.unread ?? 0;
  const label = unread > 0 ? `Notifications, ${unread} unread` : "Notifications";
  const itemClass =
    "block w-full px-4 py-2.5 text-left text-sm hover:bg-slate-50 focus:bg-brand-50 focus:outline-none";
  return (
    <div className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={label}
        data-testid="notification-bell"
        onClick={() => (open ? setOpen(false) : openAt("first"))}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") openAt("first");
          else if (e.key === "ArrowUp") openAt("last");
          else return;
          e.preventDefault();
        }}
        className="relative rounded-md border border-slate-300 bg-white p-1.5 text-slate-700 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-600"
      >
        <svg viewBox="0 0 20 20" fill="currentColor" className="h-5 w-5" aria-hidden="true">
          <path d="M10 2a6 6 0 0 0-6 6v3.59l-1.7 1.7A1 1 0 0 0 3 15h14a1 1 0 0 0 .7-1.7L16 11.58V8a6 6 0 0 0-6-6Zm0 16a3 3 0 0 1-2.83-2h5.66A3 3 0 0 1 10 18Z" />
        </svg>
        {unread > 0 && (
          <span
            className="absolute -top-1.5 -right-1.5 min-w-5 rounded-full bg-red-600 px-1 text-center text-xs leading-5 font-medium text-white"
            data-testid="notification-count"
            aria-hidden="true"
          >
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      {open && (
        <div
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-label="Unread notifications"
          onKeyDown={onMenuKey}
          className="absolute right-0 z-30 mt-2 w-[22rem] max-w-[calc(100vw-2rem)] overflow-hidden rounded-lg border border-slate-200 bg-white shadow-lg"
          data-testid="notification-menu"
        >
          <p className="border-b border-slate-100 px-4 py-2 text-xs font-medium text-slate-500">
            {inbox.isError
              ? "Notifications could not be loaded"
              : unread > 0
                ? `${unread} unread`
                : "Nothing unread"}
          </p>
          <div className="max-h-96 overflow-y-auto">
            {inbox.data?.items.map((n) => (
              <button
                key={n.id}
                type="button"
                role="menuitem"
                tabIndex={-1}
                onClick={() => choose(n)}
                className={`${itemClass} border-b border-slate-100`}
              >
                <span className="block font-medium text-slate-900">{n.title}</span>
                <span className="line-clamp-2 block text-xs text-slate-600">{n.body}</span>
                <span className="mt-0.5 block text-xs text-slate-500">{when(n.createdAt)}</span>
              </button>
            ))}
          </div>
          <div className="flex border-t border-slate-100">
            {unread > 0 && (
              <button
                type="button"
                role="menuitem"
                tabIndex={-1}
                onClick={() => {
                  readAll.mutate();
                  close(true);
                }}
                className={`${itemClass} text-brand-700`}
              >
                Mark all read
              </button>
            )}
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              onClick={() => {
                setOpen(false);
                router.push("/requests");
              }}
              className={`${itemClass} text-brand-700`}
            >
              All notifications
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
