import { randomBytes } from "node:crypto";

import { describe, expect, it } from "vitest";

import { decryptSecret, encryptSecret, maskKey, parseEncryptionKey } from "./secrets";

describe("secrets", () => {
  const key = randomBytes(32);
  it("round-trips and never stores the plain text", () => {
    const stored = encryptSecret("sk-admin-123456", key);
    expect(stored).not.toContain("sk-admin");
    expect(decryptSecret(stored, key)).toBe("sk-admin-123456");
    expect(encryptSecret("sk-admin-123456", key)).not.toBe(stored); // fresh IV each time
  });
  it("refuses a tampered ciphertext or a wrong key", () => {
    const stored = encryptSecret("secret", key);
    const parts = stored.split(".");
    parts[3] = Buffer.from("SECRET").toString("base64url");
    expect(() => decryptSecret(parts.join("."), key)).toThrow(/cannot be decrypted/);
    expect(() => decryptSecret(stored, randomBytes(32))).toThrow(/cannot be decrypted/);
  });
  it("accepts base64 and hex keys of 32 bytes only", () => {
    expect(parseEncryptionKey(key.toString("base64")).equals(key)).toBe(true);
    expect(parseEncryptionKey(key.toString("hex")).equals(key)).toBe(true);
    expect(() => parseEncryptionKey("short")).toThrow(/32 bytes/);
  });
  it("masks keys", () => {
    expect(maskKey("abcd")).toBe("••••abcd");
    expect(maskKey(null)).toBe("(none)");
  });
});
