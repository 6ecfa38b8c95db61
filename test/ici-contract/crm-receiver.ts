/**
 * The IciEvent service a CRM hosts at its appUrl (seed 002 9.3), written from the seed alone: an HTTP server that
 * takes each event, records it, and answers `<opResponse xmlns="urn:IciEventInterface"><response/></opResponse>`
 * (9.3.x.3). It imports nothing from ccgate, so the simulated CRM built on it stays independent of the project.
 *
 * Waiting is by arrival, never by time: `take()` resolves when the next matching event is in (the test's timeout
 * bounds it), `waitFor()` when enough are.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser } from 'fast-xml-parser';

export const EVENT_NS = 'urn:IciEventInterface';
export const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';

/** One event as the CRM received it: the operation, its appIds, its parameters as plain objects, and the raw text. */
export interface IciEvent {
  /** Arrival order, from 0. */
  seq: number;
  op: string;
  appIds: string[];
  /** The operation element's children by local name (arrays as `item` lists, text as strings, xsi:nil as null). */
  params: Record<string, unknown>;
  raw: string;
  headers: IncomingHttpHeaders;
  /** The request target: path and query of the appUrl the event was posted to. */
  path: string;
  received: number;
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'item' || name === 'Item',
});

/** xsi:nil elements as null, `{ '#text': x }` as x, attributes dropped; arrays stay arrays. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v === null || typeof v !== 'object') return v ?? '';
  const o = v as Record<string, unknown>;
  if (o['@nil'] === 'true') return null;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(o)) {
    if (k === '#text') {
      if (Object.keys(o).every((x) => x === '#text' || x.startsWith('@'))) return val;
      continue;
    }
    if (!k.startsWith('@')) out[k] = plain(val);
  }
  return out;
}

/** Parses one IciEvent SOAP message (1.1 or 1.2, any prefixes). Throws when it is not one. */
export function parseEvent(raw: string): Pick<IciEvent, 'op' | 'appIds' | 'params'> {
  const doc = parser.parse(raw) as Record<string, unknown>;
  const env = doc['Envelope'] as Record<string, unknown> | undefined;
  const body = env?.['Body'] as Record<string, unknown> | undefined;
  const op = Object.keys(body ?? {}).find((k) => !k.startsWith('@'));
  if (!body || !op) throw new Error('not a SOAP message with a body element');
  const params = (plain(body[op]) ?? {}) as Record<string, unknown>;
  // 9.3.2 spells appIds as applds in its definition (INVENTORY 3.13.2): read either.
  const ids = (params['appIds'] ?? params['applds']) as { item?: unknown[] } | undefined;
  const appIds = (ids?.item ?? []).map(String);
  return { op, appIds, params: typeof params === 'object' ? params : {} };
}

/** The answer a CRM gives to every event (9.3.x.3), in the SOAP version of the request. */
export function eventAnswer(op: string, soap12: boolean): string {
  const ns = soap12 ? 'http://www.w3.org/2003/05/soap-envelope' : SOAP11;
  return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${ns}"><soap:Body><${op}Response xmlns="${EVENT_NS}"><response /></${op}Response></soap:Body></soap:Envelope>`;
}

type Waiter = () => void;

export class CrmReceiver {
  readonly events: IciEvent[] = [];
  /** Bodies that were not IciEvent messages (kept so a test can say what came). */
  readonly rejected: string[] = [];
  /** How to answer an event; default: HTTP 200 with the void response. */
  answer: (ev: IciEvent) => { status: number; body: string } = (ev) => ({ status: 200, body: eventAnswer(ev.op, ev.raw.includes('2003/05/soap-envelope')) });
  private server: Server | undefined;
  private waiters = new Set<Waiter>();
  private cursor = 0;
  port = 0;

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let ev: IciEvent;
        try {
          ev = { seq: this.events.length, ...parseEvent(raw), raw, headers: req.headers, path: req.url ?? '', received: performance.now() };
        } catch {
          this.rejected.push(raw);
          res.writeHead(400, { 'content-type': 'text/plain' }).end('not an IciEvent message');
          return;
        }
        const a = this.answer(ev);
        if (a.status < 300) {
          this.events.push(ev);
          for (const w of [...this.waiters]) w();
        }
        res.writeHead(a.status, { 'content-type': 'text/xml; charset=utf-8' }).end(a.body);
      });
    });
    await new Promise<void>((r) => this.server?.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The appUrl to subscribe with; the path is the seed's example (9.2.6.2). */
  url(path = '/IciEventService/IciEventConf?style=document'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Resolves with the first `count` events (from all received) matching `pred`, as soon as they are in. */
  waitFor(pred: (e: IciEvent) => boolean, count = 1): Promise<IciEvent[]> {
    return new Promise((resolve) => {
      const check: Waiter = () => {
        const hit = this.events.filter(pred);
        if (hit.length >= count) {
          this.waiters.delete(check);
          resolve(hit.slice(0, count));
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  /** The next event after the last one taken that matches `pred` (events skipped over stay readable in `events`). */
  take(pred: (e: IciEvent) => boolean = () => true): Promise<IciEvent> {
    return new Promise((resolve) => {
      const check: Waiter = () => {
        for (let i = this.cursor; i < this.events.length; i++) {
          const e = this.events[i]!;
          if (pred(e)) {
            this.cursor = i + 1;
            this.waiters.delete(check);
            resolve(e);
            return;
          }
        }
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Forgets every event received so far (and the cursor). */
  clear(): void {
    this.events.length = 0;
    this.cursor = 0;
  }

  async stop(): Promise<void> {
    this.waiters.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
