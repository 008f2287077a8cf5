/** What a credit request remembers of the requester's budget at filing time (JSON text in the row). */
import { z } from "zod";

export const requestSnapshotSchema = z.object({
  unit: z.enum(["CREDITS", "USD"]),
  period: z.object({ start: z.string(), end: z.string() }),
  usedMicros: z.string(),
  limitMicros: z.string().nullable(),
  remainingMicros: z.string().nullable(),
  reason: z.string(),
  state: z.string(),
  projectedMicros: z.string(),
  takenAt: z.string(),
});
export type RequestSnapshot = z.infer<typeof requestSnapshotSchema>;

export function parseSnapshot(text: string): RequestSnapshot | null {
  try {
    const r = requestSnapshotSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
