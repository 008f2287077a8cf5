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
              onChange={(e) => onChange(toggled(chosen, g.id, e.target.checked))}
            />
            {g.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** The set with `id` in it (`on`) or without it: a checkbox's change. */
export function toggled(set: Set<string>, id: string, on: boolean): Set<string> {
  const next = new Set(set);
  if (on) next.add(id);
  else next.delete(id);
  return next;
}

/**
 * Puts what changed of a set of ids into a change form's body: the ids added as `add<name>`
 * and the ids removed as `remove<name>`, each only when there are any.
 */
export function putDiff(
  body: Record<string, unknown>,
  name: string,
  before: Iterable<string>,
  after: Iterable<string>,
): void {
  const b = new Set(before);
  const a = new Set(after);
  const add = [...a].filter((x) => !b.has(x));
  const remove = [...b].filter((x) => !a.has(x));
  if (add.length) body[`add${name}`] = add;
  if (remove.length) body[`remove${name}`] = remove;
}
