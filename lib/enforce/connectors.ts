/**
 * Vendor enforcement connectors: one per vendor per workspace. The admin key is encrypted
 * at rest (lib/crypto/secrets.ts) and never returned; connectors start switched off and
 * only an owner switches them on. Every change writes an audit event in its transaction.
 */
import "server-only";

import { z } from "zod";

import { writeAudit, type AuditActor } from "../audit/audit";
import { InvalidInputError, NotFoundError } from "../core/errors";
import { decryptSecret, encryptSecret, keyHint, maskKey } from "../crypto/secrets";
import type { Db } from "../server/db";
import { ChatgptAdminClient, DEFAULT_CHATGPT_BASE_URL } from "../vendors/chatgpt/client";
import { ClaudeSpendClient, DEFAULT_CLAUDE_BASE_URL } from "../vendors/claude/client";
import { CursorClient } from "../vendors/cursor/client";
import { DEFAULT_CURSOR_BASE_URL } from "../vendors/cursor/http";
import { explainVendorError } from "../vendors/explain-error";
import { GithubClient, githubTargetText, parseGithubTarget } from "../vendors/github/client";
import { DEFAULT_GITHUB_BASE_URL } from "../vendors/github/http";
import { rateGate } from "../vendors/rate-gate";

export const VENDORS = ["chatgpt", "claude", "github", "cursor"] as const;
export type Vendor = (typeof VENDORS)[number];

export const connectInputSchema = z.object({
  vendor: z.enum(VENDORS),
  baseUrl: z
    .string()
    .max(2048, "Base URL must be at most 2,048 characters")
    .pipe(z.url("Base URL must be a URL like https://api.anthropic.com"))
    .optional()
    .or(z.literal("").transform(() => undefined)),
  apiKey: z
    .string()
    .trim()
    .min(8, "Paste the vendor admin key")
    .max(1000, "That key is too long: paste the vendor admin key"),
  vendorWorkspaceId: z.string().trim().max(200).optional(),
});
export type ConnectInput = z.infer<typeof connectInputSchema>;

export const connectorSettingsSchema = z.object({
  enabled: z.boolean().optional(),
  readOnly: z.boolean().optional(),
});

export type ConnectorRow = NonNullable<Awaited<ReturnType<Db["vendorConnector"]["findFirst"]>>>;

export interface ConnectorView {
  id: string;
  vendor: Vendor;
  name: string;
  baseUrl: string;
  vendorWorkspaceId: string | null;
  key: string;
  enabled: boolean;
  readOnly: boolean;
  vendorUnit: string | null;
  lastReadAt: Date | null;
  lastError: string | null;
  blockedUntil: Date | null;
  /** what this connector can never write, from the vendor reference */
  limits: string[];
}

const VENDOR_LIMITS: Record<Vendor, string[]> = {
  github: [
    "Limits are user-level AI-credit budgets in whole US dollars (Allotment rounds down); GitHub applies the most specific: individual, else the cost center's per-user budget, else the universal one.",
    "GitHub has no unlimited individual budget: a person Allotment leaves unlimited keeps the shared budget (stricter).",
    "Cost-center per-user budgets are written where GitHub accepts that scope (its create body is unconfirmed); otherwise those people get individual budgets.",
    "Individual budgets carry expires_at, and Allotment reverts expiring grants itself, on time.",
  ],
  chatgpt: [
    "Group and workspace defaults are read-only here: their request bodies are not confirmed in the ChatGPT Admin API reference.",
    "The built-in “Pending requests” queue is not read: its shape is unconfirmed. Point the workspace's custom request destination at Allotment instead.",
  ],
  claude: [
    "Only per-user limits are writable; organization, seat-tier and group defaults are read-only in the Spend Limits API.",
    "Claude has no temporary overrides: Allotment reverts expiring grants itself, on time.",
  ],
  cursor: [
    "Only member spend limits are writable, in whole dollars (Allotment rounds down); the team's per-member limit is read-only.",
    "Cursor cannot make a member unlimited while the team has a per-member limit: that limit stays (stricter than Allotment).",
    "Cursor has no temporary limits: Allotment reverts expiring grants itself, on time.",
  ],
};

export function viewOf(c: ConnectorRow): ConnectorView {
  return {
    id: c.id,
    vendor: c.vendor as Vendor,
    name: c.name,
    baseUrl: c.baseUrl,
    vendorWorkspaceId: c.vendorWorkspaceId,
    key: maskKey(c.keyHint),
    enabled: c.enabled,
    readOnly: c.readOnly,
    vendorUnit: c.vendorUnit,
    lastReadAt: c.lastReadAt,
    lastError: c.lastError,
    blockedUntil: c.blockedUntil,
    limits: VENDOR_LIMITS[c.vendor as Vendor] ?? [],
  };
}

export async function listConnectors(db: Db, workspaceId: string): Promise<ConnectorRow[]> {
  return db.vendorConnector.findMany({ where: { workspaceId }, orderBy: { vendor: "asc" } });
}

export async function getConnector(db: Db, workspaceId: string, id: string): Promise<ConnectorRow> {
  const c = await db.vendorConnector.findFirst({ where: { id, workspaceId } });
  if (!c) throw new NotFoundError("connector");
  return c;
}

/**
 * One read with the key before anything is saved, so "Connected" is true: the roster's first
 * page (ChatGPT: key + workspace id) or the first effective-limit row (Claude). A failure
 * throws the vendor's answer explained (lib/enforce/vendor-errors.ts).
 */
export async function checkVendorAccess(input: ConnectInput): Promise<void> {
  const baseUrl =
    input.baseUrl ??
    (input.vendor === "github" ? DEFAULT_GITHUB_BASE_URL : undefined) ??
    (input.vendor === "cursor"
      ? DEFAULT_CURSOR_BASE_URL
      : input.vendor === "chatgpt"
        ? DEFAULT_CHATGPT_BASE_URL
        : DEFAULT_CLAUDE_BASE_URL);
  try {
    if (input.vendor === "github")
      await new GithubClient({
        baseUrl,
        token: input.apiKey,
        target: githubTargetOf(input),
      }).seats();
    else if (input.vendor === "chatgpt")
      await new ChatgptAdminClient({
        baseUrl,
        apiKey: input.apiKey,
        workspaceId: input.vendorWorkspaceId ?? "",
      }).probe();
    else if (input.vendor === "cursor")
      await new CursorClient({ baseUrl, apiKey: input.apiKey }).probe();
    else await new ClaudeSpendClient({ baseUrl, apiKey: input.apiKey }).probe();
  } catch (error) {
    throw explainVendorError(error, {
      vendor: input.vendor,
      baseUrl,
      vendorWorkspaceId: input.vendorWorkspaceId,
    });
  }
}

/** GitHub: "org:<name>" or "enterprise:<slug>" in the vendor workspace id field. */
function githubTargetOf(input: ConnectInput) {
  const t = parseGithubTarget(input.vendorWorkspaceId ?? "");
  if (!t)
    throw new InvalidInputError(
      "GitHub needs the organization or enterprise: org:<name> or enterprise:<slug>",
      "vendorWorkspaceId",
    );
  return t;
}

/** Creates or re-keys the workspace's connector for a vendor. It stays off (or keeps its switch). */
export async function connectVendor(
  db: Db,
  workspaceId: string,
  actor: AuditActor,
  input: ConnectInput,
): Promise<ConnectorRow> {
  const github = input.vendor === "github" ? githubTargetText(githubTargetOf(input)) : null;
  if (input.vendor === "chatgpt" && !input.vendorWorkspaceId)
    throw new InvalidInputError(
      "ChatGPT needs the workspace id (from the Admin Console)",
      "vendorWorkspaceId",
    );
  const baseUrl =
    input.baseUrl ??
    (input.vendor === "github" ? DEFAULT_GITHUB_BASE_URL : undefined) ??
    (input.vendor === "cursor"
      ? DEFAULT_CURSOR_BASE_URL
      : input.vendor === "chatgpt"
        ? DEFAULT_CHATGPT_BASE_URL
        : DEFAULT_CLAUDE_BASE_URL);
  const data = {
    baseUrl,
    encryptedKey: encryptSecret(input.apiKey),
    keyHint: keyHint(input.apiKey),
    vendorWorkspaceId: input.vendor === "chatgpt" ? input.vendorWorkspaceId! : github,
    vendorUnit: (input.vendor === "claude"
      ? "usd"
      : input.vendor === "cursor"
        ? "usd_whole"
        : null) as string | null,
    lastError: null,
  };
  // GitHub budgets are whole US dollars
  if (input.vendor === "github") data.vendorUnit = "usd_whole";
  return db.$transaction(async (tx) => {
    const before = await tx.vendorConnector.findUnique({
      where: { workspaceId_vendor: { workspaceId, vendor: input.vendor } },
    });
    // the unit belongs to the vendor workspace: a new key for the same workspace keeps it (no credits shown as dollars meanwhile)
    if (before && input.vendor === "chatgpt" && before.vendorWorkspaceId === data.vendorWorkspaceId)
      data.vendorUnit = before.vendorUnit;
    const row = before
      ? await tx.vendorConnector.update({ where: { id: before.id }, data })
      : await tx.vendorConnector.create({
          data: {
            workspaceId,
            vendor: input.vendor,
            name:
              input.vendor === "chatgpt"
                ? "ChatGPT Enterprise"
                : input.vendor === "cursor"
                  ? "Cursor"
                  : "Claude Enterprise",
            ...data,
            ...(input.vendor === "github" ? { name: "GitHub Copilot" } : {}),
          },
        });
    const safe = (r: ConnectorRow | null) =>
      r
        ? {
            vendor: r.vendor,
            baseUrl: r.baseUrl,
            key: maskKey(r.keyHint),
            enabled: r.enabled,
            readOnly: r.readOnly,
          }
        : undefined;
    await writeAudit(tx, {
      workspaceId,
      actor,
      action: before ? "enforcement.connector.rekey" : "enforcement.connector.create",
      targetType: "VendorConnector",
      targetId: row.id,
      before: safe(before),
      after: safe(row),
    });
    return row;
  });
}

export async function updateConnectorSettings(
  db: Db,
  workspaceId: string,
  actor: AuditActor,
  id: string,
  settings: z.infer<typeof connectorSettingsSchema>,
): Promise<ConnectorRow> {
  return db.$transaction(async (tx) => {
    const before = await tx.vendorConnector.findFirst({ where: { id, workspaceId } });
    if (!before) throw new NotFoundError("connector");
    const row = await tx.vendorConnector.update({ where: { id }, data: settings });
    await writeAudit(tx, {
      workspaceId,
      actor,
      action: "enforcement.connector.settings",
      targetType: "VendorConnector",
      targetId: id,
      before: { enabled: before.enabled, readOnly: before.readOnly },
      after: { enabled: row.enabled, readOnly: row.readOnly },
    });
    return row;
  });
}

export async function isPaused(db: Db, workspaceId: string): Promise<boolean> {
  return (await db.enforcementSetting.findUnique({ where: { workspaceId } }))?.paused ?? false;
}

export async function setPaused(
  db: Db,
  workspaceId: string,
  actor: AuditActor,
  paused: boolean,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.enforcementSetting.findUnique({ where: { workspaceId } });
    await tx.enforcementSetting.upsert({
      where: { workspaceId },
      create: { workspaceId, paused, updatedBy: actor.label },
      update: { paused, updatedBy: actor.label },
    });
    await writeAudit(tx, {
      workspaceId,
      actor,
      action: paused ? "enforcement.pause" : "enforcement.resume",
      targetType: "workspace",
      targetId: workspaceId,
      before: { paused: before?.paused ?? false },
      after: { paused },
    });
  });
}

/** Why nothing may be written through this connector right now, or null when writes may go. */
export async function writeBlocker(db: Db, c: ConnectorRow): Promise<string | null> {
  if (await isPaused(db, c.workspaceId)) return "Enforcement is paused for this workspace";
  if (!c.enabled) return `${c.name} is switched off`;
  if (c.readOnly) return `${c.name} is read-only`;
  if (c.vendor === "chatgpt" && !c.vendorUnit)
    return "The ChatGPT workspace unit is not known yet (read the vendor first)";
  return null;
}

export function chatgptClient(
  db: Db,
  c: ConnectorRow,
  opts: { waitForRate?: boolean } = {},
): ChatgptAdminClient {
  if (!c.vendorWorkspaceId) throw new Error("ChatGPT connector has no workspace id");
  return new ChatgptAdminClient({
    baseUrl: c.baseUrl,
    apiKey: decryptSecret(c.encryptedKey),
    workspaceId: c.vendorWorkspaceId,
    beforeCall: rateGate(db, c, { wait: opts.waitForRate }),
  });
}

export function githubClient(
  db: Db,
  c: ConnectorRow,
  opts: { waitForRate?: boolean } = {},
): GithubClient {
  const target = parseGithubTarget(c.vendorWorkspaceId ?? "");
  if (!target) throw new Error("GitHub connector has no organization or enterprise");
  return new GithubClient({
    baseUrl: c.baseUrl,
    token: decryptSecret(c.encryptedKey),
    target,
    beforeCall: rateGate(db, c, { wait: opts.waitForRate }),
  });
}

export function claudeClient(
  db: Db,
  c: ConnectorRow,
  opts: { waitForRate?: boolean } = {},
): ClaudeSpendClient {
  return new ClaudeSpendClient({
    baseUrl: c.baseUrl,
    apiKey: decryptSecret(c.encryptedKey),
    beforeCall: rateGate(db, c, { wait: opts.waitForRate }),
  });
}
