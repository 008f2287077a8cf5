/** JSON text for stored payloads: bigint becomes a decimal string, so micro-units stay exact. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}
