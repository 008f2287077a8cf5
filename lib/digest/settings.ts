/**
 * The weekly manager digest setting (owner): on or off, and which alert channels carry it —
 * an email channel's SMTP server sends each manager their own digest (to their address, not
 * the channel's list), a webhook channel gets one message per manager. Audited.
 */
import "server-only";

import { z } from "zod";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import { InvalidInputError } from "../core/errors";
import type { Db } from "../server/db";

const channelId = z
  .string()
  .trim()
  .max(64)
  .optional()
  .transform((v) => (v ? v : null));

export const digestSettingsInputSchema = z
  .object({ enabled: z.boolean(), emailChannelId: channelId, webhookChannelId: channelId })
  .strict();
export type DigestSettingsInput = z.infer<typeof digestSettingsInputSchema>;

export interface DigestSettingsDto {
  enabled: boolean;
  emailChannelId: string | null;
  webhookChannelId: string | null;
  channels: { id: string; kind: "email" | "webhook"; name: string }[];
  /** who gets a digest: every active manager of at least one group (for the preview) */
  managers: { id: string; name: string; email: string }[];
}

export async function getDigestSettings(db: Db, workspaceId: string): Promise<DigestSettingsDto> {
  const [s, channels, managers] = await Promise.all([
    db.digestSetting.findUnique({ where: { workspaceId } }),
    db.alertChannel.findMany({
      where: { workspaceId },
      orderBy: { name: "asc" },
      select: { id: true, kind: true, name: true },
    }),
    db.member.findMany({
      where: { workspaceId, active: true, managedGroups: { some: {} } },
      orderBy: { name: "asc" },
      select: { id: true, name: true, email: true },
    }),
  ]);
  return {
    enabled: s?.enabled ?? false,
    emailChannelId: s?.emailChannelId ?? null,
    webhookChannelId: s?.webhookChannelId ?? null,
    channels: channels.map((c) => ({
      id: c.id,
      kind: c.kind === "email" ? "email" : "webhook",
      name: c.name,
    })),
    managers,
  };
}

export async function saveDigestSettings(
  db: Db,
  actor: Actor,
  input: DigestSettingsInput,
): Promise<DigestSettingsDto> {
  await db.$transaction(async (tx) => {
    for (const [field, id, kind] of [
      ["emailChannelId", input.emailChannelId, "email"],
      ["webhookChannelId", input.webhookChannelId, "webhook"],
    ] as const) {
      if (id === null) continue;
      const c = await tx.alertChannel.findFirst({ where: { id, workspaceId: actor.workspaceId } });
      if (!c || c.kind !== kind)
        throw new InvalidInputError(`Choose one of this workspace's ${kind} channels`, field);
    }
    if (input.enabled && input.emailChannelId === null && input.webhookChannelId === null)
      throw new InvalidInputError(
        "Choose an email or a webhook channel for the digest (Alerts → Channels)",
        "emailChannelId",
      );
    const before = await tx.digestSetting.findUnique({
      where: { workspaceId: actor.workspaceId },
    });
    const data = {
      enabled: input.enabled,
      emailChannelId: input.emailChannelId,
      webhookChannelId: input.webhookChannelId,
      updatedById: actor.memberId,
    };
    await tx.digestSetting.upsert({
      where: { workspaceId: actor.workspaceId },
      create: { workspaceId: actor.workspaceId, ...data },
      update: data,
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "digest.settings_update",
      targetType: "DigestSetting",
      targetId: actor.workspaceId,
      before: before
        ? {
            enabled: before.enabled,
            emailChannelId: before.emailChannelId,
            webhookChannelId: before.webhookChannelId,
          }
        : null,
      after: {
        enabled: input.enabled,
        emailChannelId: input.emailChannelId,
        webhookChannelId: input.webhookChannelId,
      },
    });
  });
  return getDigestSettings(db, actor.workspaceId);
}
