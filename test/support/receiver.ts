/**
 * A callback receiver: a real HTTP server on 127.0.0.1 that records every request (SOAP callbacks of QMI, ICI, Open
 * Media …) and answers through a handler. Tests wait for requests on its barrier, never by sleeping.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Barrier, WAIT_MS } from './barrier.js';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Date.now() at arrival (for ordering and backoff checks, never for speed). */
  at: number;
}

/** Answers one request; `index` counts requests from 0. */
export type Handler = (req: ReceivedRequest, res: ServerResponse, index: number) => void;

export interface Receiver {
  port: number;
  /** `http://127.0.0.1:<port><path>`. */
  url: string;
  requests: ReceivedRequest[];
  /** Resolves with the first `count` requests matching, in arrival order. */
  waitFor(match?: (r: ReceivedRequest) => boolean, count?: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Told about every request (for waits on what a handler derived from them). */
  readonly barrier: Barrier;
  /** setTimeout that close() clears, for handlers that answer late. */
  later(ms: number, fn: () => void): void;
  close(): Promise<void>;
}

export const ok = (res: ServerResponse, body = '<ok/>'): void => {
  res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' }).end(body);
};

/**
 * Starts a receiver; `port` 0 picks a free one, a number reopens a port a test closed earlier. The handler runs
 * before waiters are told, so what it records is there when they look.
 */
export async function startReceiver(handler: Handler = (_r, res) => ok(res), port = 0, path = '/callback'): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const barrier = new Barrier();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      requests.push(received);
      handler(received, res, requests.length - 1);
      barrier.notify();
    });
    // The gateway aborting an attempt resets the connection; that is expected here.
    res.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}${path}`,
    requests,
    barrier,
    waitFor(match = () => true, count = 1, timeoutMs = WAIT_MS) {
      return barrier.until(
        () => {
          const hits = requests.filter(match);
          return hits.length >= count ? hits.slice(0, count) : undefined;
        },
        `${count} request(s)`,
        timeoutMs,
        () => `${requests.length} request(s): ${requests.map((r) => r.body.slice(0, 120)).join(' | ')}`,
      );
    },
    later(ms, fn) {
      const t = setTimeout(() => {
        timers.delete(t);
        fn();
      }, ms);
      timers.add(t);
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that was free a moment ago and is now closed: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const r = await startReceiver(() => undefined);
  await r.close();
  return r.port;
}
