/**
 * The workspace's Slack approvals setting (owner): where requests are posted, the bot token
 * and the signing secret. Both secrets are sealed at rest (lib/crypto/secrets.ts), opened
 * only on the server to call Slack or verify a click, and never leave it: the DTO shows the
 * token's last four characters and whether a signing secret is set. Every change is audited
 * (without the secrets).
 */
import "server-only";

import { z } from "zod";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import { InvalidInputError, NotFoundError } from "../core/errors";
import { decryptSecret, encryptSecret, keyHint, maskKey } from "../crypto/secrets";
import type { Db } from "../server/db";
import type { SlackTarget } from "../vendors/slack/client";

const secretText = (label: string) =>
  z
    .string()
    .trim()
    .min(8, `${label} is too short`)
    .max(200, `${label} must be at most 200 characters`)
    .regex(/^[\x21-\x7e]+$/, `${label} has spaces or characters Slack never uses`);

export const slackSettingsInputSchema = z
  .object({
    mode: z.enum(["webhook", "api"]),
    postUrl: z
      .string()
      .trim()
      .max(2048, "URL must be at most 2,048 characters")
      .pipe(z.url({ protocol: /^https?$/, error: "Give an http(s) URL" })),
    channel: z
      .string()
      .trim()
      .max(80)
      .regex(/^[#A-Za-z0-9_.-]*$/, "A channel is an id (C0123ABC) or #name")
      .optional()
      .transform((v) => (v ? v : null)),
    /** left out on an update: keep the stored one */
    botToken: secretText("Bot token").optional(),
    signingSecret: secretText("Signing secret").optional(),
    enabled: z.boolean().default(true),
  })
  .strict()
  .refine((v) => v.mode !== "api" || v.channel !== null, {
    message: "chat.postMessage needs a channel",
    path: ["channel"],
  });
export type SlackSettingsInput = z.infer<typeof slackSettingsInputSchema>;

export interface SlackSettingsDto {
  configured: boolean;
  mode: "webhook" | "api" | null;
  postUrl: string | null;
  channel: string | null;
  enabled: boolean;
  botToken: string;
  signingSecretSet: boolean;
  updatedAt: string | null;
}

const EMPTY: SlackSettingsDto = {
  configured: false,
  mode: null,
  postUrl: null,
  channel: null,
  enabled: false,
  botToken: maskKey(null),
  signingSecretSet: false,
  updatedAt: null,
};

/** A webhook URL is itself a credential: shown and audited as its origin and "/…". */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname.length > 1 ? "/…" : ""}`;
  } catch {
    return "(invalid URL)";
  }
}

type Row = NonNullable<Awaited<ReturnType<Db["slackSetting"]["findUnique"]>>>;

function dtoOf(r: Row | null): SlackSettingsDto {
  if (!r) return EMPTY;
  let hint: string | null = null;
  try {
    hint = keyHint(decryptSecret(r.botTokenSealed));
  } catch {
    hint = null; // another encryption key: shown as unset, re-entering it fixes it
  }
  return {
    configured: true,
    mode: r.mode === "api" ? "api" : "webhook",
    postUrl: r.mode === "api" ? r.postUrl : displayUrl(r.postUrl),
    channel: r.channel,
    enabled: r.enabled,
    botToken: maskKey(hint),
    signingSecretSet: true,
    updatedAt: r.updatedAt.toISOString(),
  };
}

export async function getSlackSettings(db: Db, workspaceId: string): Promise<SlackSettingsDto> {
  return dtoOf(await db.slackSetting.findUnique({ where: { workspaceId } }));
}

export async function saveSlackSettings(
  db: Db,
  actor: Actor,
  input: SlackSettingsInput,
): Promise<SlackSettingsDto> {
  return db.$transaction(async (tx) => {
    const before = await tx.slackSetting.findUnique({ where: { workspaceId: actor.workspaceId } });
    if (!before && (!input.botToken || !input.signingSecret))
      throw new InvalidInputError(
        "Give the bot token and the signing secret (Slack app → Basic Information / OAuth & Permissions)",
        !input.botToken ? "botToken" : "signingSecret",
      );
    const data = {
      mode: input.mode,
      postUrl: input.postUrl,
      channel: input.channel,
      enabled: input.enabled,
      updatedById: actor.memberId,
      ...(input.botToken ? { botTokenSealed: encryptSecret(input.botToken) } : {}),
      ...(input.signingSecret ? { signingSecretSealed: encryptSecret(input.signingSecret) } : {}),
    };
    const after = before
      ? await tx.slackSetting.update({ where: { workspaceId: actor.workspaceId }, data })
      : await tx.slackSetting.create({
          data: {
            workspaceId: actor.workspaceId,
            ...data,
            botTokenSealed: encryptSecret(input.botToken!),
            signingSecretSealed: encryptSecret(input.signingSecret!),
          },
        });
    const shown = (r: Row) => ({
      mode: r.mode,
      postUrl: displayUrl(r.postUrl),
      channel: r.channel,
      enabled: r.enabled,
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "slack.settings_update",
      targetType: "SlackSetting",
      targetId: actor.workspaceId,
      before: before ? shown(before) : null,
      after: {
        ...shown(after),
        botTokenChanged: Boolean(input.botToken),
        signingSecretChanged: Boolean(input.signingSecret),
      },
    });
    return dtoOf(after);
  });
}

export async function removeSlackSettings(db: Db, actor: Actor): Promise<void> {
  await db.$transaction(async (tx) => {
    const { count } = await tx.slackSetting.deleteMany({
      where: { workspaceId: actor.workspaceId },
    });
    if (count !== 1) throw new NotFoundError("Slack setting");
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "slack.settings_remove",
      targetType: "SlackSetting",
      targetId: actor.workspaceId,
      before: { configured: true },
      after: null,
    });
  });
}

export interface OpenSlackSetting {
  workspaceId: string;
  target: SlackTarget;
  signingSecret: string;
}

/** Opens a stored setting for use; null when its secrets cannot be opened (another key). */
export function openSlackSetting(r: Row): OpenSlackSetting | null {
  try {
    return {
      workspaceId: r.workspaceId,
      target: {
        mode: r.mode === "api" ? "api" : "webhook",
        postUrl: r.postUrl,
        channel: r.channel,
        botToken: decryptSecret(r.botTokenSealed),
      },
      signingSecret: decryptSecret(r.signingSecretSealed),
    };
  } catch {
    return null;
  }
}

/** The enabled settings of every workspace, opened (the interaction endpoint tries each secret). */
export async function enabledSlackSettings(db: Db): Promise<OpenSlackSetting[]> {
  const rows = await db.slackSetting.findMany({ where: { enabled: true } });
  return rows.map(openSlackSetting).filter((s): s is OpenSlackSetting => s !== null);
}

export async function slackSettingFor(
  db: Db,
  workspaceId: string,
): Promise<OpenSlackSetting | null> {
  const r = await db.slackSetting.findFirst({ where: { workspaceId, enabled: true } });
  return r ? openSlackSetting(r) : null;
}
