/**
 * The day-one CSV import of people and groups, planned without touching the database: the file
 * (header email,name,role,cost_center,groups,manages) against the workspace as it is. Every
 * row is checked; a problem is reported with its row number (the header is row 1, as in a
 * spreadsheet) and the column, and a file with any problem changes nothing. An empty cell keeps
 * what is there (a new person: role member, no cost center, no groups); a filled groups or
 * manages cell (names separated by ";") is the person's complete list after the import, and a
 * group it names that does not exist yet is created.
 */
import { parse } from "csv-parse/sync";

import type { Role } from "../auth/permissions";
import { costCenterField, emailField, groupNameField, nameField } from "./fields";

export const IMPORT_COLUMNS = [
  "email",
  "name",
  "role",
  "cost_center",
  "groups",
  "manages",
] as const;
type Column = (typeof IMPORT_COLUMNS)[number];
export const MAX_IMPORT_ROWS = 25_000;

export interface ExistingMember {
  id: string;
  email: string;
  name: string;
  role: Role;
  costCenter: string | null;
  active: boolean;
  groupIds: ReadonlySet<string>;
  managedGroupIds: ReadonlySet<string>;
}

export interface WorkspaceState {
  members: ReadonlyMap<string, ExistingMember>;
  /** by lower-case name */
  groups: ReadonlyMap<string, { id: string; name: string }>;
}

export interface ImportError {
  row: number | null;
  column: Column | null;
  message: string;
}

/** A group by id, or one the import creates (by its lower-case name). */
export type GroupRef = { id: string; name: string } | { create: string; name: string };

export interface RowPlan {
  row: number;
  email: string;
  kind: "create" | "update" | "unchanged";
  memberId: string | null;
  name: string;
  role: Role;
  costCenter: string | null;
  /** null = keep */
  groups: GroupRef[] | null;
  manages: GroupRef[] | null;
  /** what changes, in words: "role member → admin", "joins Platform" */
  changes: string[];
}

export interface ImportPlan {
  rows: RowPlan[];
  errors: ImportError[];
  newGroups: string[];
  counts: { create: number; update: number; unchanged: number; newGroups: number };
}

const ROLE_WORDS: Record<string, Role> = {
  owner: "OWNER",
  admin: "ADMIN",
  finance: "FINANCE",
  member: "MEMBER",
  engineer: "MEMBER",
};
const roleWord = (r: Role) => r.toLowerCase();

/** What one actor may do with roles (owners alone touch OWNER). */
export interface ImportRules {
  actorIsOwner: boolean;
  actorMemberId: string;
}

export function planImport(csv: string, state: WorkspaceState, rules: ImportRules): ImportPlan {
  const errors: ImportError[] = [];
  const fail = (message: string): ImportPlan => ({
    rows: [],
    errors: [{ row: null, column: null, message }],
    newGroups: [],
    counts: { create: 0, update: 0, unchanged: 0, newGroups: 0 },
  });
  let records: string[][];
  try {
    records = parse(csv, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as string[][];
  } catch (error) {
    const m =
      error instanceof Error ? error.message.replace(/^Invalid Record Length: /, "") : "unreadable";
    return fail(`This is not a readable CSV file: ${m.length > 200 ? `${m.slice(0, 199)}…` : m}`);
  }
  if (!records.length)
    return fail(`The file is empty: the first line must be the header ${IMPORT_COLUMNS.join(",")}`);
  const header = records[0]!.map((h) => h.toLowerCase());
  const unknown = header.filter((h) => !(IMPORT_COLUMNS as readonly string[]).includes(h));
  if (unknown.length)
    return fail(
      `Unknown column ${unknown.map((u) => `"${u}"`).join(", ")}: the header is ${IMPORT_COLUMNS.join(",")}`,
    );
  for (const required of ["email", "name"] as const)
    if (!header.includes(required))
      return fail(
        `The header has no "${required}" column: the header is ${IMPORT_COLUMNS.join(",")}`,
      );
  const twice = header.find((h, i) => header.indexOf(h) !== i);
  if (twice) return fail(`The column "${twice}" appears twice in the header`);
  const body = records.slice(1);
  if (!body.length) return fail("The file has a header and no people");
  if (body.length > MAX_IMPORT_ROWS)
    return fail(
      `The file has ${body.length.toLocaleString("en-US")} people: import at most ${MAX_IMPORT_ROWS.toLocaleString("en-US")} at a time`,
    );

  const newGroups = new Map<string, string>();
  const seen = new Map<string, number>();
  const rows: RowPlan[] = [];
  const roles = new Map<string, Role>();
  for (const m of state.members.values()) if (m.active) roles.set(m.id, m.role);

  body.forEach((cells, i) => {
    const row = i + 2;
    const cell = (c: Column) => (header.includes(c) ? (cells[header.indexOf(c)] ?? "") : "");
    const err = (column: Column, message: string) => errors.push({ row, column, message });
    if (cells.length > header.length)
      return err(
        IMPORT_COLUMNS[0],
        `Row ${row} has ${cells.length} cells but the header has ${header.length} columns (a comma inside a value needs quotes)`,
      );
    const emailR = emailField.safeParse(cell("email"));
    if (!emailR.success) return err("email", emailR.error.issues[0]!.message);
    const email = emailR.data;
    if (seen.has(email)) return err("email", `${email} is already on row ${seen.get(email)}`);
    seen.set(email, row);
    const existing = state.members.get(email);
    if (existing && !existing.active)
      return err(
        "email",
        `${email} (${existing.name}) is deactivated: reactivate them on the Members page first`,
      );

    const nameText = cell("name");
    let name = existing?.name ?? "";
    if (nameText || !existing) {
      const r = nameField.safeParse(nameText);
      if (!r.success)
        return err("name", existing ? r.error.issues[0]!.message : "A new person needs a name");
      name = r.data;
    }
    const roleText = cell("role").toLowerCase();
    let role: Role = existing?.role ?? "MEMBER";
    if (roleText) {
      const r = ROLE_WORDS[roleText];
      if (!r)
        return err("role", `"${cell("role")}" is not a role: use owner, admin, finance or member`);
      role = r;
    }
    const from = existing?.role ?? "MEMBER";
    if ((role === "OWNER" || from === "OWNER") && role !== from && !rules.actorIsOwner)
      return err(
        "role",
        from === "OWNER"
          ? "Only an owner can change an owner's role"
          : "Only an owner can make someone an owner",
      );
    const ccText = cell("cost_center");
    let costCenter = existing?.costCenter ?? null;
    if (ccText) {
      const r = costCenterField.safeParse(ccText);
      if (!r.success) return err("cost_center", r.error.issues[0]!.message);
      costCenter = r.data;
    }
    const refs = (column: "groups" | "manages"): GroupRef[] | null | "error" => {
      const text = cell(column);
      if (!text) return null;
      const out = new Map<string, GroupRef>();
      for (const part of text
        .split(";")
        .map((s) => s.trim())
        .filter(Boolean)) {
        const r = groupNameField.safeParse(part);
        if (!r.success) {
          err(column, `"${part.slice(0, 40)}": ${r.error.issues[0]!.message}`);
          return "error";
        }
        const key = r.data.toLowerCase();
        const known = state.groups.get(key);
        if (known) out.set(key, known);
        else {
          if (!newGroups.has(key)) newGroups.set(key, r.data);
          out.set(key, { create: key, name: newGroups.get(key)! });
        }
      }
      return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
    };
    const groups = refs("groups");
    const manages = refs("manages");
    if (groups === "error" || manages === "error") return;

    const changes: string[] = [];
    if (existing) {
      if (name !== existing.name) changes.push(`name ${existing.name} → ${name}`);
      if (role !== existing.role)
        changes.push(`role ${roleWord(existing.role)} → ${roleWord(role)}`);
      if (costCenter !== existing.costCenter)
        changes.push(`cost center ${existing.costCenter ?? "none"} → ${costCenter ?? "none"}`);
    } else {
      changes.push(`new ${roleWord(role)}${costCenter ? `, cost center ${costCenter}` : ""}`);
    }
    const diff = (
      list: GroupRef[] | null,
      have: ReadonlySet<string>,
      join: string,
      leave: string,
    ) => {
      if (!list) return;
      const ids = new Set(list.map((g) => ("id" in g ? g.id : "")));
      for (const g of list) if (!("id" in g) || !have.has(g.id)) changes.push(`${join} ${g.name}`);
      for (const [, g] of state.groups)
        if (have.has(g.id) && !ids.has(g.id)) changes.push(`${leave} ${g.name}`);
    };
    diff(groups, existing?.groupIds ?? new Set(), "joins", "leaves");
    diff(manages, existing?.managedGroupIds ?? new Set(), "manages", "stops managing");
    if (existing) roles.set(existing.id, role);
    rows.push({
      row,
      email,
      kind: existing ? (changes.length ? "update" : "unchanged") : "create",
      memberId: existing?.id ?? null,
      name,
      role,
      costCenter,
      groups,
      manages,
      changes,
    });
  });
  if (
    !errors.length &&
    ![...roles.values()].includes("OWNER") &&
    !rows.some((r) => r.role === "OWNER")
  ) {
    errors.push({
      row: null,
      column: "role",
      message:
        "After this import the workspace would have no owner: keep at least one person's role as owner",
    });
  }
  const count = (k: RowPlan["kind"]) => rows.filter((r) => r.kind === k).length;
  return {
    rows,
    errors,
    newGroups: [...newGroups.values()],
    counts: {
      create: count("create"),
      update: count("update"),
      unchanged: count("unchanged"),
      newGroups: newGroups.size,
    },
  };
}
