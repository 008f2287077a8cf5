/** Runs once when a server process starts: refuse to run with an unsafe configuration. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { assertSafeToStart } = await import("./lib/boot");
    assertSafeToStart();
    const { startScheduler } = await import("./lib/scheduler/start");
    startScheduler();
  }
}
