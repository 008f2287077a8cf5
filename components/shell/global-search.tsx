"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";

import { fetchJson } from "@/lib/client/fetch-json";
import type { SearchHit, SearchResult } from "@/lib/search/directory-search";

function editable(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  return t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName);
}

/**
 * The shell's search for people and groups (WAI-ARIA combobox with a listbox): `/` or Ctrl+K
 * (⌘K) focuses it from anywhere, ↑/↓ move through the results, Enter opens one, Escape closes
 * the list (a second Escape clears the text). While the box is empty it shows the `/` hint; with
 * text, a clear button takes the hint's place (the browser's own clear cross is hidden, so the
 * two never stand side by side). What it finds is the viewer's scope, decided on the server
 * (GET /api/search).
 */
export function GlobalSearch({ className = "" }: { className?: string }) {
  const [text, setText] = useState("");
  const [debounced, setDebounced] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const router = useRouter();
  const pathname = usePathname();
  const [shownFor, setShownFor] = useState(pathname);
  const listId = useId();
  const hintId = useId();
  if (shownFor !== pathname) {
    // a navigation happened: close the list (state adjusted during render, not in an effect)
    setShownFor(pathname);
    setOpen(false);
  }
  useEffect(() => {
    const t = setTimeout(() => setDebounced(text.trim()), 180);
    return () => clearTimeout(t);
  }, [text]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = input.current;
      // two copies (sidebar header, narrow header): only the one on screen takes the shortcut
      if (!el || el.offsetParent === null) return;
      const ctrlK = (e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k";
      if (ctrlK || (e.key === "/" && !editable(e.target) && !e.altKey && !e.ctrlKey)) {
        e.preventDefault();
        el.focus();
        el.select();
      }
    };
    window.addEventListener("keydown", onKey);
    // says the shortcuts listen (a key pressed before hydration is lost): tests wait for it
    input.current?.setAttribute("data-shortcuts", "on");
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const query = useQuery({
    queryKey: ["search", debounced],
    queryFn: () => fetchJson<SearchResult>(`/api/search?q=${encodeURIComponent(debounced)}`),
    enabled: debounced.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const d = debounced.length > 0 ? query.data : undefined;
  const hits: SearchHit[] = d ? [...d.members, ...d.groups] : [];
  const shown = open && text.trim().length > 0;
  const current = Math.min(active, Math.max(hits.length - 1, 0));
  const optionId = (i: number) => `${listId}-o${i}`;
  const go = (hit: SearchHit | undefined) => {
    if (!hit) return;
    setOpen(false);
    setText("");
    input.current?.blur();
    router.push(hit.href);
  };
  const section = (title: string, list: SearchHit[], offset: number) =>
    list.length > 0 && (
      <div role="group" aria-labelledby={`${listId}-${title}`}>
        <div
          role="presentation"
          className="px-3 pt-2 pb-1 text-xs font-medium tracking-wide text-slate-500 uppercase"
          id={`${listId}-${title}`}
        >
          {title}
        </div>
        {list.map((h, i) => (
          <div
            key={h.id}
            id={optionId(offset + i)}
            role="option"
            aria-selected={offset + i === current}
            data-testid={`search-${h.kind}`}
            className={`cursor-pointer px-3 py-1.5 text-sm ${offset + i === current ? "bg-brand-50" : ""}`}
            onMouseDown={(e) => e.preventDefault()}
            onMouseEnter={() => setActive(offset + i)}
            onClick={() => go(h)}
          >
            <span className="font-medium text-slate-900">{h.label}</span>
            {h.sublabel && <span className="ml-2 text-xs text-slate-500">{h.sublabel}</span>}
          </div>
        ))}
      </div>
    );
  return (
    <div className={`relative ${className}`} data-testid="global-search">
      <input
        ref={input}
        type="search"
        role="combobox"
        aria-label="Search people and groups"
        aria-describedby={hintId}
        aria-autocomplete="list"
        aria-expanded={shown}
        aria-controls={listId}
        aria-activedescendant={shown && hits.length ? optionId(current) : undefined}
        autoComplete="off"
        placeholder="Search people and groups"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            setOpen(true);
            if (hits.length)
              setActive((current + (e.key === "ArrowDown" ? 1 : hits.length - 1)) % hits.length);
          } else if (e.key === "Enter") {
            e.preventDefault();
            go(hits[current]);
          } else if (e.key === "Escape") {
            if (shown) setOpen(false);
            else setText("");
          }
        }}
        className="w-full rounded-md border border-slate-300 bg-white py-1.5 pr-10 pl-3 text-sm placeholder:text-slate-500 [&::-webkit-search-cancel-button]:hidden"
      />
      {text ? (
        <button
          type="button"
          aria-label="Clear search"
          title="Clear search"
          // keep the focus (and the open list) in the box while clicking
          onMouseDown={(e) => e.preventDefault()}
          onClick={() => {
            setText("");
            setActive(0);
            input.current?.focus();
          }}
          className="absolute top-1/2 right-1.5 flex size-6 -translate-y-1/2 items-center justify-center rounded text-slate-500 hover:bg-slate-100 hover:text-slate-800"
        >
          <span aria-hidden="true">✕</span>
        </button>
      ) : (
        <kbd
          aria-hidden="true"
          className="pointer-events-none absolute top-1/2 right-2 -translate-y-1/2 rounded border border-slate-300 px-1.5 text-xs text-slate-500"
        >
          /
        </kbd>
      )}
      <span id={hintId} className="sr-only">
        Press slash or Control K to search from any page
      </span>
      <div
        hidden={!shown}
        className="absolute top-full right-0 left-0 z-30 mt-1 max-h-96 overflow-y-auto rounded-md border border-slate-200 bg-white pb-1 shadow-lg"
        data-testid="search-results"
      >
        <div id={listId} role="listbox" aria-label="Search results">
          {section("People", d?.members ?? [], 0)}
          {section("Groups", d?.groups ?? [], d?.members.length ?? 0)}
        </div>
        <p role="status" className="px-3 py-2 text-sm text-slate-500 empty:hidden">
          {shown && d && hits.length === 0
            ? `Nobody and no group matches “${d.q}”.`
            : shown && !d
              ? query.isError
                ? query.error.message
                : "Searching…"
              : ""}
        </p>
      </div>
    </div>
  );
}
