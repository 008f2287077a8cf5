/**
 * Integration-project setup file: lib/clock.ts's `now()` is replaced by the tests' app clock
 * (tests/helpers/app-clock.ts) in every test file, so nothing the app reads internally comes
 * from the machine's date. Other exports of lib/clock.ts stay as they are.
 */
import { vi } from "vitest";

vi.mock("@/lib/clock", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/lib/clock")>();
  const app = await import("./app-clock");
  return { ...original, now: app.now };
});
