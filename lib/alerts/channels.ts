/**
 * Alert channels: a Slack-compatible webhook or email via an SMTP server. Input is parsed
 * with zod; the DTO never carries the signing secret or SMTP credentials, and both are
 * stored sealed (channel-secrets.ts).
 */
import "server-only";

import { randomBytes } from "node:crypto";

import { z } from "zod";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import { ConflictError, NotFoundError } from "../core/errors";
import type { Db } from "../server/db";
import { sealEmailSettings, sealSigningSecret } from "./channel-secrets";

/** URLs are capped at 2,048 characters, names at 80, address lists at 2,000 (issue 15). */
export const MAX_URL_LENGTH = 2048;

const emailList = z
  .string()
  .max(2000, "Keep the address list under 2,000 characters")
  .transform((s) =>
    s
      .split(/[,\s]+/)
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.email()).min(1, "at least one address").max(20));

export const channelInputSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("webhook"),
    name: z.string().trim().min(1).max(80),
    url: z
      .string()
      .max(MAX_URL_LENGTH, `URL must be at most ${MAX_URL_LENGTH} characters`)
      .pipe(z.url({ protocol: /^https?$/ })),
  }),
  z.object({
    kind: z.literal("email"),
    name: z.string().trim().min(1).max(80),
    to: emailList,
    smtpUrl: z
      .string()
      .max(MAX_URL_LENGTH, `SMTP URL must be at most ${MAX_URL_LENGTH} characters`)
      .pipe(z.url({ protocol: /^smtps?$/ })),
    from: z.string().max(254, "Address must be at most 254 characters").pipe(z.email()),
  }),
]);
export type ChannelInput = z.infer<typeof channelInputSchema>;

export interface ChannelDto {
  id: string;
  kind: "webhook" | "email";
  name: string;
  /** webhook host or recipient list, for display */
  target: string;
  enabled: boolean;
  /** shown once, on creation only */
  signingSecret?: string;
  lastDelivery: { status: string; at: string; error: string | null } | null;
}

function displayTarget(kind: string, target: string): string {
  if (kind !== "webhook") return target;
  try {
    const u = new URL(target);
    return `${u.protocol}//${u.host}${u.pathname.length > 1 ? "/…" : ""}`;
  } catch {
    return "(invalid URL)";
  }
}

export async function listChannels(db: Db, workspaceId: string): Promise<ChannelDto[]> {
  const rows = await db.alertChannel.findMany({
    where: { workspaceId },
    orderBy: { name: "asc" },
    include: { deliveries: { orderBy: { createdAt: "desc" }, take: 1 } },
  });
  return rows.map((c) => ({
    id: c.id,
    kind: c.kind === "email" ? "email" : "webhook",
    name: c.name,
    target: displayTarget(c.kind, c.target),
    enabled: c.enabled,
    lastDelivery: c.deliveries[0]
      ? {
          status: c.deliveries[0].status,
          at: c.deliveries[0].createdAt.toISOString(),
          error: c.deliveries[0].lastError,
        }
      : null,
  }));
}

export async function createChannel(
  db: Db,
  actor: Actor,
  input: ChannelInput,
  /** when: the app's clock unless given (the demo seed dates its setup over past weeks) */
  at?: Date,
): Promise<ChannelDto> {
  const secret = input.kind === "webhook" ? randomBytes(24).toString("base64url") : null;
  try {
    const c = await db.$transaction(async (tx) => {
      const created = await tx.alertChannel.create({
        data: {
          workspaceId: actor.workspaceId,
          kind: input.kind,
          name: input.name,
          target: input.kind === "webhook" ? input.url : input.to.join(","),
          signingSecret: secret === null ? null : sealSigningSecret(secret),
          settingsJson:
            input.kind === "email"
              ? sealEmailSettings({ smtpUrl: input.smtpUrl, from: input.from })
              : "{}",
          ...(at ? { createdAt: at, updatedAt: at } : {}),
        },
      });
      await writeAudit(tx, {
        workspaceId: actor.workspaceId,
        actor: auditActor(actor),
        action: "alert_channel.create",
        targetType: "alert_channel",
        targetId: created.id,
        after: {
          kind: created.kind,
          name: created.name,
          target: displayTarget(created.kind, created.target),
        },
        at,
      });
      return created;
    });
    return {
      id: c.id,
      kind: input.kind,
      name: c.name,
      target: displayTarget(c.kind, c.target),
      enabled: c.enabled,
      lastDelivery: null,
      ...(secret ? { signingSecret: secret } : {}),
    };
  } catch (error) {
    if ((error as { code?: string }).code === "P2002")
      throw new ConflictError(`A channel named "${input.name}" already exists`);
    throw error;
  }
}

export async function deleteChannel(db: Db, actor: Actor, id: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const existing = await tx.alertChannel.findFirst({
      where: { id, workspaceId: actor.workspaceId },
    });
    if (!existing) throw new NotFoundError();
    const { count } = await tx.alertChannel.deleteMany({
      where: { id, workspaceId: actor.workspaceId },
    });
    if (count !== 1) throw new NotFoundError();
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "alert_channel.delete",
      targetType: "alert_channel",
      targetId: id,
      before: { kind: existing.kind, name: existing.name },
    });
  });
}
