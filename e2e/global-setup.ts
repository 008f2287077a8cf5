/** Pins the test server's clock before any journey runs (see e2e/clock.ts). */
import { resetServerClock } from "./clock";

export default function globalSetup(): void {
  resetServerClock();
}
