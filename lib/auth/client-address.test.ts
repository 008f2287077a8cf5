import { describe, expect, it } from "vitest";

import { clientAddressOf, parseTrustedProxies } from "./client-address";

describe("the client address the server trusts", () => {
  const none = parseTrustedProxies(undefined);

  it("without trusted proxies, the socket's peer — whatever X-Forwarded-For says", () => {
    expect(clientAddressOf("203.0.113.9", "1.2.3.4", none)).toBe("203.0.113.9");
    expect(clientAddressOf("::ffff:203.0.113.9", undefined, none)).toBe("203.0.113.9");
    expect(clientAddressOf(undefined, "1.2.3.4", none)).toBe("unknown");
  });

  it("behind a trusted proxy, the address that proxy forwarded for (the last hop it added)", () => {
    const trusted = parseTrustedProxies("10.0.0.5, 10.0.0.6");
    // the client forged "1.2.3.4" before the proxy appended the real peer
    expect(clientAddressOf("10.0.0.5", "1.2.3.4, 198.51.100.20", trusted)).toBe("198.51.100.20");
    // two trusted proxies in a row
    expect(clientAddressOf("10.0.0.5", "1.2.3.4, 198.51.100.20, 10.0.0.6", trusted)).toBe(
      "198.51.100.20",
    );
    // a trusted proxy that forwarded nothing is itself the client
    expect(clientAddressOf("10.0.0.5", undefined, trusted)).toBe("10.0.0.5");
    // a garbled hop stops the walk at the last trusted address
    expect(clientAddressOf("10.0.0.5", "not-an-ip", trusted)).toBe("10.0.0.5");
  });

  it("ignores entries of the setting that are not addresses", () => {
    expect([...parseTrustedProxies("10.0.0.5,, nonsense ,::1")]).toEqual(["10.0.0.5", "::1"]);
  });
});
