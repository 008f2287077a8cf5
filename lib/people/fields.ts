/**
 * People-facing input rules for members, groups and the CSV import: every message says what to
 * do in a person's words and names the form field it belongs to ("email", not "Invalid
 * input.email"), so the forms can show it next to that field.
 */
import { z } from "zod";

import { ROLES } from "../auth/permissions";
import { InvalidInputError } from "../core/errors";

export interface FieldIssue {
  field: string;
  message: string;
}

/** Every problem with a form at once; the first one is also the error's message (400). */
export class FieldErrors extends InvalidInputError {
  override name = "FieldErrors";
  constructor(readonly issues: FieldIssue[]) {
    super(issues[0]?.message ?? "Check the form", issues[0]?.field);
  }
}

const FIELD_LABELS: Record<string, string> = {
  email: "an email address",
  name: "a name",
  role: "a role",
  costCenter: "a cost center",
  reason: "a reason",
  csv: "a CSV file",
  apply: "whether to apply",
};

/** zod's issue in people's words, for the few cases without a message of their own. */
function wordsFor(issue: z.core.$ZodIssue): string {
  const field = String(issue.path[0] ?? "");
  if (issue.code === "unrecognized_keys")
    return `This form has no field ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  if (issue.code === "invalid_type" && issue.input === undefined)
    return `Fill in ${FIELD_LABELS[field] ?? field}`;
  if (issue.code === "invalid_type")
    return `${FIELD_LABELS[field] ? `Enter ${FIELD_LABELS[field]}` : `Check ${field || "the form"}`}: expected ${issue.expected}`;
  return issue.message;
}

/** Parses a form or JSON body; throws FieldErrors with every problem. */
export function parseFields<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new FieldErrors(
    r.error.issues.map((i) => ({
      field: i.path.map(String).join(".") || "form",
      message:
        i.code === "custom" ||
        i.message.startsWith("Invalid") ||
        i.code === "unrecognized_keys" ||
        i.code === "invalid_type"
          ? wordsFor(i)
          : i.message,
    })),
  );
}

export const emailField = z
  .string({ error: "Enter an email address" })
  .trim()
  .toLowerCase()
  .min(1, "Enter an email address")
  .max(254, "An email address has at most 254 characters")
  .pipe(z.email({ error: "Enter an email address like dana@example.com" }));

export const nameField = z
  .string({ error: "Enter the person's name" })
  .trim()
  .min(1, "Enter the person's name")
  .max(120, "Keep the name under 120 characters");

export const roleField = z.enum(ROLES, { error: "Choose a role: owner, admin, finance or member" });

/** "" clears it; codes are short labels finance recognises ("CC-1024", "ENG/PLAT"). */
export const costCenterField = z
  .string({ error: "Enter a cost center code" })
  .trim()
  .max(40, "A cost center code has at most 40 characters")
  .regex(/^[A-Za-z0-9 ._/-]*$/, "A cost center code uses letters, digits, spaces and . _ / - only");

export const groupNameField = z
  .string({ error: "Enter the group's name" })
  .trim()
  .min(1, "Enter the group's name")
  .max(80, "Keep the group name under 80 characters");

const idField = z
  .string({ error: "Choose from the list" })
  .min(1, "Choose from the list")
  .max(64, "Choose from the list");
export const idList = (what: string) =>
  z
    .array(idField, { error: `Choose ${what} from the list` })
    .max(1000, `Choose at most 1,000 ${what} at once`);
export const idParam = z.object({ id: idField });

export const addMemberSchema = z.strictObject({
  email: emailField,
  name: nameField,
  role: roleField.default("MEMBER"),
  costCenter: costCenterField.optional(),
  groupIds: idList("groups").default([]),
  managedGroupIds: idList("groups").default([]),
});
export type AddMemberInput = z.infer<typeof addMemberSchema>;

/** An API key, a provider's service account or a project, as Connections lists it. */
const automationIdentity = z.strictObject({
  identityProvider: z
    .string({ error: "Choose a key from the list" })
    .min(1, "Choose a key from the list")
    .max(40, "Choose a key from the list"),
  identityKey: z
    .string({ error: "Choose a key from the list" })
    .max(400, "Choose a key from the list")
    .regex(
      /^(api_key_id|service_account_id|project_id):.+$/,
      "Only an API key, a provider's service account or a project can belong to a service account",
    ),
});

export const addServiceAccountSchema = z.strictObject({
  name: z
    .string({ error: "Name the service account" })
    .trim()
    .min(1, "Name the service account, e.g. CI pipeline")
    .max(120, "Keep the name under 120 characters"),
  ownerId: z
    .string({ error: "Choose the person responsible for it" })
    .min(1, "Choose the person responsible for it")
    .max(64, "Choose the person responsible for it"),
  costCenter: costCenterField.optional(),
  groupIds: idList("groups").default([]),
  identities: z
    .array(automationIdentity, { error: "Choose keys from the list" })
    .max(50, "Choose at most 50 keys at once")
    .default([]),
});
export type AddServiceAccountInput = z.infer<typeof addServiceAccountSchema>;

export const updateMemberSchema = z
  .strictObject({
    name: nameField.optional(),
    role: roleField.optional(),
    costCenter: costCenterField.optional(),
    /** a service account's owner */
    ownerId: idField.optional(),
    addGroupIds: idList("groups").optional(),
    removeGroupIds: idList("groups").optional(),
    addManagedGroupIds: idList("groups").optional(),
    removeManagedGroupIds: idList("groups").optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), {
    message: "Nothing to change: set a name, role, cost center, owner or groups",
    path: ["form"],
  });
export type UpdateMemberInput = z.infer<typeof updateMemberSchema>;

export const deactivateSchema = z.strictObject({
  reason: z
    .string({ error: "Write the reason as text" })
    .trim()
    .max(500, "Keep the reason under 500 characters")
    .optional(),
});

export const createGroupSchema = z.strictObject({
  name: groupNameField,
  costCenter: costCenterField.default(""),
  memberIds: idList("members").default([]),
  managerIds: idList("managers").default([]),
});
export type CreateGroupInput = z.infer<typeof createGroupSchema>;

export const updateGroupSchema = z
  .strictObject({
    name: groupNameField.optional(),
    costCenter: costCenterField.optional(),
    addMemberIds: idList("members").optional(),
    removeMemberIds: idList("members").optional(),
    addManagerIds: idList("managers").optional(),
    removeManagerIds: idList("managers").optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), {
    message: "Nothing to change: set a name, cost center, members or managers",
    path: ["form"],
  });
export type UpdateGroupInput = z.infer<typeof updateGroupSchema>;

/** 4 MB of CSV: about 50,000 people; the import checks the row count itself. */
export const MAX_IMPORT_BYTES = 4 * 1024 * 1024;

export const importSchema = z.strictObject({
  csv: z.string({ error: "Choose a CSV file to upload" }).min(1, "The CSV file is empty"),
  apply: z.boolean({ error: "apply must be true or false" }).default(false),
});

export const memberListSchema = z.object({
  q: z.string().trim().max(120, "Search with at most 120 characters").optional(),
  role: roleField.optional(),
  status: z
    .enum(["active", "deactivated", "all"], { error: "Status is active, deactivated or all" })
    .default("active"),
  group: z.string().max(64).optional(),
  /** people, service accounts (automation) or both */
  kind: z
    .enum(["people", "services", "all"], { error: "Kind is people, services or all" })
    .optional(),
  /** which page of `limit` rows (1 = the first) */
  page: z.coerce
    .number({ error: "Page is a number" })
    .int("Page is a whole number")
    .min(1, "Page is 1 or more")
    .max(100_000, "Page is at most 100000")
    .optional(),
});
export type MemberListQuery = z.infer<typeof memberListSchema>;
