/**
 * A local webhook receiver for tests: records every POST (headers + raw body) and can be
 * told to fail the next N requests to exercise retries. Listens on 127.0.0.1 only.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedHook {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: unknown;
  /** the machine's clock when it arrived (ms): a receiver checks a signature's freshness at this moment */
  receivedAt: number;
}

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedHook[];
  /** answer the next `n` requests with `status` */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(port = 0): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  let failures = 0;
  let failStatus = 503;
  // every answer closes its connection: a sender never reuses a kept-alive socket the receiver
  // is closing at that moment (on a busy machine that race made a first attempt 'fetch failed')
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (failures > 0) {
        failures--;
        res.writeHead(failStatus, { connection: "close" }).end("try later");
        return;
      }
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        // recorded as is
      }
      received.push({ headers: req.headers, body, json, receivedAt: Date.now() });
      res.writeHead(200, { "content-type": "text/plain", connection: "close" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/hooks/alerts`,
    port: actual,
    received,
    failNext(n, status = 503) {
      failures = n;
      failStatus = status;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
