import { describe, expect, it } from "vitest";

import { appOrigin, crossSiteRefusal, crossSiteRefusalFor } from "./origin";

const app = "http://127.0.0.1:3107";

describe("crossSiteRefusal", () => {
  const base = { method: "POST", secFetchSite: null, origin: null, appOrigin: app };

  it("lets safe methods through whatever the headers say", () => {
    for (const method of ["GET", "HEAD", "OPTIONS", "get"])
      expect(
        crossSiteRefusal({
          ...base,
          method,
          secFetchSite: "cross-site",
          origin: "https://evil.example",
        }),
      ).toBeNull();
  });

  it("lets a same-origin browser request and a header-less client through", () => {
    expect(crossSiteRefusal({ ...base, secFetchSite: "same-origin", origin: app })).toBeNull();
    expect(crossSiteRefusal({ ...base, secFetchSite: "none" })).toBeNull();
    expect(crossSiteRefusal(base)).toBeNull();
    expect(crossSiteRefusal({ ...base, origin: "http://127.0.0.1:3107/" })).toBeNull();
  });

  it("refuses what the browser marks cross-site or same-site", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      expect(crossSiteRefusal({ ...base, method, secFetchSite: "cross-site" })).toMatch(
        /Cross-site request refused/,
      );
      expect(crossSiteRefusal({ ...base, method, secFetchSite: "same-site", origin: app })).toMatch(
        /Cross-site/,
      );
    }
  });

  it("refuses a foreign, opaque or malformed Origin even without Sec-Fetch-Site", () => {
    for (const origin of [
      "https://evil.example",
      "null",
      "",
      "http://127.0.0.1:3108",
      "https://127.0.0.1:3107",
      "http://127.0.0.1.evil.example:3107",
      "javascript:alert(1)",
    ])
      expect(crossSiteRefusal({ ...base, origin }), origin).toMatch(
        /Origin .* not this app's origin/,
      );
  });

  it("refuses an Origin when the app's own origin cannot be told", () => {
    expect(crossSiteRefusal({ ...base, origin: app, appOrigin: null })).not.toBeNull();
  });
});

describe("appOrigin", () => {
  const h = (o: Record<string, string>) => new Headers(o);

  it("is NEXTAUTH_URL's origin when set, whatever the Host header says", () => {
    expect(
      appOrigin({
        nextauthUrl: "https://allotment.example.com/base/",
        headers: h({ host: "evil.example" }),
        requestUrl: "http://evil.example/x",
      }),
    ).toBe("https://allotment.example.com");
    expect(
      appOrigin({
        nextauthUrl: "https://allotment.example.com:443",
        headers: h({}),
        requestUrl: "http://x/",
      }),
    ).toBe("https://allotment.example.com");
  });

  it("without NEXTAUTH_URL (demo) is the request's own host and protocol", () => {
    expect(
      appOrigin({
        headers: h({ host: "127.0.0.1:3107" }),
        requestUrl: "http://127.0.0.1:3107/api/x",
      }),
    ).toBe("http://127.0.0.1:3107");
    expect(
      appOrigin({
        headers: h({
          host: "internal:3000",
          "x-forwarded-host": "demo.example, proxy",
          "x-forwarded-proto": "https",
        }),
        requestUrl: "http://internal:3000/",
      }),
    ).toBe("https://demo.example");
    expect(appOrigin({ headers: h({ host: "Demo.Example:80" }), requestUrl: "http://x/" })).toBe(
      "http://demo.example",
    );
  });

  it("is null without a usable host", () => {
    expect(appOrigin({ headers: h({}), requestUrl: "http://x/" })).toBeNull();
    expect(appOrigin({ headers: h({ host: "a@b" }), requestUrl: "http://x/" })).toBeNull();
    expect(
      appOrigin({ headers: h({ host: "x", "x-forwarded-proto": "ftp" }), requestUrl: "http://x/" }),
    ).toBeNull();
  });
});

describe("crossSiteRefusalFor (a web Request)", () => {
  const req = (method: string, headers: Record<string, string>) =>
    new Request("http://127.0.0.1:3107/api/alerts/channels", {
      method,
      headers: { host: "127.0.0.1:3107", ...headers },
    });

  it("demo mode: same host passes, another origin is refused", () => {
    expect(
      crossSiteRefusalFor(
        req("POST", { origin: "http://127.0.0.1:3107", "sec-fetch-site": "same-origin" }),
      ),
    ).toBeNull();
    expect(
      crossSiteRefusalFor(
        req("POST", { origin: "https://evil.example", "sec-fetch-site": "cross-site" }),
      ),
    ).toMatch(/Cross-site/);
    expect(crossSiteRefusalFor(req("DELETE", { origin: "https://evil.example" }))).toMatch(
      /Cross-site/,
    );
    expect(
      crossSiteRefusalFor(
        req("GET", { origin: "https://evil.example", "sec-fetch-site": "cross-site" }),
      ),
    ).toBeNull();
  });

  it("production: the Host header cannot make an attacker's origin the app's", () => {
    const r = new Request("http://evil.example/api/x", {
      method: "POST",
      headers: { host: "evil.example", origin: "http://evil.example" },
    });
    expect(crossSiteRefusalFor(r, "https://allotment.example.com")).toMatch(/Cross-site/);
    const ok = new Request("http://internal/api/x", {
      method: "POST",
      headers: { host: "internal", origin: "https://allotment.example.com" },
    });
    expect(crossSiteRefusalFor(ok, "https://allotment.example.com")).toBeNull();
  });
});
