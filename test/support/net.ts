/**
 * Raw senders: bytes over a new TCP connection (TelServices' raw XML, hand-made HTTP), and an HTTP request that
 * returns status, headers and body text whatever the status. Tests that check the wire byte for byte use these
 * rather than a client library that would normalise what it sends.
 */
import { connect } from 'node:net';
import { WAIT_MS } from './barrier.js';

/**
 * Sends `data` (parts written in order) on a new connection to 127.0.0.1:`port` and resolves with everything received
 * until the server closes. `endAfterWrite` half-closes after writing (the client's FIN). Rejects when the server has
 * not closed within `timeoutMs`.
 */
export function tcpExchange(port: number, data: string | Buffer | (string | Buffer)[], opts: { endAfterWrite?: boolean; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timeoutMs = opts.timeoutMs ?? WAIT_MS;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close from the server within ${timeoutMs} ms; got ${Buffer.concat(chunks).toString()}`));
    }, timeoutMs);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.on('connect', () => {
      for (const part of Array.isArray(data) ? data : [data]) socket.write(part);
      if (opts.endAfterWrite) socket.end();
    });
  });
}

/** A hand-written HTTP/1.1 request (`Connection: close` added unless given); resolves with the raw response text. */
export function httpRaw(port: number, method: string, path: string, headers: Record<string, string>, body = ''): Promise<string> {
  const lines = [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`];
  const names = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (!names.has('connection')) lines.push('Connection: close');
  if (!names.has('content-length') && body !== '') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return tcpExchange(port, `${lines.join('\r\n')}\r\n\r\n${body}`);
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** One HTTP request (fetch); any status resolves. */
export async function httpRequest(url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<HttpAnswer> {
  const res = await fetch(url, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), ...(init.headers ? { headers: init.headers } : {}), ...(init.body !== undefined ? { body: init.body } : {}) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
