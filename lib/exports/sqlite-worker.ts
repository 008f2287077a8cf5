/**
 * A read-only SQLite connection on a worker thread, for the exports. better-sqlite3 runs a
 * statement synchronously, so on the main thread a big export spends about a third of its
 * time inside SQLite with the event loop blocked; on a worker the database builds the next
 * page while the main thread formats the current one, and other requests keep being served.
 *
 * The worker is a few lines of plain JavaScript (evaluated, so it needs no build step of
 * its own) that runs one statement per message and answers with its single column (the
 * JSON document of json-read.ts) as UTF-8 bytes, read as a BLOB and handed over without a
 * copy: a page of text as a JavaScript string would be a large heap object on both threads,
 * collected only by full collections, and the worker's heap would grow with every page.
 */
import "server-only";

import { createRequire } from "node:module";
import path from "node:path";
import { Worker } from "node:worker_threads";

const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
let conn;
const statements = new Map();
try {
  conn = new Database(workerData.file, { readonly: true, fileMustExist: true, timeout: workerData.timeout });
  conn.pragma("cache_size = -" + workerData.cacheKib);
  parentPort.postMessage([{ id: 0, bytes: null }]);
} catch (error) {
  parentPort.postMessage([{ id: 0, error: String((error && error.message) || error) }]);
}
// a message is a list of statements (those asked for in one tick); the answers go back as
// one message too, so a page and the read-ahead that goes with it cost one wake-up each way
parentPort.on("message", (requests) => {
  const replies = [];
  const transfer = [];
  for (const { id, sql, values } of requests) {
    try {
      let statement = statements.get(sql);
      if (!statement) {
        statement = conn.prepare(sql).pluck();
        statements.set(sql, statement);
      }
      let bytes = statement.get(...values);
      if (bytes == null) {
        replies.push({ id, bytes: null });
        continue;
      }
      if (typeof bytes === "string") bytes = Buffer.from(bytes, "utf8");
      // handed over, not copied; a view into a shared buffer is copied out first
      if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) bytes = new Uint8Array(bytes);
      replies.push({ id, bytes });
      transfer.push(bytes.buffer);
    } catch (error) {
      replies.push({ id, error: String((error && error.message) || error) });
    }
  }
  parentPort.postMessage(replies, transfer);
});
`;

type Reply =
  { id: number; bytes: Uint8Array | null; error?: undefined } | { id: number; error: string };

export interface SqliteWorker {
  /** Runs a statement whose single column `j` is text (or null) and resolves with it. */
  text(sql: string, values: unknown[]): Promise<string | null>;
  close(): void;
}

const utf8 = new TextDecoder();

/** Starts the worker and waits until its connection is open; rejects if it cannot open. */
export function startSqliteWorker(
  file: string,
  opts: { cacheKib: number; timeoutMs: number },
): Promise<SqliteWorker> {
  // resolved here, where the app's node_modules are known, and handed to the worker
  const driver = createRequire(path.join(process.cwd(), "package.json")).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, file, cacheKib: opts.cacheKib, timeout: opts.timeoutMs },
    resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 4 },
  });
  const pending = new Map<
    number,
    { resolve: (bytes: Uint8Array | null) => void; reject: (error: Error) => void }
  >();
  let nextId = 1;
  let failure: Error | null = null;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  worker.on("error", failAll);
  worker.on("exit", () => failAll(new Error("export reader stopped")));
  worker.unref(); // an abandoned export never keeps the process alive
  let queued: { id: number; sql: string; values: unknown[] }[] = [];
  const flush = () => {
    const requests = queued;
    queued = [];
    worker.postMessage(requests);
  };

  return new Promise((resolve, reject) => {
    pending.set(0, {
      resolve: () =>
        resolve({
          text(sql, values) {
            if (failure) return Promise.reject(failure);
            const id = nextId++;
            return new Promise((res, rej) => {
              pending.set(id, {
                resolve: (bytes) => res(bytes && utf8.decode(bytes)),
                reject: rej,
              });
              if (!queued.length) queueMicrotask(flush);
              queued.push({ id, sql: `SELECT CAST("j" AS BLOB) FROM (${sql})`, values });
            });
          },
          close() {
            failure ??= new Error("export reader closed");
            void worker.terminate();
          },
        }),
      reject: (error) => {
        void worker.terminate();
        reject(error);
      },
    });
    worker.on("message", (replies: Reply[]) => {
      for (const reply of replies) {
        const p = pending.get(reply.id);
        if (!p) continue;
        pending.delete(reply.id);
        if (reply.error !== undefined) p.reject(new Error(reply.error));
        else p.resolve(reply.bytes);
      }
    });
  });
}
