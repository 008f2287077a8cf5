/** Credit-request input as it arrives from the form or the API (pure; strings in, parsed once). */
import { z } from "zod";

import { InvalidInputError } from "../core/errors";
import { MAX_AMOUNT_MICROS, parseAmountText } from "../core/money";
import { isDayKey } from "../core/period";

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === undefined || v === "" ? undefined : v));

export const MIN_REASON_LENGTH = 20;

export const fileRequestSchema = z.object({
  amount: z.string().trim().min(1, "Say how much you need"),
  reason: z
    .string()
    .trim()
    .min(
      MIN_REASON_LENGTH,
      `Explain what the credits are for (at least ${MIN_REASON_LENGTH} characters)`,
    )
    .max(2000, "Keep the reason under 2,000 characters"),
  link: optionalText
    .refine((v) => v === undefined || /^https?:\/\/[^\s]+$/i.test(v), {
      message: "Link must be a http(s) URL to the ticket or PR",
    })
    .refine((v) => v === undefined || v.length <= 500, { message: "Link is too long" }),
  neededUntil: optionalText.refine((v) => v === undefined || isDayKey(v), {
    message: "Use a date like 2026-12-31",
  }),
  product: z
    .string()
    .trim()
    .max(40)
    .regex(/^[a-z0-9_.-]*$/, "Product is a lower-case id like codex (empty = all products)")
    .default(""),
});
export type FileRequestInput = z.infer<typeof fileRequestSchema>;

export const approveSchema = z.object({
  /** granted amount in the budget unit; absent = the amount asked */
  amount: optionalText,
  note: optionalText.refine((v) => v === undefined || v.length <= 1000, {
    message: "Keep the note under 1,000 characters",
  }),
});
export type ApproveInput = z.infer<typeof approveSchema>;

export const denySchema = z.object({
  note: z
    .string()
    .trim()
    .min(3, "Tell the requester why (a note is required to deny)")
    .max(1000, "Keep the note under 1,000 characters"),
});
export type DenyInput = z.infer<typeof denySchema>;

/** An amount asked or granted, as typed: the one parser (lib/core/money.ts parseAmountText). */
export function parseRequestAmount(
  text: string,
  field = "amount",
  opts: { label?: string; maxMicros?: bigint } = {},
): bigint {
  const r = parseAmountText(text, {
    label: opts.label ?? "Amount",
    maxMicros: opts.maxMicros ?? MAX_AMOUNT_MICROS,
  });
  if (!r.ok) throw new InvalidInputError(r.error, field);
  return r.micros;
}
