"use client";

import { useState } from "react";

/** Choose groups from a list that may be long (hundreds): a filter box over scrolling checkboxes. */
export function GroupPicker({
  label,
  groups,
  chosen,
  onChange,
  testId,
}: {
  label: string;
  groups: { id: string; name: string }[];
  chosen: Set<string>;
  onChange: (next: Set<string>) => void;
  testId: string;
}) {
  const [filter, setFilter] = useState("");
  const shown = groups.filter((g) => g.name.toLowerCase().includes(filter.toLowerCase()));
  return (
    <fieldset className="min-w-0" data-testid={testId}>
      <legend className="mb-1 text-sm font-medium text-slate-700">
        {label} <span className="font-normal text-slate-500">({chosen.size} chosen)</span>
      </legend>
      {groups.length > 8 && (
        <input
          type="search"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          placeholder="Filter groups"
          aria-label={`Filter ${label.toLowerCase()}`}
          className="mb-1 w-full rounded-md border border-slate-300 px-2 py-1 text-sm"
        />
      )}
      <div className="max-h-40 overflow-y-auto rounded-md border border-slate-200 p-2">
        {groups.length === 0 && <p className="text-sm text-slate-500">No groups yet.</p>}
        {shown.map((g) => (
          <label key={g.id} className="flex items-center gap-2 py-0.5 text-sm">
            <input
              type="checkbox"
              checked={chosen.has(g.id)}
              onChange={(e) => {
                const next = new Set(chosen);
                if (e.target.checked) next.add(g.id);
                else next.delete(g.id);
                onChange(next);
              }}
            />
            {g.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** What to send for a set that changed: the ids added and removed. */
export function setDiff(
  before: Iterable<string>,
  after: Set<string>,
): { add: string[]; remove: string[] } {
  const b = new Set(before);
  return { add: [...after].filter((x) => !b.has(x)), remove: [...b].filter((x) => !after.has(x)) };
}
