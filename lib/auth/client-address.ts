/**
 * The client's address as the server can trust it. `X-Forwarded-For` is whatever the client
 * wrote unless a proxy we trust wrote it, so it is read only behind configured trusted proxies
 * (ALLOTMENT_TRUSTED_PROXIES): walking the chain from the socket's peer backwards, each hop
 * that is a trusted proxy hands over to the address it forwarded for; the first untrusted hop is
 * the client.
 */
import { isIP } from "node:net";

/** The request header the server sets from the socket (any client-sent value is dropped first). */
export const CLIENT_ADDRESS_HEADER = "x-allotment-client-address";

function normalize(address: string): string {
  const a = address.trim().replace(/^\[|\]$/g, "");
  return a.startsWith("::ffff:") && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

export function parseTrustedProxies(text: string | undefined): Set<string> {
  return new Set(
    (text ?? "")
      .split(",")
      .map(normalize)
      .filter((a) => a !== "" && isIP(a) !== 0),
  );
}

export function clientAddressOf(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: ReadonlySet<string>,
): string {
  let current = normalize(socketAddress ?? "");
  if (!current) return "unknown";
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map(normalize)
    .filter(Boolean);
  while (trusted.has(current) && hops.length > 0) {
    const previous = hops.pop()!;
    if (isIP(previous) === 0) break; // a garbled chain: stop at the last hop we could trust
    current = previous;
  }
  return current;
}

let installed = false;

/**
 * Next.js gives route handlers no socket, and only fills X-Forwarded-For when the client sent
 * none. So, once per process (instrumentation.ts), every incoming HTTP request gets
 * CLIENT_ADDRESS_HEADER computed from its socket before Next sees it, overwriting any value the
 * client sent. The sign-in throttle keys on that header.
 */
export async function installClientAddressHook(trustedProxies: string | undefined): Promise<void> {
  if (installed) return;
  installed = true;
  const http = await import("node:http");
  const trusted = parseTrustedProxies(trustedProxies);
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (
    this: import("node:http").Server,
    event: string | symbol,
    ...args: unknown[]
  ) {
    if (event === "request") {
      const req = args[0] as import("node:http").IncomingMessage;
      req.headers[CLIENT_ADDRESS_HEADER] = clientAddressOf(
        req.socket?.remoteAddress,
        req.headers["x-forwarded-for"],
        trusted,
      );
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof emit;
}
