/** Start-up check: a production server with a weak secret or no sign-in method must not run. */
import { startupProblems } from "./env";

export function assertSafeToStart(): void {
  const problems = startupProblems();
  if (problems.length) {
    console.error(`Allotment cannot start:\n- ${problems.join("\n- ")}`);
    process.exit(1);
  }
}
