/**
 * Alert channel secrets at rest — the webhook's HMAC signing secret and the SMTP URL (which
 * carries the mail server's credentials) — sealed with AES-256-GCM like provider admin keys
 * (lib/crypto/secrets.ts). They are opened only to send, on the server; no DTO carries them
 * (the signing secret is shown once, when the channel is created).
 *
 * Channels stored before this held both in plaintext (signingSecret as is, settingsJson
 * {"smtpUrl"}). They are still read, and sealed in place the first time they are used: a
 * conditional update on the exact stored values, so a concurrent change is never
 * overwritten and the plaintext is never lost before its sealed form is written.
 */
import "server-only";

import { z } from "zod";

import { decryptSecret, encryptSecret } from "../crypto/secrets";
import type { Db } from "../server/db";

/** The stored form of encryptSecret: "v1.<iv>.<tag>.<ciphertext>" (base64url). */
const SEALED = /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export function isSealed(stored: string): boolean {
  return SEALED.test(stored);
}

const storedEmailSettingsSchema = z.union([
  z.object({ smtpUrlSealed: z.string(), from: z.string() }),
  z.object({ smtpUrl: z.string(), from: z.string() }),
]);

export interface EmailSettings {
  smtpUrl: string;
  from: string;
}

/** settingsJson for a new email channel: the SMTP URL sealed. */
export function sealEmailSettings(settings: EmailSettings): string {
  return JSON.stringify({ smtpUrlSealed: encryptSecret(settings.smtpUrl), from: settings.from });
}

/** A new webhook channel's signing secret as stored. */
export function sealSigningSecret(secret: string): string {
  return encryptSecret(secret);
}

export interface StoredChannel {
  id: string;
  kind: string;
  signingSecret: string | null;
  settingsJson: string;
}

export interface OpenChannel {
  signingSecret: string | null;
  email: EmailSettings | null;
}

/**
 * The channel's secrets in the clear, for sending. Plaintext left from before sealing is
 * sealed on the way (see the header comment). Throws if a sealed value cannot be opened
 * (another ALLOTMENT_ENCRYPTION_KEY); the message never contains the secret.
 */
export async function openChannel(db: Db, channel: StoredChannel): Promise<OpenChannel> {
  const legacySecret = channel.signingSecret !== null && !isSealed(channel.signingSecret);
  const signingSecret =
    channel.signingSecret === null
      ? null
      : legacySecret
        ? channel.signingSecret
        : decryptSecret(channel.signingSecret);

  let email: EmailSettings | null = null;
  let legacySettings = false;
  if (channel.kind === "email") {
    const stored = storedEmailSettingsSchema.parse(JSON.parse(channel.settingsJson));
    legacySettings = "smtpUrl" in stored;
    email = {
      smtpUrl: "smtpUrl" in stored ? stored.smtpUrl : decryptSecret(stored.smtpUrlSealed),
      from: stored.from,
    };
  }

  if (legacySecret || legacySettings) {
    await db.alertChannel.updateMany({
      where: {
        id: channel.id,
        signingSecret: channel.signingSecret,
        settingsJson: channel.settingsJson,
      },
      data: {
        ...(legacySecret && signingSecret !== null
          ? { signingSecret: sealSigningSecret(signingSecret) }
          : {}),
        ...(legacySettings && email ? { settingsJson: sealEmailSettings(email) } : {}),
      },
    });
  }
  return { signingSecret, email };
}
