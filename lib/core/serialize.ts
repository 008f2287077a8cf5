import { toJsonText } from "./json";

/** The JSON shape of a server value: bigint travels as a decimal string (exact). */
export type Serialized<T> = T extends bigint
  ? string
  : T extends (infer U)[]
    ? Serialized<U>[]
    : T extends object
      ? { [K in keyof T]: Serialized<T[K]> }
      : T;

export function serialize<T>(value: T): Serialized<T> {
  return JSON.parse(toJsonText(value)) as Serialized<T>;
}
