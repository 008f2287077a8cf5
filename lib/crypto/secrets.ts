/**
 * Provider admin keys at rest: AES-256-GCM with a key from ALLOTMENT_ENCRYPTION_KEY
 * (32 bytes, base64 or hex). Demo mode without a key derives a fixed, well-known dev key —
 * fine for demo data, never for real keys (startup refuses production without one).
 * Stored form: "v1.<iv>.<tag>.<ciphertext>" in base64url.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

import { env } from "../server/env";

const VERSION = "v1";

export function parseEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  const candidates = [
    /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, "hex") : null,
    Buffer.from(trimmed, "base64"),
  ];
  const key = candidates.find((b) => b && b.length === 32);
  if (!key)
    throw new Error(
      "ALLOTMENT_ENCRYPTION_KEY must be 32 bytes, base64 or hex (openssl rand -base64 32)",
    );
  return key;
}

export function encryptionKey(): Buffer {
  const e = env();
  if (e.ALLOTMENT_ENCRYPTION_KEY) return parseEncryptionKey(e.ALLOTMENT_ENCRYPTION_KEY);
  if (e.ALLOTMENT_DEMO_MODE || e.NODE_ENV === "test")
    return createHash("sha256").update("allotment-demo-encryption-key").digest();
  throw new Error("ALLOTMENT_ENCRYPTION_KEY is not set: provider keys cannot be encrypted");
}

export function encryptSecret(plain: string, key: Buffer = encryptionKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [
    VERSION,
    iv.toString("base64url"),
    cipher.getAuthTag().toString("base64url"),
    data.toString("base64url"),
  ].join(".");
}

export function decryptSecret(stored: string, key: Buffer = encryptionKey()): string {
  const [version, iv, tag, data] = stored.split(".");
  if (version !== VERSION || !iv || !tag || data === undefined)
    throw new Error("stored secret has an unknown format");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  try {
    return Buffer.concat([
      decipher.update(Buffer.from(data, "base64url")),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    // never echo the ciphertext or key material
    throw new Error("stored secret cannot be decrypted (wrong ALLOTMENT_ENCRYPTION_KEY?)");
  }
}

/** "••••abcd": the only form of a key that leaves the server. */
export function maskKey(hint: string | null | undefined): string {
  return hint ? `••••${hint}` : "(none)";
}

export function keyHint(plain: string): string {
  return plain.slice(-4);
}
