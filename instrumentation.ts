/** Runs once when a server process starts: refuse to run with an unsafe configuration. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { assertSafeToStart } = await import("./lib/auth/startup");
    await assertSafeToStart(); // includes the single sign-on discovery check
    const { env } = await import("./lib/server/env");
    const { installClientAddressHook } = await import("./lib/auth/client-address");
    await installClientAddressHook(env().ALLOTMENT_TRUSTED_PROXIES);
    const { startScheduler } = await import("./lib/scheduler/start");
    startScheduler();
    const { ALLOTMENT_GATEWAY_PORT: port, ALLOTMENT_GATEWAY_HOST: host } = env();
    if (port) {
      const { startGatewayServer } = await import("./lib/gateway/api-server");
      await startGatewayServer(port, host); // a taken port fails the start loudly
    }
  }
}
