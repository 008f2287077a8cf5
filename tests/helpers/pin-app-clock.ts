/**
 * Integration-project setup file: lib/server/clock.ts's `now()` is replaced by the tests' app clock
 * (tests/helpers/app-clock.ts) in every test file, so nothing the app reads internally comes
 * from the machine's date. Its `sleep()` steps that clock instead of waiting; other exports
 * stay as they are.
 */
import { vi } from "vitest";

vi.mock("@/lib/server/clock", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/lib/server/clock")>();
  const app = await import("./app-clock");
  // a wait for a vendor's rate window steps the clock past it instead of sleeping for real
  const sleep = async (ms: number) => app.setAppNow(new Date(app.now().getTime() + ms));
  return { ...original, now: app.now, sleep };
});
