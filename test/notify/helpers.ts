/** Shared fixtures for notifier tests: cleanup, a capturing logger, real local HTTP receivers, polling. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { afterEach } from 'vitest';
import type { DeliveryPolicy } from '../../src/notify/index.js';

/**
 * Registers an afterEach in the calling test file that undoes, newest first, what its tests set up: `track(x)` closes
 * x (and returns it), `defer(fn)` runs fn.
 */
export function cleanupAfterEach(): {
  track: <T extends { close(): Promise<void> }>(x: T) => T;
  defer: (fn: () => Promise<void>) => void;
} {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });
  return {
    track(x) {
      cleanup.push(() => x.close());
      return x;
    },
    defer(fn) {
      cleanup.push(fn);
    },
  };
}

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export const WARN = 40;

/** A pino logger at debug whose JSON lines are kept in memory (pino writes synchronously to a plain write()). */
export function captureLogger(): { logger: Logger; lines: LogLine[]; raw: string[] } {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(s: string) {
        raw.push(s);
        lines.push(JSON.parse(s) as LogLine);
      },
    },
  );
  return { logger, lines, raw };
}

/** Short policy so retries and cancellations happen in milliseconds. */
export const FAST: Partial<DeliveryPolicy> = {
  retryBaseMs: 20,
  retryMaxMs: 100,
  connectTimeoutMs: 500,
  attemptTimeoutMs: 300,
  cancelAfterFailures: 50,
  cancelAfterMs: 60_000,
};

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export interface Receiver {
  port: number;
  url: string;
  requests: ReceivedRequest[];
  /** setTimeout that close() clears, for handlers that answer late. */
  later(ms: number, fn: () => void): void;
  close(): Promise<void>;
}

export type Handler = (req: ReceivedRequest, res: ServerResponse, index: number) => void;

/** A real HTTP receiver on 127.0.0.1; `port` 0 picks a free one, a number reopens a port a test closed earlier. */
export async function startReceiver(handler: Handler, port = 0): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      requests.push(received);
      handler(received, res, requests.length - 1);
    });
    // The notifier aborting an attempt resets the connection; that is expected here.
    res.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}/callback`,
    requests,
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

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function event(seq: number): { body: string; label: string; headers: Record<string, string> } {
  return { body: `<event seq="${seq}"/>`, label: `event${seq}`, headers: { SOAPAction: '"urn:test#event"' } };
}

export function seqOf(body: string): number {
  const m = /seq="(\d+)"/.exec(body);
  return m ? Number(m[1]) : -1;
}

export const ok = (res: ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'text/xml' }).end('<ok/>');
};

/** Detects a SOAP fault in any prefix: what ICI/QMI protocol checks do. */
export const soapFaultCheck = (a: { body: string }): true | string => (/<(\w+:)?Fault[\s/>]/.test(a.body) ? 'SOAP fault' : true);
